import { type Kysely, sql } from "kysely";

// Post analytics (issue 20). Keyed by scheduled post id + our platform id (x, not twitter):
// - post_analytics_targets: one published (post, platform) we follow, its place on the decaying
//   refresh schedule (`step`, `next_refresh_at`) and why it stopped (deleted on the network, every
//   platform failed, analytics unavailable, schedule done);
// - post_metric_snapshots: the figures read at each step. UNIQUE (post_id, platform, slot): a
//   retried or re-run refresh (crash after the write, two workers, a webhook) inserts … ON CONFLICT
//   DO NOTHING, so a slot is never written twice and never lost;
// - zernio_analytics_state: the workspace's analytics access (one Zernio key for every user: read
//   once from GET /v1/accounts' hasAnalyticsAccess) and a pause after Zernio's 429;
// - zernio_analytics_requests: analytics calls in a sliding window (the shared rate budget);
// - analytics_notices: a user saw "no analytics access" (the studio says it once).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("post_analytics_targets")
    .addColumn("post_id", "text", (c) =>
      c.notNull().references("scheduled_posts.id").onDelete("cascade"),
    )
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("account_id", "text")
    .addColumn("published_at", "timestamptz", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("step", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_refresh_at", "timestamptz")
    .addColumn("pending_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("post_analytics_targets_pk", ["post_id", "platform"])
    .addCheckConstraint(
      "post_analytics_targets_status_check",
      sql`status in ('active', 'done', 'deleted', 'failed', 'unavailable')`,
    )
    .execute();
  await sql`create index post_analytics_targets_due_idx on post_analytics_targets (next_refresh_at)
    where status = 'active'`.execute(db);
  await db.schema
    .createIndex("post_analytics_targets_user_idx")
    .on("post_analytics_targets")
    .columns(["user_id", "published_at"])
    .execute();

  await db.schema
    .createTable("post_metric_snapshots")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull())
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("slot", "integer", (c) => c.notNull())
    .addColumn("taken_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("impressions", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("reach", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("views", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("likes", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("comments", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("shares", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("saves", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("clicks", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("engagement_rate", "double precision", (c) => c.notNull().defaultTo(0))
    .addColumn("extras", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addUniqueConstraint("post_metric_snapshots_slot_key", ["post_id", "platform", "slot"])
    .addForeignKeyConstraint(
      "post_metric_snapshots_target_fk",
      ["post_id", "platform"],
      "post_analytics_targets",
      ["post_id", "platform"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
  await db.schema
    .createIndex("post_metric_snapshots_user_taken_idx")
    .on("post_metric_snapshots")
    .columns(["user_id", "taken_at"])
    .execute();

  await db.schema
    .createTable("zernio_analytics_state")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("has_access", "boolean")
    .addColumn("checked_at", "timestamptz")
    .addColumn("paused_until", "timestamptz")
    .execute();
  await db.schema
    .createTable("zernio_analytics_requests")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("zernio_analytics_requests_created_idx")
    .on("zernio_analytics_requests")
    .column("created_at")
    .execute();
  await db.schema
    .createTable("analytics_notices")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("seen_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "analytics_notices",
    "zernio_analytics_requests",
    "zernio_analytics_state",
    "post_metric_snapshots",
    "post_analytics_targets",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
