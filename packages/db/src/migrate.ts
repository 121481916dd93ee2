import { type Kysely, sql } from "kysely";
import { type MigrationResultSet, Migrator } from "kysely/migration";
import { migrationProvider } from "./migrations";
import type { Database } from "./schema";

/** A fixed advisory-lock key ("streamline" in ASCII, truncated) so concurrent starters take turns. */
const MIGRATION_LOCK_KEY = 0x73747265616d6c;

/**
 * Brings the schema to the latest migration. Safe to call at every start-up and from several
 * processes at once: the whole run holds a Postgres advisory lock on one connection, so a second
 * process waits, then finds nothing left to do. (Kysely's own lock table is created with
 * `create table if not exists`, which races between processes on PostgreSQL; the advisory lock
 * is taken before it.)
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      const result = await new Migrator({
        db: conn,
        provider: migrationProvider,
      }).migrateToLatest();
      if (result.error) throw result.error;
      return result;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}
