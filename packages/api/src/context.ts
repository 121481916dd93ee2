// The tRPC context: everything a procedure may use, injected (the server wires real ones, tests
// fakes; see testing/context.ts), plus who is calling and the request's headers.
import type { Database, MediaEventListener } from "@streamline/db";
import type { GenerationQueue, PostingQueue } from "@streamline/jobs";
import { setContextFields } from "@streamline/log";
import type {
  Captioner,
  CaptionPrice,
  MediaProviders,
  MediaType,
  ProviderId,
  ReferenceImage,
} from "@streamline/providers";
import type { ZernioClient } from "@streamline/social";
import type { MediaStorage } from "@streamline/storage";
import type { Kysely } from "kysely";

export type SessionUser = {
  id: string;
  email?: string | undefined;
  name?: string | undefined;
  /** A browser session cookie, or an API key (`Authorization: Bearer …`). */
  method: "session" | "api-key";
};

export interface MediaLimits {
  /** Generations one user may have queued or running at once. */
  maxConcurrentPerUser: number;
  /** Estimated US dollars one user may spend per UTC day. */
  dailySpendUsd: number;
  /** Largest reference photo accepted, in bytes. */
  referenceImageMaxBytes: number;
}

export type ReferenceImageSource =
  | { bytes: Uint8Array; filename?: string | undefined; declaredType?: string | undefined }
  | { url: string };

/** Captions (social.caption): the captioner and how its models are offered. */
export interface CaptionDeps {
  captioner: Captioner;
  /** CAPTION_MODEL, or the default caption model of the first configured provider. */
  defaultModel: string;
  /** CAPTION_MODEL_PRICES: the operator's price for a model (a model with no price at all is refused). */
  prices?: ReadonlyMap<string, CaptionPrice> | undefined;
  /** CAPTION_RATE_PER_MINUTE: caption requests one user may start per minute (default 10). */
  ratePerMinute?: number | undefined;
}

/** Posting through Zernio (social.accounts, schedule, posts …). */
export interface SocialDeps {
  /** Undefined when posting is not configured (no ZERNIO_API_KEY): procedures say so. */
  zernio: ZernioClient | undefined;
  /** Zernio is the in-process demo fake (accounts and posts are labelled Demo). */
  demo: boolean;
  queue: Pick<PostingQueue, "enqueue">;
  /** The clock schedule checks use ("a time in the past"). */
  now?: (() => Date) | undefined;
  /**
   * ZERNIO_SHARED_ACCOUNTS=1: every account of the Zernio workspace is every user's (single-team
   * installs). Off (default): each user has their own Zernio profile and only its accounts.
   */
  sharedAccounts?: boolean | undefined;
  /** The studio's origin (APP_ORIGIN): social.connect sends the user back to its /ai-studio. */
  appOrigin?: string | undefined;
  /**
   * social.schedule calls one user may make per minute (SOCIAL_POSTS_PER_MINUTE): every user shares
   * the workspace's one Zernio key and its rate limit. Counted in the database (all processes).
   */
  postsPerMinute?: number | undefined;
  /** Tests: when a 'creating' profile claim counts as abandoned, and how long others wait for it. */
  profileClaimStaleMs?: number | undefined;
  profileWaitMs?: number | undefined;
}

/** Everything the API needs from the outside world; the server wires real ones, tests fakes. */
export interface ApiDeps {
  /** Offline demo mode: providers are built-in mocks and every asset is labelled "Demo". */
  demo: boolean;
  db: Kysely<Database>;
  providers: MediaProviders;
  storage: MediaStorage;
  queue: Pick<GenerationQueue, "enqueue">;
  events: MediaEventListener;
  limits: MediaLimits;
  /** Checks a reference photo (type, size, dimensions; SSRF-safe for URLs). */
  loadReferenceImage(source: ReferenceImageSource): Promise<ReferenceImage>;
  /** Who is calling: the one place authentication lives. */
  resolveUser(request: { headers: Headers }): Promise<SessionUser | null>;
  /**
   * Whether the signed-in caller's password is right (better-auth; wrong ones count against the
   * per-account sign-in limit, which may refuse for `retryAfterSeconds`). account.delete asks it.
   */
  verifyPassword?:
    | ((
        request: { headers: Headers; email: string },
        password: string,
      ) => Promise<{ ok: boolean; retryAfterSeconds?: number | undefined }>)
    | undefined;
  /** The model each provider uses by default per media type (OPENAI_IMAGE_MODEL …). */
  defaultModels: Readonly<Record<ProviderId, Partial<Record<MediaType, string>>>>;
  /** Origins whose pages may make cookie-authenticated mutations (the studio's own). */
  trustedOrigins: readonly string[];
  /** Live progress streams: how many one user may hold open, how often the caller is re-checked. */
  streams?: { maxPerUser?: number; recheckMs?: number } | undefined;
  /** Captions; without them social.caption answers PRECONDITION_FAILED. */
  captions?: CaptionDeps | undefined;
  /** Posting; without it the social procedures that need Zernio say it is not configured. */
  social?: SocialDeps | undefined;
}

export type ApiContext = ApiDeps & { user: SessionUser | null; headers: Headers };

/** Builds the per-request context factory for the HTTP adapter. */
export function createContextFactory(deps: ApiDeps) {
  return async ({ req }: { req: { headers: Record<string, string | string[] | undefined> } }) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const user = await deps.resolveUser({ headers });
    // This call's log lines (and the jobs it enqueues) name the caller from here on.
    if (user) setContextFields({ userId: user.id });
    return { ...deps, headers, user } satisfies ApiContext;
  };
}
