// All configuration the server and the worker read, parsed and validated once at start-up.
import { MEDIA_MAX_VARIANTS } from "@streamline/api";
import { LOG_FORMATS, LOG_LEVELS } from "@streamline/log";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";
import { parseTrustProxy } from "./trust-proxy";

const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
const bool = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

export function loadEnv(runtimeEnv: NodeJS.ProcessEnv = process.env) {
  return createEnv({
    server: {
      NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
      PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
      HOST: z.string().default("127.0.0.1"),
      /** Lowest level written: fatal, error, warn, info (default), debug, trace or silent. */
      LOG_LEVEL: z.string().trim().toLowerCase().pipe(z.enum(LOG_LEVELS)).default("info"),
      /** `json` (one object per line; the default in production) or `pretty` (the default elsewhere). */
      LOG_FORMAT: z.enum(LOG_FORMATS).optional(),
      /** The studio's public origin (CORS/CSRF checks, absolute links). */
      APP_ORIGIN: optional,
      /**
       * The Vite dev server's port (`pnpm dev`, default 5173; Vite refuses to start when it is
       * taken). Outside production its origins are trusted and are the studio's address.
       */
      WEB_PORT: z.coerce.number().int().min(1).max(65_535).default(5173),
      DATABASE_URL: optional,
      /** The built studio to serve on this port (default apps/web/dist, when it exists). */
      WEB_DIST_DIR: optional,
      PGLITE_DATA_DIR: optional,
      OPENAI_API_KEY: optional,
      OPENAI_BASE_URL: optional,
      OPENAI_IMAGE_MODEL: z.string().default("gpt-image-2"),
      OPENAI_VIDEO_MODEL: z.string().default("sora-2"),
      GEMINI_API_KEY: optional,
      GEMINI_BASE_URL: optional,
      GEMINI_IMAGE_MODEL: z.string().default("gemini-3.1-flash-image"),
      GEMINI_VIDEO_MODEL: z.string().default("gemini-omni-1.1-flash"),
      /**
       * More models, of an API shape the product already speaks, from a JSON or YAML file
       * (docs: README "Adding a model without a release"); validated at start-up.
       */
      MEDIA_CATALOG_FILE: optional,
      /**
       * At each API server start, compare the catalog's OpenAI models with OpenAI's own list
       * (GET /v1/models, `shutdown_date`) in the background and warn about a model going away;
       * "0" turns it off (README "Adding a model without a release").
       */
      MEDIA_CATALOG_CHECK: z
        .enum(["0", "1", "true", "false"])
        .default("1")
        .transform((v) => v === "1" || v === "true"),
      MEDIA_ENABLE_MODELS: list,
      /** Models to refuse although the catalog offers them (comma-separated ids). */
      MEDIA_DISABLE_MODELS: list,
      /**
       * Offline demo: generations are answered by built-in provider mocks. Default: on in
       * development when no provider key is set; never on when a key is set.
       */
      MEDIA_DEMO: z
        .enum(["0", "1", "true", "false"])
        .optional()
        .transform((v) => (v === undefined ? undefined : v === "1" || v === "true")),
      MEDIA_DIR: optional,
      S3_BUCKET: optional,
      S3_REGION: optional,
      S3_ENDPOINT: optional,
      S3_FORCE_PATH_STYLE: bool,
      S3_ACCESS_KEY_ID: optional,
      S3_SECRET_ACCESS_KEY: optional,
      S3_PUBLIC_BASE_URL: optional,
      S3_SIGNED_URL_SECONDS: optional,
      /** Run the generation worker inside the server process (default) or only in `start:worker`. */
      WORKER_IN_PROCESS: z
        .enum(["0", "1", "true", "false"])
        .default("1")
        .transform((v) => v === "1" || v === "true"),
      WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
      /**
       * Generations one user may have in flight. The default is the most variants one submission may
       * ask for (4), so a full submission is accepted; money stays bounded by the daily spend cap,
       * which counts every variant's estimate before any provider call.
       */
      MEDIA_MAX_CONCURRENT_PER_USER: z.coerce.number().int().min(1).default(MEDIA_MAX_VARIANTS),
      MEDIA_DAILY_SPEND_USD: z.coerce.number().min(0).default(10),
      /** Live progress streams one user may hold open, counted across every server process. */
      MEDIA_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).default(20),
      /** How often an open stream re-checks its caller (sign-out, key revocation end it). */
      MEDIA_STREAM_RECHECK_SECONDS: z.coerce.number().positive().default(30),
      /**
       * media.onProgress on the process's shared SSE fan-out (default), or "0": tRPC's own stream
       * per connection (the old path, kept for before/after benchmarks).
       */
      MEDIA_SSE_FANOUT: z
        .enum(["0", "1", "true", "false"])
        .default("1")
        .transform((v) => v === "1" || v === "true"),
      MEDIA_REFERENCE_MAX_BYTES: z.coerce
        .number()
        .int()
        .min(1)
        .default(10 * 1024 * 1024),
      /** Overall limits per generation, seconds. */
      MEDIA_IMAGE_TIMEOUT_SECONDS: z.coerce.number().positive().default(120),
      MEDIA_VIDEO_TIMEOUT_SECONDS: z.coerce.number().positive().default(1_200),
      /** Poll interval bounds, milliseconds (tests shorten them). */
      MEDIA_POLL_MIN_MS: z.coerce.number().int().min(10).default(2_000),
      MEDIA_POLL_MAX_MS: z.coerce.number().int().min(10).default(10_000),
      /** First pause before retrying a provider call (doubles, with jitter, up to 3 attempts). */
      PROVIDER_RETRY_MIN_DELAY_MS: z.coerce.number().int().min(0).default(1_000),
      /**
       * Timeout of one create request (never re-sent once timed out: it may be billed), seconds. The
       * generation's overall limit (MEDIA_*_TIMEOUT_SECONDS) cuts it short when that ends first.
       */
      PROVIDER_CREATE_TIMEOUT_SECONDS_IMAGE: z.coerce.number().positive().default(300),
      PROVIDER_CREATE_TIMEOUT_SECONDS_VIDEO: z.coerce.number().positive().default(60),
      /** Timeout of one status request (retried), seconds. */
      PROVIDER_STATUS_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
      /** A download fails (and is retried) after this many seconds without a byte. */
      PROVIDER_DOWNLOAD_IDLE_SECONDS: z.coerce.number().positive().default(60),
      /** Seconds without a worker heartbeat before a job is taken over (pg-boss minimum 10). */
      JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).default(10),
      /** How often abandoned jobs are looked for (takeover ≈ heartbeat + this + retry delay). */
      JOB_SUPERVISE_SECONDS: z.coerce.number().int().min(1).default(5),
      /** First delay before a job abandoned by a dead worker is tried again (then backs off). */
      JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(0).default(1),
      /** How often an idle worker looks for queued jobs besides NOTIFY wake-ups (min 0.5). */
      JOB_POLL_SECONDS: z.coerce.number().min(0.5).default(1),
      /**
       * SIGTERM: how long running jobs get to reach a safe point (their provider job id saved) or
       * finish before they are aborted and left to resume on another worker. Keep it below the
       * platform's own shutdown delay (Render: maxShutdownDelaySeconds, default 30).
       */
      SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(1).max(3_600).default(25),
      /** Caption model used when the studio does not pick one (default: the first configured provider's). */
      CAPTION_MODEL: optional,
      /** Timeout of one caption (or shorten) call, seconds. */
      CAPTION_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
      /** Caption requests one user may start per minute (stored in the database: all processes). */
      CAPTION_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10),
      /**
       * Prices for caption models with none published (or to override one): comma-separated
       * `model=input/output` in US dollars per million tokens. A model with no price is refused.
       */
      CAPTION_MODEL_PRICES: optional,
      /** Zernio (formerly Late) posting. Unset: posting is off and the studio says what to add. */
      ZERNIO_API_KEY: optional,
      /** Deprecated name of ZERNIO_API_KEY, still accepted (one warning at start-up). */
      LATE_API_KEY: optional,
      /** Without /v1 (default https://zernio.com/api); a gateway or an emulator. */
      ZERNIO_BASE_URL: z.url().optional(),
      /** Turns on POST /webhooks/zernio (HMAC-SHA256 of the body in X-Zernio-Signature). */
      ZERNIO_WEBHOOK_SECRET: optional,
      /**
       * Single-team installs only: `1` lets every studio user see and post to every account of the
       * Zernio workspace (the pre-profiles behaviour). Off (default): each user gets their own
       * Zernio profile and sees, connects and posts to only its accounts.
       */
      ZERNIO_SHARED_ACCOUNTS: bool,
      /** Timeout of one Zernio API call (each of ≤ 3 attempts), seconds. */
      ZERNIO_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
      /** First pause before a Zernio call is retried (doubles, ≤ 3 attempts, never before a rate-limit reset). */
      ZERNIO_RETRY_MIN_DELAY_MS: z.coerce.number().int().min(0).default(500),
      /**
       * Set only when our stored media is publicly and durably reachable under this base URL
       * (`${base}/${storageKey}`): posts then link it instead of uploading it to Zernio. A presigned
       * S3 URL expires before a post scheduled next week is published, so do not point this at one.
       */
      MEDIA_PUBLIC_BASE_URL: z.url({ protocol: /^https$/ }).optional(),
      /**
       * social.schedule calls one user may make per minute (then 429 with Retry-After): every
       * user shares the workspace's one Zernio key and its rate limit. Counted in the database.
       */
      SOCIAL_POSTS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
      /**
       * GET /v1/analytics calls the whole workspace may make per minute (post analytics refresh):
       * Zernio allows 60 a minute on the smallest plan, shared with posting. 0 turns polling off.
       */
      ZERNIO_ANALYTICS_PER_MINUTE: z.coerce.number().int().min(0).default(20),
      /** How often the analytics refresh looks for due posts, seconds (60; tests shorten it). */
      ZERNIO_ANALYTICS_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
      /**
       * Posting the same asset again within this many minutes reuses its earlier upload to Zernio
       * (presign → PUT) instead of uploading the same bytes again; 0 turns reuse off. Zernio does
       * not document how long an upload's URL lives, so keep it short.
       */
      ZERNIO_UPLOAD_REUSE_MINUTES: z.coerce.number().min(0).default(60),
      /** How often a post being published is re-read from Zernio (backs off from min to max), ms. */
      POST_POLL_MIN_MS: z.coerce.number().int().min(10).default(2_000),
      POST_POLL_MAX_MS: z.coerce.number().int().min(10).default(30_000),
      /** First delay before a post whose create failed transiently (429, 5xx, timeout) is sent again. */
      POST_RETRY_DELAY_SECONDS: z.coerce.number().min(0).default(30),
      /** Sends of one post before it is marked failed. */
      POST_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
      /** Signs session cookies. Required in production; development keeps one under .data/. */
      BETTER_AUTH_SECRET: z.string().min(32).optional(),
      /** More origins allowed to make cookie-authenticated calls (comma-separated). */
      TRUSTED_ORIGINS: list,
      /**
       * Proxies allowed to report the client address in X-Forwarded-For: a hop count (`true` = 1,
       * e.g. Render) or proxy addresses/CIDRs. Unset: nobody (see src/trust-proxy.ts).
       */
      TRUST_PROXY: z
        .string()
        .optional()
        .transform((v, ctx) => {
          try {
            return parseTrustProxy(v);
          } catch (error) {
            ctx.addIssue({ code: "custom", message: (error as Error).message });
            return z.NEVER;
          }
        }),
      /** Sign-in attempts per client IP per minute. */
      AUTH_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).default(5),
      /** Failed sign-ins per account (e-mail) across all addresses, per AUTH_ACCOUNT_WINDOW_MINUTES. */
      AUTH_ACCOUNT_FAILURES: z.coerce.number().int().min(1).default(10),
      AUTH_ACCOUNT_WINDOW_MINUTES: z.coerce.number().positive().default(15),
      // --- OpenTelemetry (README "Observability"); everything off by default. ---
      /**
       * Metrics: `none` (default: no SDK, every instrument a no-op), `prometheus` (a scrape endpoint
       * on its own port, METRICS_HOST:METRICS_PORT/metrics, never on the public PORT) or `otlp`
       * (pushed to OTEL_EXPORTER_OTLP_ENDPOINT every OTEL_METRIC_EXPORT_INTERVAL ms).
       */
      METRICS_EXPORTER: z.enum(["none", "prometheus", "otlp"]).default("none"),
      /** The Prometheus endpoint's address: loopback by default; a private-network address to scrape it from elsewhere. */
      METRICS_HOST: z.string().default("127.0.0.1"),
      /** The Prometheus endpoint's port (9464, OpenTelemetry's registered default; 0 = any free one). */
      METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
      /** Traces: `none` (default) or `otlp` (to OTEL_EXPORTER_OTLP_ENDPOINT / ..._TRACES_ENDPOINT). */
      TRACES_EXPORTER: z.enum(["none", "otlp"]).default("none"),
      /** OTLP metric push interval, ms (the SDK's variable; 60 s). */
      OTEL_METRIC_EXPORT_INTERVAL: z.coerce.number().int().min(50).default(60_000),
      /**
       * Tests only: trust an `x-streamline-user` header as the caller. Refused in production.
       * Never set it on a server anyone else can reach.
       */
      AUTH_DEV_HEADER: bool,
    },
    runtimeEnv,
    emptyStringAsUndefined: true,
  });
}

/** Fails start-up on settings that must never reach production. */
export function assertSafeForProduction(env: Env): void {
  if (env.NODE_ENV !== "production") return;
  if (env.AUTH_DEV_HEADER) throw new Error("AUTH_DEV_HEADER must not be set in production.");
  if (!env.BETTER_AUTH_SECRET)
    throw new Error("BETTER_AUTH_SECRET (32+ characters) is required in production.");
}

export type Env = ReturnType<typeof loadEnv>;
