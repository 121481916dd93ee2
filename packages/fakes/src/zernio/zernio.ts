// An msw stand-in for the Zernio routes the adapter uses, for tests, the server's tests, e2e and the
// offline demo. Written from Zernio's OpenAPI spec (zernio-dev/zernio-rust openapi.yaml, 2026-08) and
// @zernio/node 0.2.881's generated types: profiles, accounts and connect (./zernio-accounts.ts),
// POST /v1/media/presign (+ the presigned PUT),
// POST /v1/posts (x-request-id replay within ~5 min → 200 existingPost; same account + content + media
// within 24 h → 409 details.existingPostId; 403 codes; 207 when an immediate publish is incomplete),
// GET/PUT/DELETE /v1/posts/{id}, POST /v1/posts/{id}/retry. Statuses advance on the fake's clock:
// scheduled → publishing (at scheduledFor) → published | partial | failed (publishDurationMs later).
import { createHash, randomBytes } from "node:crypto";
import { instantOf } from "@streamline/social";
import { HttpResponse, http } from "msw";
import {
  type AccountsRouteName,
  createAccountsFake,
  ZERNIO_MOCK_ACCOUNTS,
  type ZernioMockAccount,
} from "./zernio-accounts";
import { createAnalyticsFake } from "./zernio-analytics";
import { createToolsFake, type ToolsRouteName } from "./zernio-tools";
import { validateCreatePost, validatePresign, ZernioFakeRefusal } from "./zernio-validate";

export {
  demoAccountsFor,
  mockAccount,
  ZERNIO_DEMO_ACCOUNTS,
  ZERNIO_MOCK_ACCOUNTS,
  ZERNIO_MOCK_CONNECT_ORIGIN,
  ZERNIO_MOCK_PROFILE_ID,
  type ZernioMockAccount,
  type ZernioMockProfile,
} from "./zernio-accounts";

export const ZERNIO_MOCK_API_KEY = "sk_mock_zernio_0000";
export const ZERNIO_MOCK_BASE_URL = "https://zernio.mock/api";
export const ZERNIO_MOCK_UPLOAD_ORIGIN = "https://uploads.zernio.mock";
export const ZERNIO_MOCK_PUBLIC_ORIGIN = "https://media.zernio.mock";
const REPLAY_WINDOW_MS = 5 * 60_000;
const DUPLICATE_WINDOW_MS = 24 * 60 * 60_000;

export type ZernioMockRoute =
  | AccountsRouteName
  | ToolsRouteName
  | "media.presign"
  | "media.upload"
  | "posts.create"
  | "posts.get"
  | "posts.update"
  | "posts.delete"
  | "posts.retry"
  | "analytics.get";

export type ZernioMockFailure =
  | { status: number; body?: Record<string, unknown>; headers?: Record<string, string> }
  /** Never answer (until the client gives up). `afterHandling`: do the work first, then hang. */
  | { hang: true; afterHandling?: boolean }
  /** Drop the connection. `afterHandling`: do the work first. */
  | { networkError: true; afterHandling?: boolean };

export interface RecordedZernioRequest {
  route: ZernioMockRoute;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased; Authorization becomes "Bearer [redacted]". */
  headers: Record<string, string>;
  requestId: string | undefined;
  authorized: boolean;
  json: unknown;
}

export interface RecordedUpload {
  key: string;
  contentType: string;
  bytes: Uint8Array;
}

interface FakePost {
  _id: string;
  requestId: string | undefined;
  createdAt: number;
  content?: string;
  title?: string;
  mediaItems: Array<Record<string, unknown>>;
  platforms: Array<Record<string, unknown> & { platform: string; accountId: string }>;
  scheduledFor?: string;
  /** When publishing starts (ms); undefined for drafts. */
  publishAt: number | undefined;
  timezone: string;
  status: "draft" | "scheduled" | "publishing" | "published" | "partial" | "failed" | "cancelled";
  results: Map<number, { status: string; finishedAt?: number }>;
  raw: Record<string, unknown>;
}

export interface ZernioFakeOptions {
  baseURL?: string;
  apiKey?: string;
  uploadOrigin?: string;
  publicOrigin?: string;
  accounts?: ZernioMockAccount[];
  /** Fixed start for a manual clock (tests); without it the clock follows real time. */
  startAt?: Date | number;
  /** How long publishing takes once it starts (default 2 s). */
  publishDurationMs?: number;
  /** The offline demo: every profile has its "Demo" accounts; unknown profile ids are adopted. */
  demo?: boolean;
  /** GET /v1/profiles answers every profile whatever `?name=` asks (a Zernio ignoring the filter). */
  ignoreProfileNameFilter?: boolean;
  /** Where Zernio's hosted sign-in page (the connect authUrl) lives; a loopback URL in browser tests. */
  connectOrigin?: string;
  /** The workspace has the analytics add-on (default true; false: 402 and hasAnalyticsAccess false). */
  analyticsAccess?: boolean;
  /** How long after publishing a post's analytics stay pending (GET /v1/analytics answers 202). */
  analyticsSyncDelayMs?: number;
}

export type ZernioFake = ReturnType<typeof createZernioFake>;

export function createZernioFake(options: ZernioFakeOptions = {}) {
  const baseURL = (options.baseURL ?? ZERNIO_MOCK_BASE_URL).replace(/\/$/, "");
  const apiKey = options.apiKey ?? ZERNIO_MOCK_API_KEY;
  const uploadOrigin = options.uploadOrigin ?? ZERNIO_MOCK_UPLOAD_ORIGIN;
  const publicOrigin = options.publicOrigin ?? ZERNIO_MOCK_PUBLIC_ORIGIN;
  const publishDurationMs = options.publishDurationMs ?? 2_000;
  const manualStart =
    options.startAt === undefined ? undefined : new Date(options.startAt).getTime();
  let offset = 0;
  const clock = {
    now: () => (manualStart ?? Date.now()) + offset,
    advance: (ms: number) => {
      offset += ms;
    },
  };

  const posts = new Map<string, FakePost>();
  const requestIds = new Map<string, { postId: string | undefined; at: number }>();
  const presigned = new Map<string, { contentType: string; token: string }>();
  const uploads: RecordedUpload[] = [];
  const requests: RecordedZernioRequest[] = [];
  const failures = new Map<ZernioMockRoute, ZernioMockFailure[]>();
  /** accountId or platform → how its publish fails. */
  const platformFailures = new Map<string, { errorMessage: string; errorCategory: string }>();

  const error = (status: number, body: Record<string, unknown>, headers?: Record<string, string>) =>
    HttpResponse.json(body, { status, ...(headers ? { headers } : {}) });

  async function record(route: ZernioMockRoute, request: Request) {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = key === "authorization" ? "Bearer [redacted]" : value;
    });
    const text = route === "media.upload" ? "" : await request.clone().text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    const entry: RecordedZernioRequest = {
      route,
      method: request.method,
      path: url.pathname.slice(new URL(baseURL).pathname.length) || url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      requestId: request.headers.get("x-request-id") ?? undefined,
      authorized: request.headers.get("authorization") === `Bearer ${apiKey}`,
      json,
    };
    requests.push(entry);
    return entry;
  }

  /** Wraps a route: records it, applies an injected failure, checks the key, maps refusals. */
  function route(
    name: ZernioMockRoute,
    handle: (request: Request, params: Record<string, string>) => Promise<Response> | Response,
    options: { authenticated?: boolean } = {},
  ) {
    return async ({
      request,
      params,
    }: {
      request: Request;
      params: Record<string, string | readonly string[] | undefined>;
    }) => {
      const entry = await record(name, request);
      const failure = failures.get(name)?.shift();
      if (failure && "status" in failure) {
        return error(failure.status, failure.body ?? defaultErrorBody(failure.status), {
          "content-type": "application/json",
          ...failure.headers,
        });
      }
      const run = async () => {
        if (options.authenticated !== false && !entry.authorized) {
          return error(401, { error: "Unauthorized", type: "authentication_error" });
        }
        try {
          return await handle(request, params as Record<string, string>);
        } catch (caught) {
          if (caught instanceof ZernioFakeRefusal) return error(caught.status, caught.body);
          throw caught;
        }
      };
      if (failure && !failure.afterHandling) return lostAnswer(failure, request);
      const response = await run();
      return failure ? lostAnswer(failure, request) : response;
    };
  }

  async function lostAnswer(failure: ZernioMockFailure, request: Request): Promise<Response> {
    if ("hang" in failure) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 120_000);
        timer.unref?.();
        request.signal.addEventListener("abort", () => resolve(), { once: true });
      });
    }
    return HttpResponse.error();
  }

  // --- state -----------------------------------------------------------------------------------

  function outcomeFor(target: { platform: string; accountId: string }) {
    return platformFailures.get(target.accountId) ?? platformFailures.get(target.platform);
  }

  /** Moves a post along the clock; reads call it, so status follows time without a timer. */
  function advance(post: FakePost) {
    const now = clock.now();
    const publishAt = post.publishAt;
    if (publishAt === undefined || post.status === "draft" || post.status === "cancelled") return;
    if (post.status === "scheduled" && now >= publishAt) post.status = "publishing";
    if (post.status !== "publishing") return;
    if (now < publishAt + publishDurationMs) return;
    post.platforms.forEach((target, i) => {
      const result = post.results.get(i);
      if (result && result.status !== "pending" && result.status !== "publishing") return;
      const failure = outcomeFor(target);
      post.results.set(i, {
        status: failure ? "failed" : "published",
        finishedAt: publishAt + publishDurationMs,
      });
    });
    post.status = settle(post);
  }

  function settle(post: FakePost): FakePost["status"] {
    const states = [...post.platforms.keys()].map((i) => post.results.get(i)?.status);
    if (states.every((s) => s === "published")) return "published";
    if (states.every((s) => s === "failed")) return "failed";
    return "partial";
  }

  function toApiPost(post: FakePost) {
    advance(post);
    return {
      _id: post._id,
      ...(post.title !== undefined ? { title: post.title } : {}),
      ...(post.content !== undefined ? { content: post.content } : {}),
      mediaItems: post.mediaItems,
      platforms: post.platforms.map((target, i) => {
        const a = accounts.get(target.accountId);
        const result = post.results.get(i);
        const status = result?.status ?? (post.status === "publishing" ? "publishing" : "pending");
        const failure = status === "failed" ? outcomeFor(target) : undefined;
        const platformPostId = `${target.platform}_${post._id}_${i}`;
        return {
          ...target,
          accountId: a
            ? {
                _id: a._id,
                platform: a.platform,
                username: a.username,
                displayName: a.displayName,
                isActive: a.isActive,
              }
            : target.accountId,
          status,
          ...(status === "published"
            ? {
                platformPostId,
                platformPostUrl: `https://${target.platform}.example/p/${platformPostId}`,
                publishedAt: new Date(result?.finishedAt ?? clock.now()).toISOString(),
              }
            : {}),
          ...(failure
            ? {
                errorMessage: failure.errorMessage,
                errorCategory: failure.errorCategory,
                errorSource: "platform",
              }
            : {}),
        };
      }),
      ...(post.scheduledFor ? { scheduledFor: post.scheduledFor } : {}),
      timezone: post.timezone,
      status: post.status,
      createdAt: new Date(post.createdAt).toISOString(),
      updatedAt: new Date(clock.now()).toISOString(),
    };
  }

  function fingerprint(post: FakePost, target: FakePost["platforms"][number]) {
    const content = (target.customContent as string | undefined) ?? post.content ?? "";
    const media = ((target.customMedia as typeof post.mediaItems) ?? post.mediaItems).map(
      (m) => m.url,
    );
    return createHash("sha256")
      .update(JSON.stringify([target.platform, target.accountId, content, media]))
      .digest("hex");
  }

  function checkAccounts(platforms: FakePost["platforms"]) {
    for (const target of platforms) {
      const a = accounts.get(target.accountId);
      if (!a || a.platform !== target.platform) {
        throw new ZernioFakeRefusal(403, {
          error: `Account ${target.accountId} does not belong to you`,
          type: "permission_error",
        });
      }
      if (!a.enabled) {
        throw new ZernioFakeRefusal(403, {
          error: `Account ${a._id} (${a.platform} "${a.displayName}") is not enabled for posting.`,
          type: "permission_error",
          code: "ACCOUNT_NOT_ENABLED_FOR_POSTING",
        });
      }
      if (!a.isActive || a.needsReconnection) {
        throw new ZernioFakeRefusal(403, {
          error: `Account ${a._id} (${a.platform} "${a.displayName}") is disconnected and cannot be posted to. Please reconnect your account. After reconnecting, refresh your account IDs from GET /v1/accounts.`,
          type: "permission_error",
          code: "ACCOUNT_DISCONNECTED",
        });
      }
      if (a.overLimit) {
        throw new ZernioFakeRefusal(403, {
          error: `Account ${a._id} belongs to a profile beyond your plan's profile limit.`,
          type: "permission_error",
          code: "PROFILE_OVER_LIMIT",
        });
      }
    }
  }

  function publishAtFor(valid: {
    publishNow: boolean;
    scheduledFor?: string | undefined;
    timezone: string;
  }) {
    if (valid.publishNow) return clock.now();
    if (!valid.scheduledFor) return undefined;
    const at = instantOf(valid.scheduledFor, valid.timezone);
    if (!at) {
      throw new ZernioFakeRefusal(400, {
        error: `scheduledFor "${valid.scheduledFor}" is not a valid date-time`,
        type: "invalid_request_error",
        param: "scheduledFor",
      });
    }
    return at.getTime();
  }

  /** An immediate publish (publishNow, or a scheduledFor in the past) finishes inside the request. */
  function publishInline(post: FakePost) {
    post.status = "publishing";
    post.platforms.forEach((target, i) => {
      post.results.set(i, {
        status: outcomeFor(target) ? "failed" : "published",
        finishedAt: clock.now(),
      });
    });
    post.status = settle(post);
  }

  function answerPublish(post: FakePost, created: boolean) {
    const body = toApiPost(post);
    if (post.status === "published" || post.status === "scheduled" || post.status === "draft") {
      const message =
        post.status === "published"
          ? "Post published successfully"
          : post.status === "scheduled"
            ? "Post scheduled successfully"
            : "Draft saved";
      return HttpResponse.json({ message, post: body }, { status: created ? 201 : 200 });
    }
    return HttpResponse.json(
      {
        post: body,
        message: post.status === "partial" ? "Post partially published" : "Post failed to publish",
        ...(post.status === "failed" ? { error: "No platform published" } : {}),
        platformResults: body.platforms.map((p) => ({
          platform: p.platform,
          status: p.status,
          error: (p as { errorMessage?: string }).errorMessage ?? null,
        })),
      },
      { status: 207 },
    );
  }

  const notFound = () => error(404, { error: "Post not found", type: "not_found" });

  const analytics = createAnalyticsFake({
    baseURL,
    route: (name, handle) => route(name, handle),
    now: clock.now,
    posts: () => [...posts.values()].map(toApiPost),
    accountProfile: (accountId) => accounts.get(accountId)?.profileId,
    syncDelayMs: options.analyticsSyncDelayMs,
    hasAccess: options.analyticsAccess,
  });

  const directory = createAccountsFake({
    baseURL,
    route,
    analyticsAccess: () => analytics.access(),
    accounts: [...(options.accounts ?? ZERNIO_MOCK_ACCOUNTS)],
    demo: options.demo,
    ignoreProfileNameFilter: options.ignoreProfileNameFilter,
    ...(options.connectOrigin ? { connectOrigin: options.connectOrigin } : {}),
  });
  const accounts = directory.accounts;

  const tools = createToolsFake({
    baseURL,
    route,
    accounts,
    upload: (url) => {
      if (!url.startsWith(`${publicOrigin}/`)) return undefined;
      const key = decodeURIComponent(new URL(url).pathname.slice(1));
      const upload = uploads.findLast((u) => u.key === key);
      return upload
        ? { contentType: upload.contentType, bytes: upload.bytes.byteLength }
        : undefined;
    },
  });

  // --- handlers --------------------------------------------------------------------------------

  const handlers = [
    ...directory.handlers,
    ...analytics.handlers,
    ...tools.handlers,

    http.post(
      `${baseURL}/v1/media/presign`,
      route("media.presign", async (request) => {
        const body = validatePresign(await request.json().catch(() => undefined));
        const safeName = body.filename.replace(/[^A-Za-z0-9._-]/g, "_");
        const key = `uploads/${randomBytes(8).toString("hex")}/${safeName}`;
        const token = randomBytes(12).toString("hex");
        presigned.set(key, { contentType: body.contentType, token });
        return HttpResponse.json({
          uploadUrl: `${uploadOrigin}/${key}?X-Amz-Expires=3600&X-Amz-Signature=${token}`,
          publicUrl: `${publicOrigin}/${key}`,
          key,
          expiresIn: 3600,
        });
      }),
    ),

    // The presigned storage URL: no Zernio key, the signature is in the query and covers the type.
    http.put(
      `${uploadOrigin}/*`,
      route(
        "media.upload",
        async (request) => {
          const url = new URL(request.url);
          const key = decodeURIComponent(url.pathname.slice(1));
          const slot = presigned.get(key);
          if (!slot || url.searchParams.get("X-Amz-Signature") !== slot.token) {
            return new HttpResponse("<Error><Code>AccessDenied</Code></Error>", { status: 403 });
          }
          if (request.headers.get("content-type") !== slot.contentType) {
            return new HttpResponse("<Error><Code>SignatureDoesNotMatch</Code></Error>", {
              status: 403,
            });
          }
          const bytes = new Uint8Array(await request.arrayBuffer());
          uploads.push({ key, contentType: slot.contentType, bytes });
          return new HttpResponse(null, { status: 200, headers: { ETag: `"${key}"` } });
        },
        { authenticated: false },
      ),
    ),

    http.get(`${publicOrigin}/*`, ({ request }) => {
      const key = decodeURIComponent(new URL(request.url).pathname.slice(1));
      const upload = uploads.findLast((u) => u.key === key);
      if (!upload) return new HttpResponse(null, { status: 404 });
      return new HttpResponse(upload.bytes, { headers: { "Content-Type": upload.contentType } });
    }),

    http.post(
      `${baseURL}/v1/posts`,
      route("posts.create", async (request) => {
        const requestId = request.headers.get("x-request-id") ?? undefined;
        const now = clock.now();
        // 1. Same x-request-id within ~5 min (in flight included): the first post, HTTP 200.
        if (requestId) {
          const seen = requestIds.get(`${apiKey}:${requestId}`);
          if (seen && now - seen.at <= REPLAY_WINDOW_MS) {
            const existing = seen.postId ? posts.get(seen.postId) : undefined;
            if (existing) {
              return HttpResponse.json(
                { message: "Request already processed", existingPost: toApiPost(existing) },
                { status: 200 },
              );
            }
          }
        }
        const valid = validateCreatePost(await request.json().catch(() => undefined));
        checkAccounts(valid.platforms);
        tools.checkCreateOptions(valid.platforms);
        const publishAt = valid.isDraft ? undefined : publishAtFor(valid);
        const post: FakePost = {
          _id: randomBytes(12).toString("hex"),
          requestId,
          createdAt: now,
          ...(valid.content !== undefined ? { content: valid.content } : {}),
          ...(typeof valid.raw.title === "string" ? { title: valid.raw.title } : {}),
          mediaItems: valid.mediaItems,
          platforms: valid.platforms,
          ...(valid.scheduledFor && !valid.publishNow ? { scheduledFor: valid.scheduledFor } : {}),
          publishAt,
          timezone: valid.timezone,
          status: publishAt === undefined ? "draft" : "scheduled",
          results: new Map(),
          raw: valid.raw,
        };
        // 2. Same account + platform + content + media within 24 h: 409 with the original's id.
        for (const target of post.platforms) {
          const print = fingerprint(post, target);
          for (const other of posts.values()) {
            advance(other);
            if (now - other.createdAt > DUPLICATE_WINDOW_MS) continue;
            if (["draft", "failed", "cancelled"].includes(other.status)) continue;
            if (other.platforms.some((t) => fingerprint(other, t) === print)) {
              throw new ZernioFakeRefusal(409, {
                error:
                  "This exact content is already scheduled, publishing, or was posted to this account within the last 24 hours.",
                details: {
                  accountId: target.accountId,
                  platform: target.platform,
                  existingPostId: other._id,
                },
              });
            }
          }
        }
        posts.set(post._id, post);
        if (requestId) requestIds.set(`${apiKey}:${requestId}`, { postId: post._id, at: now });
        // A past scheduledFor publishes immediately, exactly like publishNow.
        if (publishAt !== undefined && publishAt <= now) publishInline(post);
        return answerPublish(post, true);
      }),
    ),

    http.get(
      `${baseURL}/v1/posts/:postId`,
      route("posts.get", (_request, params) => {
        const post = posts.get(params.postId ?? "");
        return post ? HttpResponse.json({ post: toApiPost(post) }) : notFound();
      }),
    ),

    http.put(
      `${baseURL}/v1/posts/:postId`,
      route("posts.update", async (request, params) => {
        const post = posts.get(params.postId ?? "");
        if (!post) return notFound();
        advance(post);
        if (!["draft", "scheduled", "failed", "partial", "cancelled"].includes(post.status)) {
          throw new ZernioFakeRefusal(400, {
            error: `A ${post.status} post cannot be edited`,
            type: "invalid_request_error",
          });
        }
        const patch = (await request.json().catch(() => ({}))) as Record<string, unknown>;
        const merged = validateCreatePost({
          content: post.content,
          mediaItems: post.mediaItems,
          platforms: post.platforms,
          timezone: post.timezone,
          ...(post.scheduledFor ? { scheduledFor: post.scheduledFor } : {}),
          ...patch,
        });
        checkAccounts(merged.platforms);
        tools.checkCreateOptions(merged.platforms);
        if (merged.content !== undefined) post.content = merged.content;
        post.mediaItems = merged.mediaItems;
        post.platforms = merged.platforms;
        post.timezone = merged.timezone;
        if (merged.scheduledFor !== undefined) post.scheduledFor = merged.scheduledFor;
        const publishAt = publishAtFor(merged);
        if (publishAt !== undefined) {
          post.publishAt = publishAt;
          post.status = "scheduled";
          post.results.clear();
          if (publishAt <= clock.now()) publishInline(post);
        }
        return answerPublish(post, false);
      }),
    ),

    http.delete(
      `${baseURL}/v1/posts/:postId`,
      route("posts.delete", (_request, params) => {
        const post = posts.get(params.postId ?? "");
        if (!post) return notFound();
        advance(post);
        if (post.status !== "draft" && post.status !== "scheduled") {
          throw new ZernioFakeRefusal(400, {
            error: `Only draft or scheduled posts can be deleted; this one is ${post.status}`,
            type: "invalid_request_error",
          });
        }
        posts.delete(post._id);
        return HttpResponse.json({ message: "Post deleted successfully" });
      }),
    ),

    http.post(
      `${baseURL}/v1/posts/:postId/retry`,
      route("posts.retry", (_request, params) => {
        const post = posts.get(params.postId ?? "");
        if (!post) return notFound();
        advance(post);
        if (post.status === "publishing") {
          return error(409, { error: "Post is currently publishing" });
        }
        if (post.status !== "failed" && post.status !== "partial") {
          throw new ZernioFakeRefusal(400, {
            error: `Only failed or partial posts can be retried; this one is ${post.status}`,
            type: "invalid_request_error",
          });
        }
        post.platforms.forEach((target, i) => {
          if (post.results.get(i)?.status !== "failed") return;
          post.results.set(i, {
            status: outcomeFor(target) ? "failed" : "published",
            finishedAt: clock.now(),
          });
        });
        post.status = settle(post);
        const body = toApiPost(post);
        return HttpResponse.json(
          {
            message: post.status === "published" ? "Post retried" : "Retry incomplete",
            post: body,
          },
          { status: post.status === "published" ? 200 : 207 },
        );
      }),
    ),
  ];

  return {
    handlers,
    baseURL,
    apiKey,
    clock,
    requests,
    uploads,
    accounts,
    /** Zernio's profiles by id (the default one first). */
    profiles: directory.profiles,
    accountsOf: directory.accountsOf,
    moveAccounts: directory.moveAccounts,
    completeConnection: directory.completeConnection,
    pendingConnections: directory.pendingConnections,
    ignoreProfileNameFilter: directory.ignoreProfileNameFilter,
    /** Requests to one route, in order. */
    requestsTo: (name: ZernioMockRoute) => requests.filter((r) => r.route === name),
    /** The posts Zernio holds, as GET /v1/posts/{id} would answer them. */
    listPosts: () => [...posts.values()].map(toApiPost),
    getPost: (id: string) => {
      const post = posts.get(id);
      return post ? toApiPost(post) : undefined;
    },
    /** The next `times` requests to `route` fail this way (before anything else is checked). */
    failNext(name: ZernioMockRoute, failure: ZernioMockFailure, times = 1) {
      const queue = failures.get(name) ?? [];
      for (let i = 0; i < times; i++) queue.push(failure);
      failures.set(name, queue);
    },
    /** Publishing to this account id or platform fails with Zernio's message and category. */
    failPublishing(
      accountIdOrPlatform: string,
      failure = {
        errorMessage: "The platform rejected the post",
        errorCategory: "platform_rejected",
      },
    ) {
      platformFailures.set(accountIdOrPlatform, failure);
    },
    clearPublishingFailures: () => platformFailures.clear(),
    /** validate/post and the per-account options (TikTok creator info, Pinterest boards). */
    tools: {
      setTikTokCreator: tools.setTikTokCreator,
      setPinterestBoards: tools.setPinterestBoards,
      failValidation: tools.failValidation,
    },
    /** GET /v1/analytics controls: access (402 without), sync state (202), pinned figures. */
    analytics: {
      setAccess: analytics.setAccess,
      setSyncDelay: analytics.setSyncDelay,
      forceSync: analytics.forceSync,
      setMetrics: analytics.setMetrics,
    },
    reset() {
      analytics.reset();
      tools.reset();
      posts.clear();
      requestIds.clear();
      presigned.clear();
      uploads.length = 0;
      requests.length = 0;
      failures.clear();
      platformFailures.clear();
      directory.reset();
      offset = 0;
    },
  };
}

function defaultErrorBody(status: number): Record<string, unknown> {
  if (status === 401) return { error: "Unauthorized", type: "authentication_error" };
  if (status === 403) {
    return {
      error: "Account is disconnected and cannot be posted to. Please reconnect your account.",
      type: "permission_error",
      code: "ACCOUNT_DISCONNECTED",
    };
  }
  if (status === 429) return { error: "Rate limit exceeded", type: "rate_limit_error" };
  if (status >= 500) return { error: "Internal server error", type: "api_error" };
  return { error: `HTTP ${status}`, type: "invalid_request_error" };
}

/** Rate-limit headers as Zernio sends them with a 429 (reset is a Unix time in seconds). */
export function rateLimitHeaders(resetAt: Date, limit = 60): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(limit),
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": String(Math.ceil(resetAt.getTime() / 1000)),
    "Retry-After": String(Math.max(0, Math.ceil((resetAt.getTime() - Date.now()) / 1000))),
  };
}

/**
 * The offline demo: the same fake on a real-time clock, serving only accounts labelled "Demo" —
 * every profile (each studio user's included) gets its own set. Register `handlers` with msw's
 * `setupServer` in the server process and point the adapter at `baseURL` with `apiKey`.
 */
export function createZernioDemo(
  options: Omit<ZernioFakeOptions, "accounts" | "startAt" | "demo"> = {},
) {
  return createZernioFake({ ...options, accounts: [], demo: true });
}
