import { type Kysely, sql } from "kysely";

// The latest figures of each followed (post, platform), kept on its post_analytics_targets row
// (issue 20, insights at scale). The insights, best times and CSV export read one row per pair:
// before this they picked the highest slot out of every snapshot of the user (DISTINCT ON over
// 100,000 rows, sorted on disk: 0.4–0.7 s on PostgreSQL for 20,000 pairs). recordSnapshot writes
// the snapshot and these columns in ONE statement, raising them only to a higher slot, so a
// retried, doubled or out-of-order write leaves the highest slot's figures (see post-analytics.ts).
const FIGURES = [
  ["impressions", "bigint"],
  ["reach", "bigint"],
  ["views", "bigint"],
  ["likes", "bigint"],
  ["comments", "bigint"],
  ["shares", "bigint"],
  ["saves", "bigint"],
  ["clicks", "bigint"],
  ["engagement_rate", "double precision"],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  let alter = db.schema
    .alterTable("post_analytics_targets")
    .addColumn("latest_slot", "integer")
    .addColumn("latest_taken_at", "timestamptz");
  for (const [name, type] of FIGURES) alter = alter.addColumn(`latest_${name}`, type);
  await alter.execute();
  // Backfill from the snapshots already stored: the highest slot of each pair.
  await sql`
    update post_analytics_targets t
    set latest_slot = s.slot, latest_taken_at = s.taken_at,
        latest_impressions = s.impressions, latest_reach = s.reach, latest_views = s.views,
        latest_likes = s.likes, latest_comments = s.comments, latest_shares = s.shares,
        latest_saves = s.saves, latest_clicks = s.clicks, latest_engagement_rate = s.engagement_rate
    from (
      select distinct on (post_id, platform) *
      from post_metric_snapshots
      order by post_id, platform, slot desc
    ) s
    where t.post_id = s.post_id and t.platform = s.platform`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  let alter = db.schema
    .alterTable("post_analytics_targets")
    .dropColumn("latest_slot")
    .dropColumn("latest_taken_at");
  for (const [name] of FIGURES) alter = alter.dropColumn(`latest_${name}`);
  await alter.execute();
}
