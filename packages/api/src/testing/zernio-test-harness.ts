// Test-only: social procedures against the Zernio fake (msw intercepts the real client's fetch),
// in shared-accounts mode so every fake account is the caller's, and the posting job run in-process
// on demand (`send`) instead of a worker.

import type { TestBackend } from "@streamline/db/testing";
import { createZernioFake, type ZernioFake } from "@streamline/fakes/zernio";
import { type PostingDeps, runPost } from "@streamline/jobs";
import { createZernio } from "@streamline/social";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type TestApi, useTestApi } from "./context";

export interface ZernioTestApi {
  api: TestApi;
  zernio: ZernioFake;
  /** Runs the post's job once (create at Zernio, then follow until it settles or defers). */
  send(postId: string): Promise<void>;
  /** Jobs the posting code deferred (enqueueLater), in order. */
  deferred: Array<{ postId: string; at: Date }>;
}

export function useZernioTestApi(
  backend: TestBackend,
  options: { now?: () => Date } = {},
): ZernioTestApi {
  const zernio = createZernioFake({ publishDurationMs: 50 });
  const server = setupServer(...zernio.handlers);
  beforeAll(() => server.listen({ onUnhandledFrame: "bypass" }));
  afterAll(() => server.close());
  beforeEach(() => zernio.reset());
  const client = createZernio({
    apiKey: zernio.apiKey,
    baseURL: zernio.baseURL,
    retry: { attempts: 1, baseDelayMs: 1 },
    timeoutMs: 5_000,
  });
  const deferred: ZernioTestApi["deferred"] = [];
  const api = useTestApi(backend, ({ postingJobs }) => ({
    social: {
      zernio: client,
      demo: false,
      sharedAccounts: true,
      now: options.now,
      queue: {
        enqueue: async (_tx, postId) => {
          postingJobs.push(postId);
          return `job-${postId}`;
        },
      },
    },
  }));
  const deps = (): PostingDeps => ({
    db: api.deps.db,
    storage: api.storage,
    zernio: client,
    sharedAccounts: true,
    queue: {
      enqueueLater: async (postId, at) => {
        deferred.push({ postId, at });
        return `later-${postId}`;
      },
    },
    uploadReuseMs: 0,
    poll: { minIntervalMs: 10, maxIntervalMs: 40, followForMs: 2_000 },
    retryDelayMs: 10,
    logger: () => {},
  });
  return { api, zernio, send: (postId) => runPost(postId, deps()), deferred };
}
