import { type Kysely, sql } from "kysely";

// Every row a user owns goes with the user (issue 16, item 4): before this, only api_keys (and
// better-auth's own tables) referenced "user", so a user removed by hand left their assets,
// captions, posts, events and Zernio profile row behind. Rows already orphaned that way are
// deleted first (their user no longer exists, so nobody can reach them); then each user_id gets a
// foreign key with ON DELETE CASCADE, and an orphan row can no longer exist at all.
// Stored files of orphaned assets cannot be removed from a migration (it has no storage): the
// account deletion in packages/api/src/account/delete.ts removes a user's files before the row.
const OWNED_TABLES = [
  "media_events",
  "captions",
  "caption_requests",
  "scheduled_posts",
  "media_assets",
  "social_profiles",
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // Children before parents, so the per-table deletes never fight the asset cascades.
  for (const table of OWNED_TABLES) {
    await sql`delete from ${sql.table(table)} t
      where not exists (select 1 from "user" u where u.id = t.user_id)`.execute(db);
  }
  for (const table of OWNED_TABLES) {
    await db.schema
      .alterTable(table)
      .addForeignKeyConstraint(`${table}_user_id_fk`, ["user_id"], "user", ["id"], (c) =>
        c.onDelete("cascade"),
      )
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of OWNED_TABLES) {
    await db.schema.alterTable(table).dropConstraint(`${table}_user_id_fk`).ifExists().execute();
  }
}
