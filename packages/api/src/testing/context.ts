// Test-only (not exported from the package): an ApiDeps built from fakes, and callers of the real
// router over it. No HTTP and no worker: a procedure runs with its middlewares against a fresh
// database (PGlite, or PostgreSQL when TEST_DATABASE_URL is set) and local storage in a temp folder.
// Providers are the real registry with made-up keys: procedures only read availability from it
// (jobs are captured by the fake queue, never run), so no provider is ever called.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  ensureUserRow,
  insertMediaAsset,
  type MediaAsset,
  type MediaEventListener,
  type NewMediaAsset,
} from "@streamline/db";
import { createTestDb, type TestBackend, type TestDb } from "@streamline/db/testing";
import { createCaptioner, createMediaProviders } from "@streamline/providers";
import { createLocalStorage, type LocalMediaStorage } from "@streamline/storage";
import { afterAll, beforeAll } from "vitest";
import type { ApiContext, ApiDeps, SessionUser } from "../context";
import { createCaller } from "../root";

/** The studio's origin: cookie-authenticated mutations must come from it. */
export const STUDIO_ORIGIN = "http://studio.test";

const KEYS = { apiKey: "sk-test-key-not-real" };
const GEMINI = { apiKey: "AIzaTestKeyNotReal" };

/** Events are published in the database by the procedures; nothing here listens for them. */
const silentEvents: MediaEventListener = {
  subscribe: () => () => {},
  ready: Promise.resolve(),
  close: async () => {},
};

export interface TestApi {
  handle: TestDb;
  deps: ApiDeps;
  storage: LocalMediaStorage;
  /** Asset ids the generation queue was given, in order (one per enqueue call). */
  generationJobs: string[];
  /** Post ids the posting queue was given. */
  postingJobs: string[];
  /**
   * A caller signed in as `userId` (their user row is created): a studio session by default, whose
   * mutations carry the studio's Origin; `method: "api-key"` for an internal app.
   */
  as(
    userId: string,
    options?: { method?: SessionUser["method"]; headers?: Record<string, string> },
  ): Promise<ReturnType<typeof createCaller>>;
  /** A caller with no user (signed out). */
  anonymous(): ReturnType<typeof createCaller>;
  /** Writes an asset row for `userId` (a finished image unless `values` say otherwise). */
  insertAsset(userId: string, values?: Partial<NewMediaAsset>): Promise<MediaAsset>;
  close(): Promise<void>;
}

export async function createTestApi(
  backend: TestBackend,
  overrides: Partial<ApiDeps> = {},
): Promise<TestApi> {
  const handle = await createTestDb(backend);
  const mediaDir = await mkdtemp(path.join(tmpdir(), "streamline-api-test-"));
  const storage = createLocalStorage({ rootDir: mediaDir, publicBaseUrl: "/media" });
  const generationJobs: string[] = [];
  const postingJobs: string[] = [];
  const deps: ApiDeps = {
    demo: false,
    db: handle.db,
    providers: createMediaProviders({ openai: KEYS, google: GEMINI }),
    storage,
    queue: {
      enqueue: async (_tx, assetId) => {
        generationJobs.push(assetId);
        return `job-${assetId}`;
      },
    },
    events: silentEvents,
    limits: { maxConcurrentPerUser: 5, dailySpendUsd: 50, referenceImageMaxBytes: 5_000_000 },
    loadReferenceImage: async () => {
      throw new Error("No reference photos in procedure tests.");
    },
    // Callers are given by `as()`; the context never reads the request for them.
    resolveUser: async () => null,
    defaultModels: {
      openai: { image: "gpt-image-2", video: "sora-2" },
      google: { image: "gemini-3.1-flash-image", video: "gemini-omni-1.1-flash" },
    },
    trustedOrigins: [STUDIO_ORIGIN],
    captions: {
      captioner: createCaptioner({ openai: KEYS, google: GEMINI }),
      defaultModel: "gpt-6.1-terra",
    },
    social: {
      zernio: undefined,
      demo: false,
      queue: {
        enqueue: async (_tx, postId) => {
          postingJobs.push(postId);
          return `job-${postId}`;
        },
      },
    },
    ...overrides,
  };
  const context = (user: SessionUser | null, headers: Record<string, string>): ApiContext => ({
    ...deps,
    user,
    headers: new Headers(headers),
  });
  return {
    handle,
    deps,
    storage,
    generationJobs,
    postingJobs,
    async as(userId, options = {}) {
      await ensureUserRow(handle.db, userId);
      const method = options.method ?? "session";
      const origin: Record<string, string> = method === "session" ? { origin: STUDIO_ORIGIN } : {};
      return createCaller(
        context({ id: userId, method }, { ...origin, ...(options.headers ?? {}) }),
      );
    },
    anonymous: () => createCaller(context(null, { origin: STUDIO_ORIGIN })),
    async insertAsset(userId, values = {}) {
      await ensureUserRow(handle.db, userId);
      const stored = await storage.putObject({
        body: new Uint8Array([137, 80, 78, 71]),
        contentType: "image/png",
        prefix: "image",
      });
      return insertMediaAsset(handle.db, {
        user_id: userId,
        provider: "openai",
        type: "image",
        model: "gpt-image-2",
        prompt: "Creatine gummies in a gym bag, bright morning light",
        status: "succeeded",
        progress: 100,
        width: 1024,
        height: 1024,
        estimated_cost_usd: 0.04,
        cost_usd: 0.04,
        completed_at: new Date(),
        metadata: {
          storage: { resultKey: stored.key, thumbnailKey: null },
          mimeType: "image/png",
          bytes: stored.size,
        },
        ...values,
      });
    },
    async close() {
      await handle.close();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

/**
 * A test API for one describe block: started before its tests, closed after them. The returned
 * object forwards to the running instance, so tests read it like the instance itself.
 */
export function useTestApi(backend: TestBackend): TestApi {
  let instance: TestApi | undefined;
  beforeAll(async () => {
    instance = await createTestApi(backend);
  }, 60_000);
  afterAll(async () => {
    await instance?.close();
  });
  return new Proxy({} as TestApi, {
    get(_target, key) {
      if (!instance) throw new Error("The test API starts in beforeAll: use it inside a test.");
      return Reflect.get(instance, key);
    },
  });
}
