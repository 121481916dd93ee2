import { type Kysely, sql } from "kysely";

// Every studio user shares the workspace's one ZERNIO_API_KEY, and so its rate limit: one user's
// burst of social.schedule calls must not use it up for everyone. `social_post_requests` counts a
// user's schedule calls in a sliding window (in the database, so the limit holds across server
// processes); `zernio_uploads` remembers a recent upload of an asset's file (presign → PUT), so
// posting the same asset again reuses its Zernio URL instead of uploading the same bytes again.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("social_post_requests")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("social_post_requests_user_created_idx")
    .on("social_post_requests")
    .columns(["user_id", "created_at"])
    .execute();
  await db.schema
    .createTable("zernio_uploads")
    .addColumn("asset_id", "text", (c) => c.primaryKey())
    .addColumn("public_url", "text", (c) => c.notNull())
    .addColumn("uploaded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("zernio_uploads").ifExists().execute();
  await db.schema.dropTable("social_post_requests").ifExists().execute();
}
