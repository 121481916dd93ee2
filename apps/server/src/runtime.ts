// Builds everything a server or worker process needs from the validated environment, once.
import type { Readable } from "node:stream";
import type { ApiDeps, SessionUser } from "@streamline/api";
import {
  createDb,
  createMediaEventListener,
  type DbHandle,
  type MediaAsset,
  migrateToLatest,
  workspaceRoot,
} from "@streamline/db";
import {
  createGenerationQueue,
  type GenerationDeps,
  startGenerationWorker,
} from "@streamline/jobs";
import {
  createMediaProviders,
  loadReferenceImage,
  type ReferenceImage,
} from "@streamline/providers";
import { type MediaStorage, storageFromEnv } from "@streamline/storage";
import type { Env } from "./env";

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;

export async function createRuntime(
  env: Env,
  overrides: { fetch?: typeof fetch; handle?: DbHandle } = {},
) {
  const handle: DbHandle =
    overrides.handle ??
    (await createDb({ databaseUrl: env.DATABASE_URL, pgliteDataDir: env.PGLITE_DATA_DIR }));
  await migrateToLatest(handle.db);

  const retry = {
    minDelayMs: env.PROVIDER_RETRY_MIN_DELAY_MS,
    maxDelayMs: env.PROVIDER_RETRY_MIN_DELAY_MS * 8,
  };
  const providers = createMediaProviders({
    openai: {
      apiKey: env.OPENAI_API_KEY,
      baseURL: env.OPENAI_BASE_URL,
      fetch: overrides.fetch,
      retry,
    },
    google: {
      apiKey: env.GEMINI_API_KEY,
      baseURL: env.GEMINI_BASE_URL,
      fetch: overrides.fetch,
      retry,
    },
    enabledModels: env.MEDIA_ENABLE_MODELS,
  });
  const storage = storageFromEnv(
    {
      MEDIA_DIR: env.MEDIA_DIR,
      S3_BUCKET: env.S3_BUCKET,
      S3_REGION: env.S3_REGION,
      S3_ENDPOINT: env.S3_ENDPOINT,
      S3_FORCE_PATH_STYLE: env.S3_FORCE_PATH_STYLE ? "true" : undefined,
      S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
      S3_PUBLIC_BASE_URL: env.S3_PUBLIC_BASE_URL,
    },
    { mediaDir: `${workspaceRoot()}/.data/media`, publicBaseUrl: "/media" },
  );
  const queue = await createGenerationQueue(handle, {
    heartbeatSeconds: env.JOB_HEARTBEAT_SECONDS,
    superviseIntervalSeconds: env.JOB_SUPERVISE_SECONDS,
    retryDelaySeconds: env.JOB_RETRY_DELAY_SECONDS,
  });
  const events = createMediaEventListener(handle);
  await events.ready;

  const api: ApiDeps = {
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
      // Development sign-in until real accounts arrive: one function, so nothing else changes then.
      const id = headers.get("x-streamline-user")?.trim() || env.DEV_USER_ID;
      return /^[A-Za-z0-9_.@-]{1,100}$/.test(id) ? { id } : null;
    },
  };

  const generation: GenerationDeps = {
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

  let worker: { stop(): Promise<void> } | undefined;
  return {
    env,
    handle,
    api,
    queue,
    events,
    storage,
    providers,
    async startWorker() {
      worker ??= await startGenerationWorker(queue, generation, {
        concurrency: env.WORKER_CONCURRENCY,
      });
    },
    async close() {
      await worker?.stop().catch(() => {});
      await queue.stop().catch(() => {});
      await events.close().catch(() => {});
      await handle.close().catch(() => {});
    },
  };
}

/** The reference photo saved with an asset, read back for the provider call. */
async function readStoredReference(
  storage: MediaStorage,
  asset: MediaAsset,
): Promise<ReferenceImage | undefined> {
  const key = (asset.metadata.storage as { referenceKey?: string | null } | undefined)
    ?.referenceKey;
  const info = asset.metadata.reference as ReferenceImage | undefined;
  if (!key || !info) return undefined;
  let bytes: Uint8Array;
  if (storage.openObject) {
    const opened = await storage.openObject(key);
    if (!opened) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream as Readable) chunks.push(Buffer.from(chunk));
    bytes = new Uint8Array(Buffer.concat(chunks));
  } else {
    const response = await fetch(await storage.urlFor(key));
    if (!response.ok) return undefined;
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  return { data: bytes, mimeType: info.mimeType, width: info.width, height: info.height };
}
