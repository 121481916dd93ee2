// Zernio's post analytics, read with GET /v1/analytics (@zernio/node 0.2.881 types:
// AnalyticsSinglePostResponse, AnalyticsListResponse, PlatformAnalytics, PostAnalytics).
// - With `postId` (a Zernio post id or a platform entry's external id): per-platform
//   `platformAnalytics[]` plus a roll-up. 200 = some platform synced; 202 = every platform's sync is
//   still pending (try later); 424 = every platform failed; 404 = not published yet.
// - Without: a paginated list (fromDate default 90 days ago, toDate today, range ≤ 366 days,
//   limit ≤ 100, sortBy date | engagement | a metric, order, platform, accountId, profileId, source).
// - Without the analytics add-on: 402 `analytics_addon_required`, and GET /v1/accounts answers
//   `hasAnalyticsAccess: false` — check that once and do not poll a workspace without access.
import type {
  AnalyticsListResponse,
  AnalyticsSinglePostResponse,
  GetAnalyticsData,
  PlatformAnalytics,
  PostAnalytics,
} from "@zernio/node";

/** The metrics every platform reports (0 when a platform does not), as we store them. */
export interface PostMetrics {
  impressions: number;
  reach: number;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  clicks: number;
  /** Zernio's percentage: (likes + comments + shares + saves) / (impressions or reach or views) × 100. */
  engagementRate: number;
  /** Everything else Zernio sent for this platform (follows, igReelsAvgWatchTime, completionRate …). */
  extras: Record<string, unknown>;
}

export const CORE_METRICS = [
  "impressions",
  "reach",
  "views",
  "likes",
  "comments",
  "shares",
  "saves",
  "clicks",
] as const;
export type CoreMetric = (typeof CORE_METRICS)[number];

/** One platform entry of a post's analytics. */
export interface PlatformMetrics {
  platform: string;
  accountId: string | null;
  platformPostId: string | null;
  platformPostUrl: string | null;
  /** Whether the post published on this platform (Zernio's `status`). */
  published: boolean;
  /** synced: metrics are real; pending: not synced yet; unavailable: never will be. */
  syncStatus: "synced" | "pending" | "unavailable";
  /** Null until synced (or when the platform reports none). */
  metrics: PostMetrics | null;
  errorMessage: string | null;
}

/** What GET /v1/analytics?postId= answered, as a caller acts on it. */
export type PostAnalyticsResult =
  | { kind: "ready"; postId: string; platforms: PlatformMetrics[]; rollup: PostMetrics | null }
  /** HTTP 202: every platform's sync is pending. */
  | { kind: "pending"; postId: string; platforms: PlatformMetrics[]; message: string | null }
  /** HTTP 424: every platform failed. */
  | { kind: "failed"; postId: string; platforms: PlatformMetrics[]; message: string | null }
  /** HTTP 404: the post is not published (yet), or unknown. */
  | { kind: "not_found"; postId: string }
  /** HTTP 402 analytics_addon_required: the workspace has no analytics add-on. */
  | { kind: "no_access"; postId: string };

export interface AnalyticsListQuery {
  /** YYYY-MM-DD, inclusive. */
  fromDate?: string | undefined;
  toDate?: string | undefined;
  platform?: string | undefined;
  accountId?: string | undefined;
  profileId?: string | undefined;
  sortBy?: NonNullable<GetAnalyticsData["query"]>["sortBy"] | undefined;
  order?: "asc" | "desc" | undefined;
  source?: "all" | "late" | "external" | undefined;
  page?: number | undefined;
  /** ≤ 100. */
  limit?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface AnalyticsListItem {
  /** Zernio's analytics id (the external post id). */
  id: string;
  /** The Zernio post id when it was posted through Zernio. */
  zernioPostId: string | null;
  publishedAt: string | null;
  platform: string | null;
  metrics: PostMetrics | null;
  platforms: PlatformMetrics[];
}

export type AnalyticsListResult =
  | {
      kind: "ok";
      posts: AnalyticsListItem[];
      page: number;
      pages: number;
      total: number;
      hasAnalyticsAccess: boolean | null;
    }
  | { kind: "no_access" };

const MAX_RANGE_DAYS = 366;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The list form's rules, checked before a request is spent on a sure 400. */
export function analyticsListProblem(query: AnalyticsListQuery): string | undefined {
  for (const key of ["fromDate", "toDate"] as const) {
    const value = query[key];
    if (value !== undefined && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) {
      return `${key} must be a date as YYYY-MM-DD`;
    }
  }
  if (query.fromDate && query.toDate) {
    const days = (Date.parse(query.toDate) - Date.parse(query.fromDate)) / 86_400_000;
    if (days < 0) return "fromDate must not be after toDate";
    if (days > MAX_RANGE_DAYS) return `The date range is at most ${MAX_RANGE_DAYS} days`;
  }
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1)) {
    return "limit must be a positive integer";
  }
  if (query.limit !== undefined && query.limit > 100) return "limit is at most 100";
  if (query.page !== undefined && (!Number.isInteger(query.page) || query.page < 1)) {
    return "page must be a positive integer";
  }
  return undefined;
}

const num = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) ? value : 0;

/** Zernio's PostAnalytics → ours: the core figures, and every other field kept as an extra. */
export function toPostMetrics(analytics: PostAnalytics | null | undefined): PostMetrics | null {
  if (!analytics) return null;
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(analytics)) {
    if ((CORE_METRICS as readonly string[]).includes(key)) continue;
    if (key === "engagementRate") continue;
    if (value === undefined) continue;
    extras[key] = value;
  }
  return {
    impressions: num(analytics.impressions),
    reach: num(analytics.reach),
    views: num(analytics.views),
    likes: num(analytics.likes),
    comments: num(analytics.comments),
    shares: num(analytics.shares),
    saves: num(analytics.saves),
    clicks: num(analytics.clicks),
    engagementRate: num(analytics.engagementRate),
    extras,
  };
}

export function toPlatformMetrics(entry: PlatformAnalytics): PlatformMetrics {
  const syncStatus =
    entry.syncStatus === "synced" || entry.syncStatus === "unavailable"
      ? entry.syncStatus
      : "pending";
  return {
    platform: entry.platform ?? "",
    accountId: entry.accountId ?? null,
    platformPostId: entry.platformPostId ?? null,
    platformPostUrl: entry.platformPostUrl ?? null,
    published: entry.status !== "failed",
    syncStatus,
    metrics: syncStatus === "synced" ? toPostMetrics(entry.analytics) : null,
    errorMessage: entry.errorMessage ?? null,
  };
}

/** A single-post answer (200 or 202 body, or the 424 error body) → our result. */
export function toPostAnalyticsResult(
  postId: string,
  httpStatus: number,
  body: AnalyticsSinglePostResponse | undefined,
): PostAnalyticsResult {
  const platforms = (body?.platformAnalytics ?? []).map(toPlatformMetrics);
  const message = body?.message ?? null;
  if (httpStatus === 202) return { kind: "pending", postId, platforms, message };
  if (httpStatus === 424) return { kind: "failed", postId, platforms, message };
  return { kind: "ready", postId, platforms, rollup: toPostMetrics(body?.analytics) };
}

export function toAnalyticsList(body: AnalyticsListResponse | undefined): AnalyticsListResult {
  const posts = (body?.posts ?? []).map((post) => ({
    id: post._id ?? "",
    zernioPostId: post.latePostId ?? null,
    publishedAt: post.publishedAt ?? null,
    platform: post.platform ?? null,
    metrics: toPostMetrics(post.analytics),
    platforms: (post.platforms ?? []).map(toPlatformMetrics),
  }));
  return {
    kind: "ok",
    posts,
    page: body?.pagination?.page ?? 1,
    pages: body?.pagination?.pages ?? 1,
    total: body?.pagination?.total ?? posts.length,
    hasAnalyticsAccess:
      typeof body?.hasAnalyticsAccess === "boolean" ? body.hasAnalyticsAccess : null,
  };
}
