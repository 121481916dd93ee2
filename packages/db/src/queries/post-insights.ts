// What the insights, the best times and the CSV export read: the latest figures of each of a
// user's followed (post, platform) pairs (its highest snapshot slot, kept on the pair's row), with
// what the studio knows about how the post was made (the asset's model, type, size, reference
// photo; the caption's tone and length) and when it went out.
import { sql } from "kysely";
import type { AnalyticsTargetStatus } from "../schema";
import type { Executor } from "./media-assets";
import type { SnapshotFigures } from "./post-analytics";

/** One followed (post, platform) pair's latest figures, with how its media was made. */
export interface InsightRow extends Omit<SnapshotFigures, "extras"> {
  postId: string;
  platform: string;
  accountId: string | null;
  /** The account's handle when the post was scheduled. */
  handle: string | null;
  status: AnalyticsTargetStatus;
  publishedAt: Date;
  timezone: string | null;
  slot: number;
  takenAt: Date;
  assetId: string;
  model: string;
  mediaType: string;
  width: number | null;
  height: number | null;
  hasReference: boolean;
  captionTone: string | null;
  captionLength: number | null;
}

/** The latest figures of every pair of the user's published between `from` and `to`. */
export async function insightRows(
  db: Executor,
  values: {
    userId: string;
    from: Date;
    to: Date;
    platform?: string | undefined;
    accountId?: string | undefined;
  },
): Promise<InsightRow[]> {
  const platform = values.platform ? sql`and t.platform = ${values.platform}` : sql``;
  const account = values.accountId ? sql`and t.account_id = ${values.accountId}` : sql``;
  // One row per pair from post_analytics_targets (its latest_* figures: the highest slot, kept by
  // insertSnapshot), found through (user_id, published_at). No snapshot is read, and no JSON is
  // sent back (the snapshots' extras are not used here).
  const { rows } = await sql<Record<string, unknown>>`
    select t.post_id, t.platform, t.account_id, t.status, t.published_at, sp.timezone,
           t.latest_slot as slot, t.latest_taken_at as taken_at,
           t.latest_impressions as impressions, t.latest_reach as reach, t.latest_views as views,
           t.latest_likes as likes, t.latest_comments as comments, t.latest_shares as shares,
           t.latest_saves as saves, t.latest_clicks as clicks,
           t.latest_engagement_rate as engagement_rate,
           sp.asset_id, a.model, a.type as media_type, a.width, a.height,
           (a.reference_image_url is not null) as has_reference,
           (select x->>'handle' from jsonb_array_elements(sp.targets) x
             where x->>'accountId' = t.account_id limit 1) as handle,
           c.tone as caption_tone,
           coalesce(c.length, char_length(sp.captions -> t.platform ->> 'text')) as caption_length
    from post_analytics_targets t
    join scheduled_posts sp on sp.id = t.post_id
    join media_assets a on a.id = sp.asset_id
    left join captions c on c.id = sp.captions -> t.platform ->> 'captionId'
    where t.user_id = ${values.userId} and t.latest_slot is not null
      and t.published_at >= ${values.from} and t.published_at < ${values.to} ${platform} ${account}
    order by t.published_at, t.post_id, t.platform`.execute(db);
  return rows.map((r) => ({
    postId: String(r.post_id),
    platform: String(r.platform),
    accountId: (r.account_id as string | null) ?? null,
    handle: (r.handle as string | null) ?? null,
    status: r.status as AnalyticsTargetStatus,
    publishedAt: new Date(r.published_at as string),
    timezone: (r.timezone as string | null) ?? null,
    slot: Number(r.slot),
    takenAt: new Date(r.taken_at as string),
    impressions: Number(r.impressions),
    reach: Number(r.reach),
    views: Number(r.views),
    likes: Number(r.likes),
    comments: Number(r.comments),
    shares: Number(r.shares),
    saves: Number(r.saves),
    clicks: Number(r.clicks),
    engagementRate: Number(r.engagement_rate),
    assetId: String(r.asset_id),
    model: String(r.model),
    mediaType: String(r.media_type),
    width: r.width === null ? null : Number(r.width),
    height: r.height === null ? null : Number(r.height),
    hasReference: Boolean(r.has_reference),
    captionTone: (r.caption_tone as string | null) ?? null,
    captionLength: r.caption_length === null ? null : Number(r.caption_length),
  }));
}
