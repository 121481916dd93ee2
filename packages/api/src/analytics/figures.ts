// Post and asset figures for the studio: the latest snapshot of each (post, platform) and a small
// series for a sparkline, the pair's status (deleted on the network, failed …), and totals.
import {
  type AnalyticsTargetStatus,
  type PostMetricSnapshot,
  type SnapshotFigures,
  snapshotsOf,
  targetsOf,
} from "@streamline/db";
import { REFRESH_STEP_LABELS } from "@streamline/jobs";
import { CORE_METRICS } from "@streamline/social";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../context";

type Ctx = ApiContext & { user: SessionUser };

/** The core figures of a snapshot (its platform extras aside). */
export type Figures = Omit<SnapshotFigures, "extras">;

export interface SeriesPoint {
  slot: number;
  /** "1h", "6h", "24h", "3d", "7d", "30d". */
  label: string;
  takenAt: string;
  views: number;
  impressions: number;
  likes: number;
  engagementRate: number;
}

export interface PlatformFigures {
  platform: string;
  accountId: string | null;
  /** active (still read on its schedule), done, deleted (removed on the network), failed, unavailable. */
  status: AnalyticsTargetStatus;
  publishedAt: string;
  deletedAt: string | null;
  nextRefreshAt: string | null;
  latest: (Figures & { takenAt: string; slot: number; extras: Record<string, unknown> }) | null;
  series: SeriesPoint[];
}

export interface PostFigures {
  postId: string;
  platforms: PlatformFigures[];
  /** Summed over platforms (engagement rate over the summed denominators); null before any snapshot. */
  totals: Figures | null;
}

/** The counters summed across platforms: the metrics every platform reports. */
const COUNTS = CORE_METRICS;

function figuresOf(s: PostMetricSnapshot): Figures {
  return {
    impressions: Number(s.impressions),
    reach: Number(s.reach),
    views: Number(s.views),
    likes: Number(s.likes),
    comments: Number(s.comments),
    shares: Number(s.shares),
    saves: Number(s.saves),
    clicks: Number(s.clicks),
    engagementRate: Number(s.engagement_rate),
  };
}

/** Sums figures; the rate is recomputed over the summed denominators (Zernio's roll-up rule). */
export function sumFigures(list: readonly Figures[]): Figures | null {
  if (list.length === 0) return null;
  const total = Object.fromEntries(COUNTS.map((k) => [k, 0])) as Record<
    (typeof COUNTS)[number],
    number
  >;
  let denominator = 0;
  for (const f of list) {
    for (const k of COUNTS) total[k] += f[k];
    denominator += f.impressions || f.reach || f.views;
  }
  const interactions = total.likes + total.comments + total.shares + total.saves;
  const engagementRate = denominator ? Math.round((interactions / denominator) * 10_000) / 100 : 0;
  return { ...total, engagementRate };
}

/** Figures of the caller's own posts (others' ids are simply absent). */
export async function figuresOfPosts(ctx: Ctx, postIds: string[]): Promise<PostFigures[]> {
  const userId = ctx.user.id;
  const [targets, snapshots] = await Promise.all([
    targetsOf(ctx.db, { userId, postIds }),
    snapshotsOf(ctx.db, { userId, postIds }),
  ]);
  const byPair = new Map<string, PostMetricSnapshot[]>();
  for (const s of snapshots) {
    const key = `${s.post_id}\u0000${s.platform}`;
    const list = byPair.get(key);
    if (list) list.push(s);
    else byPair.set(key, [s]);
  }
  return postIds.map((postId) => {
    const platforms = targets
      .filter((t) => t.post_id === postId)
      .map((t): PlatformFigures => {
        const series = byPair.get(`${postId}\u0000${t.platform}`) ?? [];
        const last = series[series.length - 1];
        return {
          platform: t.platform,
          accountId: t.account_id,
          status: t.status,
          publishedAt: t.published_at.toISOString(),
          deletedAt: t.deleted_at?.toISOString() ?? null,
          nextRefreshAt: t.status === "active" ? (t.next_refresh_at?.toISOString() ?? null) : null,
          latest: last
            ? {
                ...figuresOf(last),
                takenAt: last.taken_at.toISOString(),
                slot: last.slot,
                extras: last.extras,
              }
            : null,
          series: series.map((s) => ({
            slot: s.slot,
            label: REFRESH_STEP_LABELS[s.slot] ?? `#${s.slot}`,
            takenAt: s.taken_at.toISOString(),
            views: Number(s.views),
            impressions: Number(s.impressions),
            likes: Number(s.likes),
            engagementRate: Number(s.engagement_rate),
          })),
        };
      });
    const latest = platforms.flatMap((p) => (p.latest ? [p.latest] : []));
    return { postId, platforms, totals: sumFigures(latest) };
  });
}

export async function figuresOfPost(ctx: Ctx, postId: string): Promise<PostFigures> {
  const post = await ctx.db
    .selectFrom("scheduled_posts")
    .select("id")
    .where("id", "=", postId)
    .where("user_id", "=", ctx.user.id)
    .executeTakeFirst();
  if (!post) throw new TRPCError({ code: "NOT_FOUND", message: "No such post." });
  const [figures] = await figuresOfPosts(ctx, [postId]);
  return figures as PostFigures;
}

/** Every post of an asset, its totals, and a series summed per schedule step. */
export async function figuresOfAsset(ctx: Ctx, assetId: string) {
  const asset = await ctx.db
    .selectFrom("media_assets")
    .select("id")
    .where("id", "=", assetId)
    .where("user_id", "=", ctx.user.id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!asset) throw new TRPCError({ code: "NOT_FOUND", message: "No such asset." });
  const posts = await ctx.db
    .selectFrom("scheduled_posts")
    .select("id")
    .where("asset_id", "=", assetId)
    .where("user_id", "=", ctx.user.id)
    .orderBy("created_at")
    .execute();
  const figures = await figuresOfPosts(
    ctx,
    posts.map((p) => p.id),
  );
  const latest = figures.flatMap((p) => p.platforms.flatMap((x) => (x.latest ? [x.latest] : [])));
  const bySlot = new Map<number, Figures[]>();
  for (const post of figures) {
    for (const platform of post.platforms) {
      for (const point of platform.series) {
        const snapshot: Figures = {
          impressions: point.impressions,
          reach: 0,
          views: point.views,
          likes: point.likes,
          comments: 0,
          shares: 0,
          saves: 0,
          clicks: 0,
          engagementRate: point.engagementRate,
        };
        const list = bySlot.get(point.slot);
        if (list) list.push(snapshot);
        else bySlot.set(point.slot, [snapshot]);
      }
    }
  }
  const series = [...bySlot.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, list]) => ({
      slot,
      label: REFRESH_STEP_LABELS[slot] ?? `#${slot}`,
      views: list.reduce((t, f) => t + f.views, 0),
      likes: list.reduce((t, f) => t + f.likes, 0),
      pairs: list.length,
    }));
  return {
    assetId,
    posts: figures.filter((p) => p.platforms.length > 0),
    totals: sumFigures(latest),
    series,
  };
}
