// What the insights and the CSV export read: the latest snapshot of each of a user's followed
// (post, platform) pairs, with what the studio knows about how the post was made (the asset's
// model, type, size, reference photo; the caption's tone and length) and when it went out.
import { sql } from "kysely";
import type { AnalyticsTargetStatus, JsonObject } from "../schema";
import type { Executor } from "./media-assets";
import type { SnapshotFigures } from "./post-analytics";

/** One followed (post, platform) pair's latest figures, with how its media was made. */
export interface InsightRow extends SnapshotFigures {
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

/** The latest snapshot of every pair of the user's published between `from` and `to`. */
export async function insightRows(
  db: Executor,
  values: { userId: string; from: Date; to: Date; platform?: string | undefined },
): Promise<InsightRow[]> {
  const platform = values.platform ? sql`and s.platform = ${values.platform}` : sql``;
  const { rows } = await sql<Record<string, unknown>>`
    select s.post_id, s.platform, t.account_id, t.status, t.published_at, sp.timezone,
           s.slot, s.taken_at, s.impressions, s.reach, s.views, s.likes, s.comments, s.shares,
           s.saves, s.clicks, s.engagement_rate, s.extras,
           sp.asset_id, a.model, a.type as media_type, a.width, a.height,
           (a.reference_image_url is not null) as has_reference,
           (select x->>'handle' from jsonb_array_elements(sp.targets) x
             where x->>'accountId' = t.account_id limit 1) as handle,
           c.tone as caption_tone,
           coalesce(c.length, char_length(sp.captions -> s.platform ->> 'text')) as caption_length
    from (
      select distinct on (post_id, platform) *
      from post_metric_snapshots
      where user_id = ${values.userId}
      order by post_id, platform, slot desc
    ) s
    join post_analytics_targets t on t.post_id = s.post_id and t.platform = s.platform
    join scheduled_posts sp on sp.id = s.post_id
    join media_assets a on a.id = sp.asset_id
    left join captions c on c.id = sp.captions -> s.platform ->> 'captionId'
    where t.published_at >= ${values.from} and t.published_at < ${values.to} ${platform}
    order by t.published_at, s.post_id, s.platform`.execute(db);
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
    extras: (r.extras as JsonObject) ?? {},
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
