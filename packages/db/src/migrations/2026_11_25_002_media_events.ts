import { type Kysely, sql } from "kysely";

// Every change to an asset that a subscriber may want (status, progress, result, error), in commit
// order per asset. Live subscribers get them through NOTIFY; a reconnecting one replays from here
// with its last event id, so nothing is lost between the two.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("media_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("asset_id", "text", (c) =>
      c.notNull().references("media_assets.id").onDelete("cascade"),
    )
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("media_events_user_id")
    .on("media_events")
    .columns(["user_id", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("media_events").execute();
}
