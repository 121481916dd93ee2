import { type Kysely, sql } from "kysely";

// Open live progress streams (media.onProgress), one row each, so the per-user cap holds across
// every server process. A row is a lease: its process renews it while the stream is open and
// deletes it at the end; a process that dies leaves rows that stop counting when they expire.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("media_streams")
    .addColumn("id", "text", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()::text`))
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("media_streams_user_id_expires_at_idx")
    .on("media_streams")
    .columns(["user_id", "expires_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("media_streams").execute();
}
