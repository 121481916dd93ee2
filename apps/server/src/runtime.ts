// Builds everything a server or worker process needs from the validated environment, once.

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ApiDeps, SessionUser } from "@streamline/api";
import { createAuth, resolveCaller, verifyUserPassword } from "@streamline/auth";
import {
  assetMetadataOf,
  createDb,
  createMediaEventListener,
  type DbHandle,
  ensureUserRow,
  type MediaAsset,
  migrateToLatest,
  workspaceRoot,
} from "@streamline/db";
import {
  createAnalyticsQueue,
  createGenerationQueue,
  createPostingQueue,
  GENERATION_QUEUE,
  type GenerationDeps,
  type PostingDeps,
  startAnalyticsWorker,
  startGenerationWorker,
  startPostingWorker,
} from "@streamline/jobs";
import { logger } from "@streamline/log";
import {
  captionPriceOf,
  createCaptioner,
  createGoogle,
  createMediaProviders,
  createOpenAI,
  DEFAULT_CAPTION_MODELS,
  findCaptionModel,
  findModelSpec,
  loadReferenceImage,
  type MediaProviders,
  parseCaptionPrices,
  type ReferenceImage,
} from "@streamline/providers";
import { createZernio, type ZernioClient } from "@streamline/social";
import { type MediaStorage, readStoredObject, storageFromEnv } from "@streamline/storage";
import { loadCatalogFile } from "./catalog-file";
import { assertSafeForProduction, type Env } from "./env";
import { setUpLogging } from "./logging";
import { startProcessTelemetry } from "./telemetry";

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;

/** Offline demo mode's wiring (src/demo): imported only when the server runs in demo mode. */
type DemoMode = typeof import("./demo/index");

export async function createRuntime(
  env: Env,
  overrides: { fetch?: typeof fetch; handle?: DbHandle; service?: string } = {},
) {
  assertSafeForProduction(env);
  setUpLogging(env);
  // Before any connection: a catalog file that does not validate stops start-up at once.
  const catalogFileModels: string[] = [];
  if (env.MEDIA_CATALOG_FILE) {
    const added = loadCatalogFile(env.MEDIA_CATALOG_FILE);
    catalogFileModels.push(...added.models, ...added.captionModels);
    if (catalogFileModels.length)
      logger.info(`[server] MEDIA_CATALOG_FILE added ${catalogFileModels.join(", ")}`);
  }
  const webDistDir = env.WEB_DIST_DIR ?? path.join(workspaceRoot(), "apps", "web", "dist");
  const handle: DbHandle =
    overrides.handle ??
    (await createDb({ databaseUrl: env.DATABASE_URL, pgliteDataDir: env.PGLITE_DATA_DIR }));
  await migrateToLatest(handle.db);

  // Demo mode never turns on when a real key is set.
  const demo =
    !env.OPENAI_API_KEY &&
    !env.GEMINI_API_KEY &&
    (env.MEDIA_DEMO ?? env.NODE_ENV === "development");
  // The fakes (and msw under them) load only here, only in demo mode.
  const demoMode: DemoMode | undefined = demo ? await import("./demo/index") : undefined;
  const kits = createProviderKits(env, demoMode, overrides.fetch);
  const providers = createMediaProviders({
    openai: kits.openai,
    google: kits.google,
    enabledModels: env.MEDIA_ENABLE_MODELS,
    disabledModels: env.MEDIA_DISABLE_MODELS,
  });
  const storage = createStorage(env);
  const queue = await createGenerationQueue(handle, {
    heartbeatSeconds: env.JOB_HEARTBEAT_SECONDS,
    superviseIntervalSeconds: env.JOB_SUPERVISE_SECONDS,
    retryDelaySeconds: env.JOB_RETRY_DELAY_SECONDS,
  });
  const social = createSocialRuntime(env, demoMode, overrides.fetch);
  const analyticsQueue = await createAnalyticsQueue(queue.boss);
  const postingQueue = await createPostingQueue(queue.boss, {
    heartbeatSeconds: env.JOB_HEARTBEAT_SECONDS,
    retryDelaySeconds: env.JOB_RETRY_DELAY_SECONDS,
  });
  const captions = createCaptionRuntime(env, providers, demo);
  const events = createMediaEventListener(handle);
  await events.ready;
  // --- OpenTelemetry (src/telemetry.ts): exporters per METRICS_EXPORTER / TRACES_EXPORTER. ---
  const telemetry = await startProcessTelemetry(env, {
    handle,
    events,
    boss: queue.boss,
    service: overrides.service ?? "streamline-server",
  });

  const origins = trustedOrigins(env);
  const auth = createAuth({
    db: handle.db,
    baseURL: origins[0] as string,
    trustedOrigins: origins.slice(1),
    secret: env.BETTER_AUTH_SECRET ?? developmentSecret(),
    signInAttemptsPerMinute: env.AUTH_SIGN_IN_PER_MINUTE,
    accountLimit: {
      maxFailures: env.AUTH_ACCOUNT_FAILURES,
      windowSeconds: env.AUTH_ACCOUNT_WINDOW_MINUTES * 60,
    },
  });

  const defaultModels = {
    openai: { image: env.OPENAI_IMAGE_MODEL, video: env.OPENAI_VIDEO_MODEL },
    google: { image: env.GEMINI_IMAGE_MODEL, video: env.GEMINI_VIDEO_MODEL },
  } as const;
  assertDefaultModels(defaultModels);

  const api = createApiDeps(env, {
    demo,
    webDistDir,
    handle,
    providers,
    storage,
    queue,
    events,
    auth,
    origins,
    captions,
    social,
    postingQueue,
    defaultModels,
  });

  const posting = createPostingDeps(env, { handle, storage, social, postingQueue });
  const generation = createGenerationDeps(env, { handle, providers, storage });

  const workers = createWorkers(env, {
    handle,
    social,
    queue,
    postingQueue,
    analyticsQueue,
    generation,
    posting,
  });
  const draining = new AbortController();
  return {
    env,
    webDistDir,
    demo,
    handle,
    auth,
    api,
    queue,
    events,
    storage,
    providers,
    /** The OpenAI kit (the start-up catalog check reads its model list). */
    openai: kits.openai,
    /** The model ids MEDIA_CATALOG_FILE added. */
    catalogFileModels,
    posting,
    social,
    /** OpenTelemetry's exporters (undefined when both are `none`). */
    telemetry,
    startWorker: workers.start,
    /** Fires when shutdown starts: /readyz answers 503 and open progress streams end. */
    draining: draining.signal,
    /** Whether the database and the queue answer (GET /readyz). */
    ready: () => checkReady(handle, queue),
    /**
     * Shutdown's first step: not ready any more, and running jobs stop at their next safe point
     * (see GenerationWorker.drain) instead of being cut off.
     */
    drain() {
      if (!draining.signal.aborted) draining.abort();
      workers.drain();
    },
    /**
     * Stops fetching jobs, gives running ones `graceMs` to reach a safe point or finish (then
     * aborts them: their jobs are retried and resume from the row), and closes the connections.
     */
    async close(options: { graceMs?: number } = {}) {
      await workers.stop();
      await queue.stop({ timeoutMs: options.graceMs }).catch(() => {});
      await events.close().catch(() => {});
      await handle.close().catch(() => {});
      await telemetry?.shutdown(); // --- OpenTelemetry: the last metrics and spans pushed
    },
  };
}

/**
 * The job workers of this process (generation, posting and, with ZERNIO_ANALYTICS_PER_MINUTE > 0,
 * post analytics), started once by `start`; `drain` asks running jobs to stop at a safe point.
 */
function createWorkers(
  env: Env,
  parts: {
    handle: DbHandle;
    social: ReturnType<typeof createSocialRuntime>;
    queue: Awaited<ReturnType<typeof createGenerationQueue>>;
    postingQueue: Awaited<ReturnType<typeof createPostingQueue>>;
    analyticsQueue: Awaited<ReturnType<typeof createAnalyticsQueue>>;
    generation: GenerationDeps;
    posting: PostingDeps;
  },
) {
  let worker: { drain(): void; stop(): Promise<void> } | undefined;
  let postingWorker: { drain(): void; stop(): Promise<void> } | undefined;
  let analyticsWorker: { stop(): Promise<void> } | undefined;
  const options = {
    concurrency: env.WORKER_CONCURRENCY,
    pollingIntervalSeconds: env.JOB_POLL_SECONDS,
  };
  return {
    async start() {
      worker ??= await startGenerationWorker(parts.queue, parts.generation, options);
      postingWorker ??= await startPostingWorker(parts.postingQueue, parts.posting, options);
      // Post analytics: a tick a minute reads what is due within ZERNIO_ANALYTICS_PER_MINUTE.
      if (env.ZERNIO_ANALYTICS_PER_MINUTE > 0) {
        analyticsWorker ??= await startAnalyticsWorker(
          parts.analyticsQueue,
          {
            db: parts.handle.db,
            zernio: parts.social.zernio,
            callsPerMinute: env.ZERNIO_ANALYTICS_PER_MINUTE,
          },
          {
            tickSeconds: env.ZERNIO_ANALYTICS_TICK_SECONDS,
            pollingIntervalSeconds: Math.min(5, env.ZERNIO_ANALYTICS_TICK_SECONDS),
          },
        );
      }
    },
    drain() {
      worker?.drain();
      postingWorker?.drain();
    },
    async stop() {
      await worker?.stop().catch(() => {});
      await postingWorker?.stop().catch(() => {});
      await analyticsWorker?.stop().catch(() => {});
    },
  };
}

/** Local disk or S3, from the S3_* / MEDIA_DIR variables. */
function createStorage(env: Env): MediaStorage {
  return storageFromEnv(
    {
      MEDIA_DIR: env.MEDIA_DIR,
      S3_BUCKET: env.S3_BUCKET,
      S3_REGION: env.S3_REGION,
      S3_ENDPOINT: env.S3_ENDPOINT,
      S3_FORCE_PATH_STYLE: env.S3_FORCE_PATH_STYLE ? "true" : undefined,
      S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
      S3_PUBLIC_BASE_URL: env.S3_PUBLIC_BASE_URL,
      S3_SIGNED_URL_SECONDS: env.S3_SIGNED_URL_SECONDS,
    },
    { mediaDir: `${workspaceRoot()}/.data/media`, publicBaseUrl: "/media" },
  );
}

/** The catalog must have each configured default model, of its provider and media type. */
function assertDefaultModels(
  defaultModels: Readonly<Record<string, Readonly<Record<string, string>>>>,
): void {
  for (const [provider, byType] of Object.entries(defaultModels)) {
    for (const [type, id] of Object.entries(byType)) {
      const spec = findModelSpec(id);
      if (!spec || spec.provider !== provider || spec.type !== type) {
        throw new Error(
          `The default ${provider} ${type} model "${id}" is not a ${provider} ${type} model in the catalog.`,
        );
      }
    }
  }
}

/** What the tRPC API is given: the runtime's parts, its limits from env, and who is calling. */
function createApiDeps(
  env: Env,
  parts: {
    demo: boolean;
    webDistDir: string;
    handle: DbHandle;
    providers: MediaProviders;
    storage: MediaStorage;
    queue: ApiDeps["queue"];
    events: ApiDeps["events"];
    auth: ReturnType<typeof createAuth>;
    origins: string[];
    captions: ApiDeps["captions"];
    social: ReturnType<typeof createSocialRuntime>;
    postingQueue: NonNullable<ApiDeps["social"]>["queue"];
    defaultModels: ApiDeps["defaultModels"];
  },
): ApiDeps {
  const { demo, webDistDir, handle, providers, storage, queue, events, auth, origins } = parts;
  const { captions, social, postingQueue, defaultModels } = parts;
  /** AUTH_DEV_HEADER callers whose user row exists (tests only). */
  const devUsers = new Set<string>();
  return {
    demo,
    defaultModels,
    db: handle.db,
    providers,
    storage,
    queue,
    events,
    limits: {
      maxConcurrentPerUser: env.MEDIA_MAX_CONCURRENT_PER_USER,
      dailySpendUsd: env.MEDIA_DAILY_SPEND_USD,
      referenceImageMaxBytes: env.MEDIA_REFERENCE_MAX_BYTES,
    },
    loadReferenceImage: (source) =>
      loadReferenceImage(source, { maxBytes: env.MEDIA_REFERENCE_MAX_BYTES }),
    resolveUser: async ({ headers }): Promise<SessionUser | null> => {
      const devUser = env.AUTH_DEV_HEADER ? headers.get("x-streamline-user")?.trim() : undefined;
      if (devUser && /^[A-Za-z0-9_.@-]{1,100}$/.test(devUser)) {
        // Rows a user owns reference their user row (foreign keys): the test caller gets one.
        if (!devUsers.has(devUser)) {
          await ensureUserRow(handle.db, devUser);
          devUsers.add(devUser);
        }
        return { id: devUser, method: "api-key" };
      }
      return resolveCaller(auth, handle.db, headers, events.apiKeys);
    },
    verifyPassword: ({ headers, email }, password) =>
      verifyUserPassword(auth, headers, password, {
        db: handle.db,
        email,
        limit: {
          maxFailures: env.AUTH_ACCOUNT_FAILURES,
          windowSeconds: env.AUTH_ACCOUNT_WINDOW_MINUTES * 60,
        },
      }),
    trustedOrigins: origins,
    streams: {
      maxPerUser: env.MEDIA_MAX_STREAMS_PER_USER,
      recheckMs: env.MEDIA_STREAM_RECHECK_SECONDS * 1000,
    },
    captions,
    social: {
      zernio: social.zernio,
      demo: social.demo,
      queue: postingQueue,
      // Per-user Zernio profiles unless ZERNIO_SHARED_ACCOUNTS=1. Connect returns to the studio
      // page the call came from (a trusted Origin), else to APP_ORIGIN — in development without
      // one and without a build, the Vite dev server's studio (this port answers only the API).
      sharedAccounts: env.ZERNIO_SHARED_ACCOUNTS,
      appOrigin:
        env.APP_ORIGIN === undefined &&
        env.NODE_ENV !== "production" &&
        !existsSync(path.join(webDistDir, "index.html"))
          ? `http://localhost:${env.WEB_PORT}`
          : origins[0],
      postsPerMinute: env.SOCIAL_POSTS_PER_MINUTE,
    },
  };
}

/** The posting worker's dependencies. */
function createPostingDeps(
  env: Env,
  parts: {
    handle: DbHandle;
    storage: MediaStorage;
    social: ReturnType<typeof createSocialRuntime>;
    postingQueue: PostingDeps["queue"];
  },
): PostingDeps {
  const { handle, storage, social, postingQueue } = parts;
  return {
    db: handle.db,
    storage,
    zernio: social.zernio,
    sharedAccounts: env.ZERNIO_SHARED_ACCOUNTS,
    queue: postingQueue,
    publicMediaBaseUrl: env.MEDIA_PUBLIC_BASE_URL,
    uploadReuseMs: env.ZERNIO_UPLOAD_REUSE_MINUTES * 60_000,
    poll: { minIntervalMs: env.POST_POLL_MIN_MS, maxIntervalMs: env.POST_POLL_MAX_MS },
    retryDelayMs: env.POST_RETRY_DELAY_SECONDS * 1000,
    maxAttempts: env.POST_MAX_ATTEMPTS,
  };
}

/** The generation worker's dependencies. */
function createGenerationDeps(
  env: Env,
  parts: { handle: DbHandle; providers: MediaProviders; storage: MediaStorage },
): GenerationDeps {
  const { handle, providers, storage } = parts;
  return {
    db: handle.db,
    providers,
    storage,
    loadReferenceImage: (asset) => readStoredReference(storage, asset),
    poll: {
      minIntervalMs: env.MEDIA_POLL_MIN_MS,
      maxIntervalMs: env.MEDIA_POLL_MAX_MS,
      timeoutMs: {
        image: env.MEDIA_IMAGE_TIMEOUT_SECONDS * 1000,
        video: env.MEDIA_VIDEO_TIMEOUT_SECONDS * 1000,
      },
    },
  };
}

/** Readiness: one trivial query on the product pool, and one through pg-boss's own connections. */
async function checkReady(
  handle: DbHandle,
  queue: { boss: { getQueue(name: string): Promise<unknown> } },
): Promise<{ database: boolean; queue: boolean }> {
  const within = <T>(work: Promise<T>) =>
    Promise.race([
      work.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), READY_TIMEOUT_MS).unref()),
    ]).catch(() => false);
  const [database, queueUp] = await Promise.all([
    within(handle.db.selectNoFrom((eb) => eb.val(1).as("ok")).execute()),
    within(queue.boss.getQueue(GENERATION_QUEUE)),
  ]);
  return { database, queue: queueUp };
}

/** A readiness check that takes longer than this counts as down. */
const READY_TIMEOUT_MS = 2_000;

/**
 * Zernio: ZERNIO_API_KEY (or the deprecated LATE_API_KEY, with one warning); in offline demo mode
 * without a key, the in-process demo fake; otherwise none (posting is off, the studio says so).
 */
function createSocialRuntime(
  env: Env,
  demoMode: DemoMode | undefined,
  fetchOverride: typeof fetch | undefined,
): { zernio: ZernioClient | undefined; demo: boolean; webhookSecret: string | undefined } {
  const retry = {
    baseDelayMs: env.ZERNIO_RETRY_MIN_DELAY_MS,
    maxDelayMs: env.ZERNIO_RETRY_MIN_DELAY_MS * 16,
  };
  const timeoutMs = env.ZERNIO_TIMEOUT_SECONDS * 1000;
  const webhookSecret = env.ZERNIO_WEBHOOK_SECRET;
  if (!env.ZERNIO_API_KEY && env.LATE_API_KEY) {
    logger.warn(
      "[server] LATE_API_KEY is deprecated (Late is now Zernio): rename it to ZERNIO_API_KEY.",
    );
  }
  const apiKey = env.ZERNIO_API_KEY ?? env.LATE_API_KEY;
  if (apiKey) {
    const zernio = createZernio({
      apiKey,
      baseURL: env.ZERNIO_BASE_URL,
      fetch: fetchOverride,
      retry,
      timeoutMs,
    });
    return { zernio, demo: false, webhookSecret };
  }
  if (demoMode) {
    const fake = demoMode.createSocialDemo();
    const zernio = createZernio({ ...fake, retry, timeoutMs });
    return { zernio, demo: true, webhookSecret };
  }
  return { zernio: undefined, demo: false, webhookSecret };
}

/**
 * One kit per vendor (its SDK client, key and call wrapper), shared by media generation and
 * captions; in demo mode the kits talk to the in-process mocks.
 */
function createProviderKits(
  env: Env,
  demoMode: DemoMode | undefined,
  fetch: typeof globalThis.fetch | undefined,
) {
  const demoProviders = demoMode?.createDemoProviders();
  const retry = {
    minDelayMs: env.PROVIDER_RETRY_MIN_DELAY_MS,
    maxDelayMs: env.PROVIDER_RETRY_MIN_DELAY_MS * 8,
  };
  const timeouts = {
    createMs: {
      image: env.PROVIDER_CREATE_TIMEOUT_SECONDS_IMAGE * 1000,
      video: env.PROVIDER_CREATE_TIMEOUT_SECONDS_VIDEO * 1000,
    },
    statusMs: env.PROVIDER_STATUS_TIMEOUT_SECONDS * 1000,
    downloadIdleMs: env.PROVIDER_DOWNLOAD_IDLE_SECONDS * 1000,
  };
  const openai = demoProviders?.openai ?? {
    apiKey: env.OPENAI_API_KEY,
    baseURL: env.OPENAI_BASE_URL,
    fetch,
    retry,
    timeouts,
  };
  const google = demoProviders?.google ?? {
    apiKey: env.GEMINI_API_KEY,
    baseURL: env.GEMINI_BASE_URL,
    fetch,
    retry,
    timeouts,
  };
  return {
    openai: createOpenAI(openai),
    google: createGoogle(google),
  };
}

/**
 * The captioner on the media registry (the same kits, availability and "not configured" answers);
 * CAPTION_MODEL checked here.
 */
function createCaptionRuntime(env: Env, providers: MediaProviders, demo: boolean) {
  const defaultModel =
    env.CAPTION_MODEL ??
    (providers.isConfigured("openai") || !providers.isConfigured("google")
      ? DEFAULT_CAPTION_MODELS.openai
      : DEFAULT_CAPTION_MODELS.google);
  if (!findCaptionModel(defaultModel)) {
    throw new Error(`CAPTION_MODEL "${defaultModel}" is not a caption model in the catalog.`);
  }
  const captioner = createCaptioner({
    providers,
    timeoutMs: env.CAPTION_TIMEOUT_SECONDS * 1000,
  });
  let prices: ReturnType<typeof parseCaptionPrices>;
  try {
    prices = parseCaptionPrices(env.CAPTION_MODEL_PRICES);
  } catch (error) {
    throw new Error(`CAPTION_MODEL_PRICES: ${(error as Error).message}.`);
  }
  const defaultSpec = findCaptionModel(defaultModel);
  if (!demo && defaultSpec && !captionPriceOf(defaultSpec, prices)) {
    // Refused at request time (its cost could not be capped); said once here too.
    logger.warn(
      `[captions] ${defaultModel} has no published price: captions with it are refused until CAPTION_MODEL_PRICES sets one (${defaultModel}=<input>/<output> US dollars per million tokens).`,
    );
  }
  return {
    captioner,
    defaultModel,
    prices,
    ratePerMinute: env.CAPTION_RATE_PER_MINUTE,
  };
}

/** The reference photo saved with an asset, read back for the provider call. */
async function readStoredReference(
  storage: MediaStorage,
  asset: MediaAsset,
): Promise<ReferenceImage | undefined> {
  const metadata = assetMetadataOf(asset);
  const key = metadata.storage?.referenceKey;
  const info = metadata.reference;
  if (!key || !info) return undefined;
  const data = await readStoredObject(storage, key);
  return data
    ? { data, mimeType: info.mimeType, width: info.width, height: info.height }
    : undefined;
}

/** The studio's origin first, then every other origin allowed to send cookie-authenticated calls. */
function trustedOrigins(env: Env): string[] {
  const origins = [
    env.APP_ORIGIN ?? `http://localhost:${env.PORT || 3000}`,
    ...env.TRUSTED_ORIGINS,
  ];
  if (env.NODE_ENV !== "production") {
    // The Vite dev server (on WEB_PORT, the port `pnpm dev` gives it) and the loopback spellings
    // of the local server.
    origins.push(
      `http://localhost:${env.WEB_PORT}`,
      `http://127.0.0.1:${env.WEB_PORT}`,
      `http://127.0.0.1:${env.PORT || 3000}`,
    );
  }
  return [...new Set(origins.map((o) => new URL(o).origin))];
}

/** Development only: a random secret kept under .data/ so sessions survive restarts. */
function developmentSecret(): string {
  const file = path.join(workspaceRoot(), ".data", "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
