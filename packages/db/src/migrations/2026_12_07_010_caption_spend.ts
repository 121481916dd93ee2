import { type Kysely, sql } from "kysely";

// Captions cost money too (issue 16): a caption request reserves a conservative estimate before
// the provider is called, under the same per-user lock and cap as generations, and is settled from
// the provider's `usage` after. `demo` requests (offline demo mode) cost nothing and count nothing.
// The (user, created_at) index serves today's spend, the running count and the per-minute limit.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("caption_requests")
    .addColumn("estimated_cost_usd", sql`numeric(12, 6)`)
    .execute();
  await db.schema
    .alterTable("caption_requests")
    .addColumn("demo", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createIndex("caption_requests_user_created_at")
    .on("caption_requests")
    .columns(["user_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("caption_requests_user_created_at").execute();
  await db.schema.alterTable("caption_requests").dropColumn("demo").execute();
  await db.schema.alterTable("caption_requests").dropColumn("estimated_cost_usd").execute();
}
