// Starts the real server (Express + tRPC + pg-boss worker) on a loopback port against a fresh
// database, and builds typed clients for it: the way another app would call it.
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createMediaClient } from "@streamline/client";
import { createTestDb, type TestBackend, type TestDb } from "@streamline/db/testing";
import { TRPCClientError } from "@trpc/client";
import { createApp } from "../src/app";
import { loadEnv } from "../src/env";
import { createRuntime, type Runtime } from "../src/runtime";

export const TEST_KEYS = {
  openai: "sk-test-openai-key-123456",
  gemini: "AIzaTestGeminiKey_000000000000000",
};

export type TestServer = {
  url: string;
  runtime: Runtime;
  client(userId?: string | Record<string, string>): ReturnType<typeof createTestClient>;
  close(): Promise<void>;
};

export async function startTestServer(
  backend: TestBackend,
  env: Record<string, string> = {},
  options: { worker?: boolean; db?: TestDb } = {},
): Promise<TestServer> {
  const mediaDir = env.MEDIA_DIR ?? (await mkdtemp(path.join(tmpdir(), "streamline-media-")));
  const db = options.db ?? (await createTestDb(backend));
  const runtime = await createRuntime(
    loadEnv({
      NODE_ENV: "test",
      OPENAI_API_KEY: TEST_KEYS.openai,
      GEMINI_API_KEY: TEST_KEYS.gemini,
      MEDIA_DIR: mediaDir,
      MEDIA_POLL_MIN_MS: "20",
      MEDIA_POLL_MAX_MS: "40",
      PROVIDER_RETRY_MIN_DELAY_MS: "5",
      MEDIA_ENABLE_MODELS: "sora-2",
      // Tests name their caller with x-streamline-user; auth.test.ts covers real sign-in.
      AUTH_DEV_HEADER: "1",
      // Problems only: an access line per call would drown the test output (tests that read
      // lines capture them with @streamline/log/testing; logging.test.ts runs at info).
      LOG_LEVEL: "warn",
      ...env,
    }),
    { handle: db },
  );
  if (options.worker !== false) await runtime.startWorker();
  const server: Server = createApp(runtime).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    runtime,
    client: (userId = "user-a") => createTestClient(url, userId),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await runtime.close();
      if (!options.db) await db.close();
      if (!env.MEDIA_DIR) await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

/** The typed client other apps use (packages/client), calling as `userId` (dev header) or with given headers. */
export function createTestClient(baseUrl: string, userId: string | Record<string, string>) {
  return createMediaClient({
    url: baseUrl,
    headers: typeof userId === "string" ? { "x-streamline-user": userId } : userId,
  });
}

/** Collects subscription events (unwrapping `tracked` envelopes) until `until` says stop. */
export function collectEvents<T>(
  subscribe: (handlers: {
    onData: (tracked: { id: string; data: T }) => void;
    onError: (error: unknown) => void;
  }) => { unsubscribe(): void },
  until: (events: T[]) => boolean,
  timeoutMs = 20_000,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const events: T[] = [];
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(
        new Error(`Timed out after ${events.length} events: ${JSON.stringify(events.slice(-3))}`),
      );
    }, timeoutMs);
    const sub = subscribe({
      onData: ({ data }) => {
        events.push(data);
        if (until(events)) {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(events);
        }
      },
      onError: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
  });
}

/** The tRPC error code a call failed with (BAD_REQUEST, NOT_FOUND …), or undefined. */
export function codeOf(error: unknown): string | undefined {
  return error instanceof TRPCClientError
    ? (error.data as { code?: string } | undefined)?.code
    : undefined;
}

/** The per-field messages of a BAD_REQUEST, as the studio reads them. */
export function fieldErrorsOf(error: unknown): Record<string, string[]> | undefined {
  return error instanceof TRPCClientError
    ? (error.data as { zodError?: { fieldErrors: Record<string, string[]> } | null } | undefined)
        ?.zodError?.fieldErrors
    : undefined;
}

/** The error a promise rejects with, or undefined when it resolves. */
export const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );
