import { type Kysely, sql } from "kysely";

// The posts page (issue 19) lists a user's posts by when they go out: the scheduled time, or the
// creation time for "Post now". `post_at` is that instant as a stored generated column, so one
// index (user, post_at, id) serves the calendar's date range, the queue (ascending) and the
// history (descending) with a keyset cursor. Filters by status / platform / account / caption
// text are applied within the user's range.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table scheduled_posts
    add column post_at timestamptz generated always as (coalesce(scheduled_for, created_at)) stored`.execute(
    db,
  );
  await db.schema
    .createIndex("scheduled_posts_user_post_at")
    .on("scheduled_posts")
    .columns(["user_id", "post_at", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("scheduled_posts_user_post_at").ifExists().execute();
  await sql`alter table scheduled_posts drop column if exists post_at`.execute(db);
}
