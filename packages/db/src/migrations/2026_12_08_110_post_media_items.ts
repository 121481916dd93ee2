import { type Kysely, sql } from "kysely";

// Issue 19: a post has ordered media items (a carousel), no longer "a post belongs to an asset".
// `post_media` holds each item in order (position 0 first) with the URL it was sent to Zernio with
// (so a re-sent create posts the same files). `scheduled_posts.asset_id` stays as the post's first
// item (its cover): live events, history cards and the account export keep reading it. Every
// existing post becomes a one-item post, carrying its media_url over.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("post_media")
    .addColumn("post_id", "text", (c) =>
      c.notNull().references("scheduled_posts.id").onDelete("cascade"),
    )
    .addColumn("position", "integer", (c) => c.notNull().check(sql`position >= 0`))
    .addColumn("asset_id", "text", (c) =>
      c.notNull().references("media_assets.id").onDelete("cascade"),
    )
    .addColumn("media_url", "text")
    .addPrimaryKeyConstraint("post_media_pkey", ["post_id", "position"])
    .addUniqueConstraint("post_media_post_asset", ["post_id", "asset_id"])
    .execute();
  // media.delete finds the posts that carry an asset at any position.
  await db.schema.createIndex("post_media_asset").on("post_media").column("asset_id").execute();
  await sql`insert into post_media (post_id, position, asset_id, media_url)
    select id, 0, asset_id, media_url from scheduled_posts`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("post_media").ifExists().execute();
}
