import { type Kysely, sql } from "kysely";

// The tables added beside 2026_12_07_020 (posting rate, Zernio uploads, stream leases) follow the
// same rule: a row a user owns goes with the user (directly, or through its asset), and an orphan
// row cannot exist. Orphans are deleted first, as in 020.
const USER_OWNED = ["social_post_requests", "media_streams"] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of USER_OWNED) {
    await sql`delete from ${sql.table(table)} t
      where not exists (select 1 from "user" u where u.id = t.user_id)`.execute(db);
    await db.schema
      .alterTable(table)
      .addForeignKeyConstraint(`${table}_user_id_fk`, ["user_id"], "user", ["id"], (c) =>
        c.onDelete("cascade"),
      )
      .execute();
  }
  await sql`delete from zernio_uploads z
    where not exists (select 1 from media_assets a where a.id = z.asset_id)`.execute(db);
  await db.schema
    .alterTable("zernio_uploads")
    .addForeignKeyConstraint(
      "zernio_uploads_asset_id_fk",
      ["asset_id"],
      "media_assets",
      ["id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("zernio_uploads")
    .dropConstraint("zernio_uploads_asset_id_fk")
    .ifExists()
    .execute();
  for (const table of USER_OWNED) {
    await db.schema.alterTable(table).dropConstraint(`${table}_user_id_fk`).ifExists().execute();
  }
}
