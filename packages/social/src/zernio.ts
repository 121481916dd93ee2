// The Zernio (formerly Late) adapter, over the official SDK `@zernio/node`. Sources: Zernio's OpenAPI
// spec (zernio-dev/zernio-rust openapi.yaml: POST/GET/PUT/DELETE /v1/posts, /v1/posts/{id}/retry,
// GET /v1/accounts, POST /v1/media/presign, GET/POST /v1/profiles, GET /v1/connect/{platform}) and the
// SDK's src/client.ts, src/errors.ts, generated types.
// SDK gaps handled here: it sends no x-request-id (we set the header), it declares a `timeout` option
// but never applies it (each attempt gets an AbortSignal.timeout through a per-call `fetch`), its
// errors drop Retry-After (we keep the raw response), and its .d.ts imports @hey-api/client-fetch,
// which it does not depend on, so we type the calls against its generated types ourselves.
import {
  type AnalyticsListResponse,
  type AnalyticsSinglePostResponse,
  type CreatePostData,
  type CreatePostResponse,
  type CreateProfileData,
  type CreateProfileResponse,
  type GetConnectUrlData,
  type GetConnectUrlResponse,
  type GetMediaPresignedUrlResponse,
  type GetPinterestBoardsResponse,
  type GetTikTokCreatorInfoResponse,
  type ListAccountsData,
  type ListAccountsResponse,
  type ListProfilesData,
  type ListProfilesResponse,
  type Post,
  type UpdatePostData,
  type ValidateMediaResponse,
  type ValidatePostResponse,
  Zernio,
} from "@zernio/node";
import {
  type AnalyticsListQuery,
  type AnalyticsListResult,
  analyticsListProblem,
  type PostAnalyticsResult,
  toAnalyticsList,
  toPostAnalyticsResult,
} from "./analytics";
import { isSocialError, SocialError, toSocialError } from "./errors";
import {
  DEFAULT_RETRY_POLICY,
  REQUEST_ID_REPLAY_WINDOW_MS,
  type RetryPolicy,
  type RetryRuntime,
  realRuntime,
  withRetry,
} from "./retry";
import {
  type CreatedPost,
  type CreatePostInput,
  type MediaUpload,
  type MediaValidation,
  type PinterestBoard,
  type PostContentBody,
  type PostStatus,
  type PostValidation,
  type SocialAccount,
  type SocialProfile,
  type TikTokCreatorInfo,
  toPostStatus,
  toSocialAccount,
  toSocialProfile,
  type UpdatePostInput,
  type UploadedMedia,
} from "./types";

export const ZERNIO_DEFAULT_BASE_URL = "https://zernio.com/api";

export interface ZernioSettings {
  apiKey: string;
  /** Without `/v1`: the SDK's routes carry it. Point it at a gateway or the fake. */
  baseURL?: string | undefined;
  /** Used for every request, the media PUT included; default the global fetch, read per call. */
  fetch?: typeof fetch | undefined;
  retry?: (Partial<RetryPolicy> & Partial<RetryRuntime>) | undefined;
  /** Per attempt, for API calls (default 30 s). */
  timeoutMs?: number | undefined;
  /** Per attempt, for the media PUT (default 10 min: a video can be large). */
  uploadTimeoutMs?: number | undefined;
}

export interface ListAccountsOptions {
  /**
   * Only this Zernio profile's accounts. Omitted: every account of the workspace (the shared,
   * single-team mode only — per-user posting always sends its user's profile).
   */
  profileId?: string | undefined;
  /** Server-side pagination: Zernio refuses one without the other (400), so both or neither. */
  page?: number | undefined;
  limit?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface CreateProfileInput {
  name: string;
  description?: string | undefined;
  /**
   * Sent as `Idempotency-Key`: the same key and body replay the first answer, so a create that got
   * no answer is sent again safely. Without one, a create that got no answer is not re-sent.
   */
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface ConnectUrlInput {
  /** Zernio's platform id (twitter for X). */
  platform: NonNullable<GetConnectUrlData["path"]["platform"]>;
  profileId: string;
  /** Absolute http(s) URL Zernio sends the browser back to (with connected=…&accountId=…). */
  redirectUrl: string;
  signal?: AbortSignal | undefined;
}

export interface ZernioClient {
  listAccounts(options?: ListAccountsOptions): Promise<SocialAccount[]>;
  /** POST /v1/profiles: a new profile (accounts are connected into a profile). */
  createProfile(input: CreateProfileInput): Promise<SocialProfile>;
  /** GET /v1/profiles; `name` is Zernio's exact-match filter (recovering an ambiguous create). */
  listProfiles(options?: { name?: string; signal?: AbortSignal }): Promise<SocialProfile[]>;
  /** GET /v1/connect/{platform}: the URL to send the user to; the account lands in `profileId`. */
  connectUrl(input: ConnectUrlInput): Promise<string>;
  /**
   * DELETE /v1/accounts/{id}: disconnects and removes the account. Zernio answers 404 when it is
   * already disconnected (a SocialError NOT_FOUND: callers treat it as done).
   */
  deleteAccount(accountId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * DELETE /v1/profiles/{id}: refused (400) while the profile has active connected accounts —
   * disconnect them first (deleteAccount). 404 when it is already gone.
   */
  deleteProfile(profileId: string, options?: { signal?: AbortSignal }): Promise<void>;
  uploadMedia(upload: MediaUpload): Promise<UploadedMedia>;
  createPost(input: CreatePostInput): Promise<CreatedPost>;
  getPost(postId: string, options?: { signal?: AbortSignal }): Promise<PostStatus>;
  updatePost(postId: string, patch: UpdatePostInput): Promise<PostStatus>;
  /** Cancels a draft or scheduled post (Zernio refuses published ones). */
  deletePost(postId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Publishes a failed or partial post's failed platforms again. */
  retryPost(postId: string, options?: { signal?: AbortSignal }): Promise<PostStatus>;
  /**
   * GET /v1/analytics?postId=: one post's per-platform metrics. 202 (sync pending), 424 (every
   * platform failed), 404 (not published) and 402 (no analytics add-on) are answers, not throws.
   */
  postAnalytics(postId: string, options?: { signal?: AbortSignal }): Promise<PostAnalyticsResult>;
  /** GET /v1/analytics without postId: one page of the list form (402 → `no_access`). */
  listAnalytics(query?: AnalyticsListQuery): Promise<AnalyticsListResult>;
  /** GET /v1/accounts' `hasAnalyticsAccess` (one small page): whether analytics may be read at all. */
  analyticsAccess(options?: { signal?: AbortSignal }): Promise<boolean>;
  /**
   * POST /v1/tools/validate/post: Zernio's dry run of its create pipeline over the body a create
   * would send (serialised by zernioContentBody, like createPost's). Creates, uploads and charges
   * nothing ("does NOT validate accounts, process media, or track usage"), so it is re-sent freely.
   */
  validatePost(body: PostContentBody, options?: { signal?: AbortSignal }): Promise<PostValidation>;
  /** POST /v1/tools/validate/media: whether a public media URL is reachable, its type and size per platform. */
  validateMedia(url: string, options?: { signal?: AbortSignal }): Promise<MediaValidation>;
  /** GET /v1/accounts/{id}/tiktok/creator-info: the creator's privacy levels and interaction settings. */
  tiktokCreatorInfo(
    accountId: string,
    options?: { mediaType?: "video" | "photo"; signal?: AbortSignal },
  ): Promise<TikTokCreatorInfo>;
  /** GET /v1/accounts/{id}/pinterest-boards: the boards a Pinterest account can pin to. */
  pinterestBoards(accountId: string, options?: { signal?: AbortSignal }): Promise<PinterestBoard[]>;
}

interface Attempt {
  fetch: (request: Request) => Promise<Response>;
  response: Response | undefined;
  timedOut: boolean;
}

/** What every Zernio call shares: the SDK (typed views of it), one attempt's fetch, the retry loop. */
interface ZernioConnection {
  call<T>(
    action: string,
    invoke: (attempt: Attempt) => Promise<{ data?: T }>,
    options: {
      signal?: AbortSignal | undefined;
      resendAfterNoAnswer: boolean;
      windowMs?: number;
    },
  ): Promise<T>;
  attempt(signal: AbortSignal | undefined, ms: number): Attempt;
  policy: RetryPolicy;
  runtime: RetryRuntime;
  uploadTimeoutMs: number;
  posts: Record<
    "createPost" | "getPost" | "updatePost" | "deletePost" | "retryPost",
    (options: Record<string, unknown>) => Promise<{ data?: unknown }>
  >;
  accounts: {
    deleteAccount(options: Record<string, unknown>): Promise<{ data?: unknown }>;
    listAccounts(options: Record<string, unknown>): Promise<{ data?: ListAccountsResponse }>;
  };
  profiles: {
    deleteProfile(options: Record<string, unknown>): Promise<{ data?: unknown }>;
    createProfile(options: Record<string, unknown>): Promise<{ data?: CreateProfileResponse }>;
    listProfiles(options: Record<string, unknown>): Promise<{ data?: ListProfilesResponse }>;
  };
  connect: {
    getConnectUrl(options: Record<string, unknown>): Promise<{ data?: GetConnectUrlResponse }>;
  };
  media: {
    getMediaPresignedUrl(
      options: Record<string, unknown>,
    ): Promise<{ data?: GetMediaPresignedUrlResponse }>;
  };
  analytics: {
    getAnalytics(options: Record<string, unknown>): Promise<{ data?: unknown }>;
  };
  validate: Record<
    "validatePost" | "validateMedia",
    (options: Record<string, unknown>) => Promise<{ data?: unknown }>
  >;
  accountOptions: {
    getTikTokCreatorInfo(options: Record<string, unknown>): Promise<{ data?: unknown }>;
    getPinterestBoards(options: Record<string, unknown>): Promise<{ data?: unknown }>;
  };
}

export function createZernio(settings: ZernioSettings): ZernioClient {
  const z = createZernioConnection(settings);
  return {
    ...accountMethods(z),
    uploadMedia: (upload) => uploadMedia(z, upload),
    createPost: (input) => createPost(z, input),
    ...postMethods(z),
    ...analyticsMethods(z),
    ...validationMethods(z),
  };
}

function createZernioConnection(settings: ZernioSettings): ZernioConnection {
  if (!settings.apiKey) {
    throw new SocialError("AUTH", "Zernio is not configured — add ZERNIO_API_KEY", {
      retryable: false,
    });
  }
  const sdk = new Zernio({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL ?? ZERNIO_DEFAULT_BASE_URL,
  });
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...settings.retry };
  const runtime: RetryRuntime = {
    sleep: settings.retry?.sleep ?? realRuntime.sleep,
    now: settings.retry?.now ?? realRuntime.now,
    random: settings.retry?.random ?? realRuntime.random,
  };
  const timeoutMs = settings.timeoutMs ?? 30_000;
  const uploadTimeoutMs = settings.uploadTimeoutMs ?? 10 * 60_000;
  const baseFetch = (input: Request | string, init?: RequestInit) =>
    (settings.fetch ?? globalThis.fetch)(input, init);

  /** A fetch for one attempt: its own timeout, and it keeps the answer for headers the SDK drops. */
  function attempt(signal: AbortSignal | undefined, ms: number): Attempt {
    const state: Attempt = {
      response: undefined,
      timedOut: false,
      fetch: async (request) => {
        const timeout = AbortSignal.timeout(ms);
        timeout.addEventListener("abort", () => (state.timedOut = true), { once: true });
        const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
        state.response = await baseFetch(new Request(request, { signal: combined }));
        return state.response;
      },
    };
    return state;
  }

  async function call<T>(
    action: string,
    invoke: (attempt: Attempt) => Promise<{ data?: T }>,
    options: {
      signal?: AbortSignal | undefined;
      resendAfterNoAnswer: boolean;
      windowMs?: number;
    },
  ): Promise<T> {
    return withRetry(
      async () => {
        const current = attempt(options.signal, timeoutMs);
        try {
          const result = await invoke(current);
          return result.data as T;
        } catch (error) {
          throw toSocialError(error, {
            action,
            response: current.response,
            timedOut: current.timedOut && !options.signal?.aborted,
          });
        }
      },
      {
        policy,
        runtime,
        resendAfterNoAnswer: options.resendAfterNoAnswer,
        windowMs: options.windowMs,
      },
    );
  }

  // The SDK's method types are unresolved (see the header); these are its generated shapes.
  const posts = sdk.posts as unknown as ZernioConnection["posts"];
  const accounts = sdk.accounts as unknown as ZernioConnection["accounts"];
  const profiles = sdk.profiles as unknown as ZernioConnection["profiles"];
  const connect = sdk.connect as unknown as ZernioConnection["connect"];
  const media = sdk.media as unknown as ZernioConnection["media"];
  const analytics = sdk.analytics as unknown as ZernioConnection["analytics"];
  const validate = sdk.validate as unknown as ZernioConnection["validate"];
  // The SDK files creator info under `accounts` and the boards under `connect`.
  const accountOptions = {
    getTikTokCreatorInfo: (sdk.accounts as unknown as ZernioConnection["accountOptions"])
      .getTikTokCreatorInfo,
    getPinterestBoards: (sdk.connect as unknown as ZernioConnection["accountOptions"])
      .getPinterestBoards,
  };

  return {
    call,
    attempt,
    policy,
    runtime,
    uploadTimeoutMs,
    posts,
    accounts,
    profiles,
    connect,
    media,
    analytics,
    validate,
    accountOptions,
  };
}

function postFrom(data: unknown, action: string): Post {
  const post = (data as { post?: Post } | undefined)?.post;
  if (!post?._id) throw new SocialError("ZERNIO_ERROR", `Zernio answered ${action} without a post`);
  return post;
}

/** Accounts, profiles and connecting: reads and deletes that are safe to send again. */
function accountMethods(
  z: ZernioConnection,
): Pick<
  ZernioClient,
  | "listAccounts"
  | "createProfile"
  | "listProfiles"
  | "connectUrl"
  | "deleteAccount"
  | "deleteProfile"
> {
  return {
    async listAccounts(options = {}) {
      if ((options.page === undefined) !== (options.limit === undefined)) {
        throw new SocialError("VALIDATION", "Send page and limit together, or neither", {
          retryable: false,
        });
      }
      const query: NonNullable<ListAccountsData["query"]> = {};
      if (options.profileId !== undefined) query.profileId = options.profileId;
      if (options.page !== undefined && options.limit !== undefined) {
        query.page = options.page;
        query.limit = options.limit;
      }
      const data = await z.call<ListAccountsResponse>(
        "listing accounts",
        (a) =>
          z.accounts.listAccounts({
            ...(Object.keys(query).length ? { query } : {}),
            fetch: a.fetch,
          }),
        { signal: options.signal, resendAfterNoAnswer: true },
      );
      return (data?.accounts ?? []).map(toSocialAccount);
    },

    async createProfile(input) {
      const body: CreateProfileData["body"] = {
        name: input.name,
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      const data = await z.call<CreateProfileResponse>(
        "creating a profile",
        (a) =>
          z.profiles.createProfile({
            body,
            ...(input.idempotencyKey
              ? { headers: { "Idempotency-Key": input.idempotencyKey } }
              : {}),
            fetch: a.fetch,
          }),
        // Without an Idempotency-Key a create that got no answer may have made a profile: not re-sent.
        { signal: input.signal, resendAfterNoAnswer: Boolean(input.idempotencyKey) },
      );
      const profile = data?.profile;
      if (!profile?._id) {
        throw new SocialError("ZERNIO_ERROR", "Zernio answered creating a profile without one");
      }
      return toSocialProfile(profile);
    },

    async listProfiles(options = {}) {
      const query: NonNullable<ListProfilesData["query"]> = {};
      if (options.name !== undefined) query.name = options.name;
      const data = await z.call<ListProfilesResponse>(
        "listing profiles",
        (a) =>
          z.profiles.listProfiles({
            ...(Object.keys(query).length ? { query } : {}),
            fetch: a.fetch,
          }),
        { signal: options.signal, resendAfterNoAnswer: true },
      );
      return (data?.profiles ?? []).filter((p) => p._id).map(toSocialProfile);
    },

    async connectUrl(input) {
      const data = await z.call<GetConnectUrlResponse>(
        "starting a connection",
        (a) =>
          z.connect.getConnectUrl({
            path: { platform: input.platform },
            query: { profileId: input.profileId, redirect_url: input.redirectUrl },
            fetch: a.fetch,
          }),
        { signal: input.signal, resendAfterNoAnswer: true },
      );
      if (!data?.authUrl) {
        throw new SocialError("ZERNIO_ERROR", "Zernio answered the connect request without a URL");
      }
      return data.authUrl;
    },

    // Deleting the same id twice leaves the same state (the second answers 404): safe to re-send.
    async deleteAccount(accountId, options = {}) {
      await z.call<unknown>(
        "disconnecting an account",
        (a) => z.accounts.deleteAccount({ path: { accountId }, fetch: a.fetch }),
        { signal: options.signal, resendAfterNoAnswer: true },
      );
    },

    async deleteProfile(profileId, options = {}) {
      await z.call<unknown>(
        "deleting a profile",
        (a) => z.profiles.deleteProfile({ path: { profileId }, fetch: a.fetch }),
        { signal: options.signal, resendAfterNoAnswer: true },
      );
    },
  };
}

/** Presign, then PUT the bytes to the URL Zernio handed out. */
async function uploadMedia(z: ZernioConnection, upload: MediaUpload): Promise<UploadedMedia> {
  const presign = await z.call<GetMediaPresignedUrlResponse>(
    "preparing an upload",
    (a) =>
      z.media.getMediaPresignedUrl({
        body: { filename: upload.filename, contentType: upload.contentType, size: upload.size },
        fetch: a.fetch,
      }),
    { signal: upload.signal, resendAfterNoAnswer: true },
  );
  if (!presign?.uploadUrl || !presign.publicUrl) {
    throw new SocialError("ZERNIO_ERROR", "Zernio answered presign without an upload URL");
  }
  const uploadUrl = presign.uploadUrl;
  // A stream can be sent once; bytes in memory can be sent again (a PUT to the same key is safe).
  const repeatable = upload.body instanceof Uint8Array;
  await withRetry(
    async () => {
      const current = z.attempt(upload.signal, z.uploadTimeoutMs);
      try {
        const response = await current.fetch(
          new Request(uploadUrl, {
            method: "PUT",
            headers: {
              "Content-Type": upload.contentType,
              "Content-Length": String(upload.size),
            },
            body: upload.body as BodyInit,
            duplex: "half",
          } as RequestInit),
        );
        if (!response.ok) {
          throw new SocialError(
            response.status >= 500 ? "UNAVAILABLE" : "VALIDATION",
            `The media upload was refused (HTTP ${response.status})`,
            { status: response.status },
          );
        }
      } catch (error) {
        throw toSocialError(error, {
          action: "uploading media",
          timedOut: current.timedOut && !upload.signal?.aborted,
        });
      }
    },
    {
      policy: repeatable ? z.policy : { ...z.policy, attempts: 1 },
      runtime: z.runtime,
      resendAfterNoAnswer: true,
    },
  );
  return { publicUrl: presign.publicUrl, key: presign.key };
}

/**
 * The content part of a create body — what validate/post checks and createPost sends, built by this
 * one function so the validated body and the created one are the same bytes. platformSpecificData
 * is passed through as given: its shape is per platform (the *PlatformData schemas), which the
 * caller knows and this adapter does not restate.
 */
export function zernioContentBody(input: PostContentBody): PostContentBody {
  return {
    content: input.content,
    mediaItems: input.mediaItems.map((item) => ({
      type: item.type,
      url: item.url,
      ...(item.altText ? { altText: item.altText } : {}),
    })),
    platforms: input.platforms.map((target) => ({
      platform: target.platform,
      accountId: target.accountId,
      ...(target.customContent !== undefined ? { customContent: target.customContent } : {}),
      ...(target.platformSpecificData ? { platformSpecificData: target.platformSpecificData } : {}),
    })),
  };
}

async function createPost(z: ZernioConnection, input: CreatePostInput): Promise<CreatedPost> {
  const body = {
    ...zernioContentBody(input),
    ...(input.publishNow
      ? { publishNow: true }
      : { scheduledFor: input.scheduledFor, timezone: input.timezone }),
    ...(input.metadata ? { metadata: input.metadata } : {}),
  } as CreatePostData["body"];
  try {
    // Re-sending a create is safe ONLY because every attempt carries the same x-request-id:
    // Zernio answers a repeat within ~5 minutes with 200 + the first post (`existingPost`)
    // instead of creating a second one. So a create that timed out or lost its connection —
    // which may well have created the post — is sent again, but only while we are inside that
    // window (REQUEST_ID_REPLAY_WINDOW_MS, 4 min, kept short of Zernio's ~5). Past it, the
    // error goes to the caller, who must look the post up rather than send it blind.
    const data = await z.call<CreatePostResponse & { existingPost?: Post | string }>(
      "creating a post",
      (a) =>
        z.posts.createPost({
          body,
          headers: { "x-request-id": input.requestId },
          fetch: a.fetch,
        }) as Promise<{ data?: CreatePostResponse & { existingPost?: Post | string } }>,
      {
        signal: input.signal,
        resendAfterNoAnswer: true,
        windowMs: REQUEST_ID_REPLAY_WINDOW_MS,
      },
    );
    if (data?.existingPost) {
      const existing = data.existingPost;
      const post = typeof existing === "string" ? undefined : toPostStatus(existing);
      const postId = typeof existing === "string" ? existing : (existing._id ?? "");
      return { postId, post, duplicate: true, duplicateOf: "request-id", warnings: [] };
    }
    const post = postFrom(data, "creating a post");
    const warnings = (data as { warnings?: string[] }).warnings ?? [];
    return { postId: post._id ?? "", post: toPostStatus(post), duplicate: false, warnings };
  } catch (error) {
    // 409: the same account + content + media went out within 24 h. Link it, don't fail.
    const existingPostId =
      error instanceof SocialError && error.status === 409
        ? (error.details as { existingPostId?: unknown } | undefined)?.existingPostId
        : undefined;
    if (typeof existingPostId === "string") {
      return {
        postId: existingPostId,
        post: undefined,
        duplicate: true,
        duplicateOf: "content",
        warnings: [],
      };
    }
    throw error;
  }
}

/** Reading, updating, cancelling and retrying a post Zernio has. */
function postMethods(
  z: ZernioConnection,
): Pick<ZernioClient, "getPost" | "updatePost" | "deletePost" | "retryPost"> {
  return {
    async getPost(postId, options = {}) {
      const data = await z.call<unknown>(
        "reading a post",
        (a) => z.posts.getPost({ path: { postId }, fetch: a.fetch }),
        { signal: options.signal, resendAfterNoAnswer: true },
      );
      return toPostStatus(postFrom(data, "reading a post"));
    },

    async updatePost(postId, patch) {
      const body: UpdatePostData["body"] = {};
      if (patch.content !== undefined) body.content = patch.content;
      if (patch.mediaItems) body.mediaItems = patch.mediaItems;
      if (patch.platforms) body.platforms = patch.platforms;
      if (patch.publishNow) body.publishNow = true;
      if (patch.scheduledFor !== undefined) body.scheduledFor = patch.scheduledFor;
      if (patch.timezone !== undefined) body.timezone = patch.timezone;
      // A PUT of the same body to the same id lands the same way twice: safe to re-send.
      const data = await z.call<unknown>(
        "updating a post",
        (a) => z.posts.updatePost({ path: { postId }, body, fetch: a.fetch }),
        { signal: patch.signal, resendAfterNoAnswer: !patch.publishNow },
      );
      return toPostStatus(postFrom(data, "updating a post"));
    },

    async deletePost(postId, options = {}) {
      await z.call<unknown>(
        "cancelling a post",
        (a) => z.posts.deletePost({ path: { postId }, fetch: a.fetch }),
        { signal: options.signal, resendAfterNoAnswer: true },
      );
    },

    async retryPost(postId, options = {}) {
      // A retry publishes: without an idempotency key, one that got no answer is not sent again.
      const data = await z.call<unknown>(
        "retrying a post",
        (a) => z.posts.retryPost({ path: { postId }, fetch: a.fetch }),
        { signal: options.signal, resendAfterNoAnswer: false },
      );
      return toPostStatus(postFrom(data, "retrying a post"));
    },
  };
}

/** GET /v1/analytics (one post, or the list) and the workspace's hasAnalyticsAccess. */
function analyticsMethods(
  z: ZernioConnection,
): Pick<ZernioClient, "postAnalytics" | "listAnalytics" | "analyticsAccess"> {
  return {
    async postAnalytics(postId, options = {}) {
      let status = 200;
      try {
        const data = await z.call<AnalyticsSinglePostResponse>(
          "reading a post's analytics",
          async (a) => {
            const answer = await z.analytics.getAnalytics({ query: { postId }, fetch: a.fetch });
            status = a.response?.status ?? 200;
            return answer as { data?: AnalyticsSinglePostResponse };
          },
          { signal: options.signal, resendAfterNoAnswer: true },
        );
        return toPostAnalyticsResult(postId, status, data);
      } catch (error) {
        if (!isSocialError(error)) throw error;
        if (error.status === 424) {
          const body = (error.cause as { body?: AnalyticsSinglePostResponse } | undefined)?.body;
          return toPostAnalyticsResult(postId, 424, body);
        }
        if (error.status === 404) return { kind: "not_found", postId };
        if (error.status === 402) return { kind: "no_access", postId };
        throw error;
      }
    },

    async listAnalytics(query = {}) {
      const problem = analyticsListProblem(query);
      if (problem) throw new SocialError("VALIDATION", problem, { retryable: false });
      const { signal, ...rest } = query;
      const sent = Object.fromEntries(
        Object.entries(rest).filter(([, value]) => value !== undefined),
      );
      try {
        const data = await z.call<AnalyticsListResponse>(
          "listing analytics",
          (a) =>
            z.analytics.getAnalytics({
              ...(Object.keys(sent).length ? { query: sent } : {}),
              fetch: a.fetch,
            }) as Promise<{ data?: AnalyticsListResponse }>,
          { signal, resendAfterNoAnswer: true },
        );
        return toAnalyticsList(data);
      } catch (error) {
        if (isSocialError(error) && error.status === 402) return { kind: "no_access" };
        throw error;
      }
    },

    async analyticsAccess(options = {}) {
      const data = await z.call<ListAccountsResponse>(
        "checking analytics access",
        (a) => z.accounts.listAccounts({ query: { page: 1, limit: 1 }, fetch: a.fetch }),
        { signal: options.signal, resendAfterNoAnswer: true },
      );
      return data?.hasAnalyticsAccess === true;
    },
  };
}

const findingsOf = (
  list: Array<{ platform?: string; error?: string; warning?: string }> | undefined,
  key: "error" | "warning",
) =>
  (list ?? [])
    .map((item) => ({ platform: item.platform ?? "", message: String(item[key] ?? "").trim() }))
    .filter((item) => item.message);

/** Validation (post body, media URL) and the per-account options a post can pick (TikTok, Pinterest). */
function validationMethods(
  z: ZernioConnection,
): Pick<ZernioClient, "validatePost" | "validateMedia" | "tiktokCreatorInfo" | "pinterestBoards"> {
  return {
    async validatePost(input, options = {}) {
      const body = zernioContentBody(input);
      // A dry run: nothing is created or charged, so one that got no answer is simply sent again.
      const data = await z.call<ValidatePostResponse>(
        "validating a post",
        (a) =>
          z.validate.validatePost({ body, fetch: a.fetch }) as Promise<{
            data?: ValidatePostResponse;
          }>,
        { signal: options.signal, resendAfterNoAnswer: true },
      );
      if (typeof data?.valid !== "boolean") {
        throw new SocialError(
          "ZERNIO_ERROR",
          "Zernio answered validating a post without a verdict",
        );
      }
      const errors = findingsOf("errors" in data ? data.errors : undefined, "error");
      return {
        // An answer of valid: false with no error listed still blocks; say so in Zernio's words.
        valid: data.valid && errors.length === 0,
        errors:
          !data.valid && errors.length === 0
            ? [
                {
                  platform: "",
                  message:
                    "message" in data && data.message ? data.message : "Zernio refused the post.",
                },
              ]
            : errors,
        warnings: findingsOf(data.warnings, "warning"),
      };
    },

    async validateMedia(url, options = {}) {
      const data = await z.call<ValidateMediaResponse>(
        "validating media",
        (a) =>
          z.validate.validateMedia({ body: { url }, fetch: a.fetch }) as Promise<{
            data?: ValidateMediaResponse;
          }>,
        { signal: options.signal, resendAfterNoAnswer: true },
      );
      const limits: MediaValidation["platformLimits"] = {};
      for (const [platform, limit] of Object.entries(data?.platformLimits ?? {})) {
        limits[platform] = { limit: limit.limit ?? null, withinLimit: limit.withinLimit ?? null };
      }
      return {
        valid: data?.valid === true,
        url: data?.url ?? url,
        error: data?.error ?? null,
        contentType: data?.contentType ?? null,
        size: data?.size ?? null,
        type: data?.type ?? null,
        platformLimits: limits,
      };
    },

    async tiktokCreatorInfo(accountId, options = {}) {
      const data = await z.call<GetTikTokCreatorInfoResponse>(
        "reading the TikTok creator info",
        (a) =>
          z.accountOptions.getTikTokCreatorInfo({
            path: { accountId },
            ...(options.mediaType ? { query: { mediaType: options.mediaType } } : {}),
            fetch: a.fetch,
          }) as Promise<{ data?: GetTikTokCreatorInfoResponse }>,
        { signal: options.signal, resendAfterNoAnswer: true },
      );
      const settings = data?.postingLimits?.interactionSettings;
      const toggle = (t: { enabled?: boolean } | null | undefined) =>
        t ? { enabled: t.enabled !== false } : null;
      return {
        nickname: data?.creator?.nickname ?? null,
        canPostMore: data?.creator?.canPostMore !== false,
        privacyLevels: (data?.privacyLevels ?? [])
          .filter((level) => typeof level.value === "string" && level.value)
          .map((level) => ({
            value: level.value as string,
            label: level.label ?? (level.value as string),
          })),
        maxVideoDurationSec: data?.postingLimits?.maxVideoDurationSec ?? null,
        interactions: {
          comment: toggle(settings?.allow_comment),
          duet: toggle(settings?.allow_duet),
          stitch: toggle(settings?.allow_stitch),
        },
      };
    },

    async pinterestBoards(accountId, options = {}) {
      const data = await z.call<GetPinterestBoardsResponse>(
        "listing Pinterest boards",
        (a) =>
          z.accountOptions.getPinterestBoards({ path: { accountId }, fetch: a.fetch }) as Promise<{
            data?: GetPinterestBoardsResponse;
          }>,
        { signal: options.signal, resendAfterNoAnswer: true },
      );
      return (data?.boards ?? [])
        .filter((board) => typeof board.id === "string" && board.id)
        .map((board) => ({
          id: board.id as string,
          name: board.name ?? (board.id as string),
          description: board.description ?? null,
          privacy: board.privacy ?? null,
        }));
    },
  };
}
