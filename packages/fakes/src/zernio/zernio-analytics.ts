// The fake's GET /v1/analytics, after @zernio/node 0.2.881's AnalyticsSinglePostResponse,
// AnalyticsListResponse, PlatformAnalytics and PostAnalytics, and Zernio's documented answers:
// - ?postId= (a Zernio post id, or a platform entry's platformPostId): 200 with `platformAnalytics[]`
//   and a roll-up once some platform synced; 202 (same body, syncStatus pending) while every
//   platform's sync is pending; 424 when every platform failed; 404 before the post is published.
// - without postId: the list (fromDate default 90 days ago, toDate today, range ≤ 366 days,
//   limit ≤ 100 (default 50), page, sortBy, order, platform, accountId, profileId, source), with
//   `overview`, `pagination` and `hasAnalyticsAccess`.
// - without the analytics add-on: 402 `analytics_addon_required` (GET /v1/accounts says
//   hasAnalyticsAccess: false — zernio-accounts.ts reads `access()`).
// Metrics grow on the fake's clock (deterministically from the post id), so advancing the clock
// advances them; `setMetrics` pins exact figures for tests.
import { createHash } from "node:crypto";
import { HttpResponse, http } from "msw";
import { ZernioFakeRefusal } from "./zernio-validate";

/** A post as the fake's GET /v1/posts/{id} answers it (the fields analytics reads). */
export interface AnalyticsFakePost {
  _id: string;
  content?: string;
  status: string;
  scheduledFor?: string;
  platforms: Array<{
    platform: string;
    accountId: string | { _id: string; username?: string };
    status: string;
    platformPostId?: string;
    platformPostUrl?: string;
    publishedAt?: string;
  }>;
}

export type FakeMetrics = {
  impressions: number;
  reach: number;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  clicks: number;
} & Record<string, unknown>;

type SyncState = "synced" | "pending" | "unavailable";

type Resolver = (info: {
  request: Request;
  params: Record<string, string | readonly string[] | undefined>;
}) => Promise<Response>;

export interface AnalyticsFakeDeps {
  baseURL: string;
  route: (name: "analytics.get", handle: (request: Request) => Response) => Resolver;
  now: () => number;
  posts: () => AnalyticsFakePost[];
  accountProfile: (accountId: string) => string | undefined;
  /** How long after publishing a platform's analytics stay pending (default 0). */
  syncDelayMs?: number | undefined;
  hasAccess?: boolean | undefined;
}

const SORT_KEYS = [
  "date",
  "engagement",
  "impressions",
  "reach",
  "likes",
  "comments",
  "shares",
  "saves",
  "clicks",
  "views",
] as const;
const LIST_PARAMS = new Set([
  "fromDate",
  "toDate",
  "limit",
  "page",
  "sortBy",
  "order",
  "platform",
  "accountId",
  "profileId",
  "source",
  "postId",
]);
const DAY = 86_400_000;

const refuse = (status: number, error: string, extra: Record<string, unknown> = {}) => {
  throw new ZernioFakeRefusal(status, { error, ...extra });
};

export function engagementRateOf(m: FakeMetrics): number {
  const denominator = m.impressions || m.reach || m.views;
  if (!denominator) return 0;
  return Math.round(((m.likes + m.comments + m.shares + m.saves) / denominator) * 10_000) / 100;
}

/** Figures that grow with time since publishing, the same for the same post and platform. */
function grownMetrics(key: string, platform: string, ageMs: number): FakeMetrics {
  const seed = createHash("sha256").update(key).digest();
  const base = 200 + ((seed[0] ?? 0) << 4); // 200 … 4280 views when fully grown
  const rate = 0.02 + ((seed[1] ?? 0) / 255) * 0.08; // 2 % … 10 % of views interact
  const growth = 1 - Math.exp(-Math.max(0, ageMs) / (24 * 3_600_000));
  const views = Math.round(base * growth);
  const likes = Math.round(views * rate);
  const extras: Record<string, unknown> =
    platform === "instagram"
      ? { follows: Math.round(likes / 40), reposts: 0 }
      : platform === "tiktok"
        ? { completionRate: Math.round((0.2 + (seed[2] ?? 0) / 510) * 100) / 100 }
        : {};
  return {
    impressions: Math.round(views * 1.3),
    reach: Math.round(views * 0.8),
    views,
    likes,
    comments: Math.round(likes / 10),
    shares: Math.round(likes / 20),
    saves: Math.round(likes / 15),
    clicks: Math.round(views / 100),
    ...extras,
  };
}

export function createAnalyticsFake(deps: AnalyticsFakeDeps) {
  let hasAccess = deps.hasAccess ?? true;
  let syncDelayMs = deps.syncDelayMs ?? 0;
  /** `${postId}:${platform}` → pinned figures. */
  const pinned = new Map<string, FakeMetrics>();
  /** `${postId}` or `${postId}:${platform}` → a forced sync state. */
  const forcedSync = new Map<string, SyncState>();

  const accountIdOf = (target: AnalyticsFakePost["platforms"][number]) =>
    typeof target.accountId === "string" ? target.accountId : target.accountId._id;

  function syncOf(post: AnalyticsFakePost, target: AnalyticsFakePost["platforms"][number]) {
    const forced =
      forcedSync.get(`${post._id}:${target.platform}`) ?? forcedSync.get(post._id) ?? undefined;
    if (forced) return forced;
    const at = Date.parse(target.publishedAt ?? "");
    return deps.now() - at >= syncDelayMs ? "synced" : "pending";
  }

  function metricsOf(post: AnalyticsFakePost, target: AnalyticsFakePost["platforms"][number]) {
    const pin = pinned.get(`${post._id}:${target.platform}`);
    if (pin) return pin;
    const age = deps.now() - Date.parse(target.publishedAt ?? "");
    return grownMetrics(`${post._id}:${target.platform}`, target.platform, age);
  }

  function platformEntry(post: AnalyticsFakePost, target: AnalyticsFakePost["platforms"][number]) {
    const failed = target.status !== "published";
    const sync: SyncState = failed ? "unavailable" : syncOf(post, target);
    const metrics = sync === "synced" ? metricsOf(post, target) : undefined;
    return {
      platform: target.platform,
      status: failed ? ("failed" as const) : ("published" as const),
      platformPostId: target.platformPostId ?? null,
      accountId: accountIdOf(target),
      accountUsername: typeof target.accountId === "string" ? null : target.accountId.username,
      analytics: metrics
        ? {
            ...metrics,
            engagementRate: engagementRateOf(metrics),
            lastUpdated: new Date(deps.now()).toISOString(),
          }
        : null,
      syncStatus: sync,
      platformPostUrl: target.platformPostUrl ?? null,
      errorMessage: failed ? "The post failed to publish on this platform" : null,
    };
  }

  /** The roll-up: sums, and the engagement rate over the summed denominators (Zernio's rule). */
  function rollup(entries: ReturnType<typeof platformEntry>[]) {
    const synced = entries.flatMap((e) => (e.analytics ? [e.analytics] : []));
    const sum = (key: keyof FakeMetrics) =>
      synced.reduce((total, m) => {
        const value = (m as Record<string, unknown>)[key];
        return total + (typeof value === "number" ? value : 0);
      }, 0);
    const total = {
      impressions: sum("impressions"),
      reach: sum("reach"),
      views: sum("views"),
      likes: sum("likes"),
      comments: sum("comments"),
      shares: sum("shares"),
      saves: sum("saves"),
      clicks: sum("clicks"),
    };
    const denominator = synced.reduce((t, m) => t + (m.impressions || m.reach || m.views), 0);
    const interactions = total.likes + total.comments + total.shares + total.saves;
    return {
      ...total,
      engagementRate: denominator ? Math.round((interactions / denominator) * 10_000) / 100 : 0,
      lastUpdated: new Date(deps.now()).toISOString(),
    };
  }

  const publishedAtOf = (post: AnalyticsFakePost) =>
    post.platforms
      .map((t) => t.publishedAt)
      .filter((at): at is string => Boolean(at))
      .sort()[0];

  function singlePost(postId: string): Response {
    const post = deps
      .posts()
      .find((p) => p._id === postId || p.platforms.some((t) => t.platformPostId === postId));
    if (!post || !["published", "partial", "failed"].includes(post.status)) {
      return refuse(404, "Post not found or not published yet", { type: "not_found" });
    }
    const entries = post.platforms.map((t) => platformEntry(post, t));
    const live = entries.filter((e) => e.status === "published");
    const syncStatus = !live.length
      ? "unavailable"
      : live.every((e) => e.syncStatus === "synced")
        ? "synced"
        : live.every((e) => e.syncStatus === "pending")
          ? "pending"
          : live.some((e) => e.syncStatus === "synced")
            ? "partial"
            : "unavailable";
    const allFailed = entries.every((e) => e.status === "failed");
    const body = {
      postId: post._id,
      latePostId: post._id,
      status: allFailed ? "failed" : live.length === entries.length ? "published" : "partial",
      ...(post.content !== undefined ? { content: post.content } : {}),
      ...(post.scheduledFor ? { scheduledFor: post.scheduledFor } : {}),
      publishedAt: publishedAtOf(post) ?? null,
      analytics: rollup(entries),
      platformAnalytics: entries,
      platform: entries[0]?.platform,
      platformPostUrl: live[0]?.platformPostUrl ?? null,
      isExternal: false,
      syncStatus,
      message: allFailed
        ? "The post failed on every platform"
        : syncStatus === "pending"
          ? "Analytics are being synced from the platforms; try again shortly"
          : null,
    };
    if (allFailed) return HttpResponse.json({ error: body.message, ...body }, { status: 424 });
    return HttpResponse.json(body, { status: syncStatus === "pending" ? 202 : 200 });
  }

  function list(query: URLSearchParams): Response {
    for (const key of query.keys()) {
      if (!LIST_PARAMS.has(key)) refuse(400, `Unknown query parameter: ${key}`);
    }
    const today = new Date(deps.now()).toISOString().slice(0, 10);
    const fromDate =
      query.get("fromDate") ?? new Date(deps.now() - 90 * DAY).toISOString().slice(0, 10);
    const toDate = query.get("toDate") ?? today;
    for (const [key, value] of [
      ["fromDate", fromDate],
      ["toDate", toDate],
    ] as const) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
        refuse(400, `${key} must be YYYY-MM-DD`, { details: { field: key } });
      }
    }
    const from = Date.parse(fromDate);
    const to = Date.parse(toDate) + DAY - 1;
    if (to < from) refuse(400, "fromDate must not be after toDate");
    if ((to + 1 - from) / DAY > 366) refuse(400, "Date range cannot exceed 366 days");
    const limit = Number(query.get("limit") ?? 50);
    const page = Number(query.get("page") ?? 1);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) refuse(400, "limit must be 1–100");
    if (!Number.isInteger(page) || page < 1) refuse(400, "page must be a positive integer");
    const sortBy = query.get("sortBy") ?? "date";
    if (!(SORT_KEYS as readonly string[]).includes(sortBy))
      refuse(400, `Unknown sortBy: ${sortBy}`);
    const order = query.get("order") ?? "desc";
    if (order !== "asc" && order !== "desc") refuse(400, "order must be asc or desc");
    const source = query.get("source") ?? "all";
    const platform = query.get("platform");
    const accountId = query.get("accountId");
    const profileId = query.get("profileId");
    const all = deps.posts();
    const rows = (source === "external" ? [] : all)
      .filter((p) => p.status === "published" || p.status === "partial")
      .map((post) => {
        const entries = post.platforms
          .map((t) => platformEntry(post, t))
          .filter((e) => e.status === "published")
          .filter((e) => !platform || platform === "all" || e.platform === platform)
          .filter((e) => !accountId || e.accountId === accountId)
          .filter(
            (e) =>
              !profileId || profileId === "all" || deps.accountProfile(e.accountId) === profileId,
          );
        return { post, entries, publishedAt: publishedAtOf(post) ?? "" };
      })
      .filter((row) => row.entries.length > 0)
      .filter((row) => {
        const at = Date.parse(row.publishedAt);
        return at >= from && at <= to;
      })
      .map((row) => ({ ...row, analytics: rollup(row.entries) }));
    const value = (row: (typeof rows)[number]) =>
      sortBy === "date"
        ? Date.parse(row.publishedAt)
        : sortBy === "engagement"
          ? row.analytics.engagementRate
          : Number((row.analytics as Record<string, unknown>)[sortBy] ?? 0);
    rows.sort((a, b) => (order === "asc" ? value(a) - value(b) : value(b) - value(a)));
    const pageRows = rows.slice((page - 1) * limit, page * limit);
    return HttpResponse.json({
      overview: {
        totalPosts: all.length,
        publishedPosts: all.filter((p) => p.status === "published" || p.status === "partial")
          .length,
        scheduledPosts: all.filter((p) => p.status === "scheduled").length,
        lastSync: new Date(deps.now()).toISOString(),
        dataStaleness: { staleAccountCount: 0, syncTriggered: false },
      },
      posts: pageRows.map((row) => ({
        _id: row.post._id,
        latePostId: row.post._id,
        ...(row.post.content !== undefined ? { content: row.post.content } : {}),
        ...(row.post.scheduledFor ? { scheduledFor: row.post.scheduledFor } : {}),
        publishedAt: row.publishedAt,
        status: "published",
        analytics: row.analytics,
        platforms: row.entries,
        platform: row.entries[0]?.platform,
        platformPostUrl: row.entries[0]?.platformPostUrl ?? undefined,
        isExternal: false,
      })),
      pagination: { page, limit, total: rows.length, pages: Math.ceil(rows.length / limit) },
      hasAnalyticsAccess: true,
    });
  }

  const handlers = [
    http.get(
      `${deps.baseURL}/v1/analytics`,
      deps.route("analytics.get", (request) => {
        if (!hasAccess) {
          return refuse(402, "Analytics add-on required", { code: "analytics_addon_required" });
        }
        const query = new URL(request.url).searchParams;
        const postId = query.get("postId");
        return postId ? singlePost(postId) : list(query);
      }),
    ),
  ];

  return {
    handlers,
    access: () => hasAccess,
    /** The workspace has (or loses) the analytics add-on. */
    setAccess(value: boolean) {
      hasAccess = value;
    },
    setSyncDelay(ms: number) {
      syncDelayMs = ms;
    },
    /** Forces a post's (or one of its platforms') sync state; `undefined` lifts it. */
    forceSync(postId: string, state: SyncState | undefined, platform?: string) {
      const key = platform ? `${postId}:${platform}` : postId;
      if (state) forcedSync.set(key, state);
      else forcedSync.delete(key);
    },
    /** Pins a post's figures on a platform (the engagement rate is computed as Zernio does). */
    setMetrics(postId: string, platform: string, metrics: Partial<FakeMetrics>) {
      const key = `${postId}:${platform}`;
      const base = pinned.get(key) ?? {
        impressions: 0,
        reach: 0,
        views: 0,
        likes: 0,
        comments: 0,
        shares: 0,
        saves: 0,
        clicks: 0,
      };
      pinned.set(key, { ...base, ...metrics } as FakeMetrics);
    },
    reset() {
      pinned.clear();
      forcedSync.clear();
      hasAccess = deps.hasAccess ?? true;
      syncDelayMs = deps.syncDelayMs ?? 0;
    },
  };
}
