// The set-up every multi-process test on PostgreSQL shares (worker kills, SIGTERM, posting
// crashes, the soaks): a fresh database, the provider fakes on loopback HTTP (so every process —
// workers killed and restarted included — talks to one provider that remembers its jobs), a media
// folder, the env the child processes run with, and an API server in this process.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDb, type TestDb } from "@streamline/db/testing";
import { createOpenAIMock, startMockProviderServer } from "@streamline/fakes/providers";
import { createZernioFake, ZERNIO_MOCK_API_KEY } from "@streamline/fakes/zernio";
import type { RequestHandler } from "msw";
import { startTestServer, type TestServer } from "./harness";
import { giveMockAccounts } from "./social-helpers";

export type PostgresStackOptions = {
  /** Names the media folder (`streamline-<name>-…`). */
  name: string;
  /** The OpenAI key the processes get, and how many polls a video takes; left out: no key. */
  openai?: { apiKey: string; videoPollsToComplete: number };
  /** Zernio's key and base URL for the processes, and how long a publish takes; left out: none. */
  zernio?: { publishDurationMs: number };
  /** Handlers ahead of the fakes' (slowed creates, request recorders), given the fakes' origin. */
  before?: (providersUrl: string) => RequestHandler[];
  /** Handlers after the fakes' (a catch-all answer). */
  after?: (providersUrl: string) => RequestHandler[];
  /** The processes' env on top of the stack's own (poll intervals, limits, grace). */
  env?: Record<string, string>;
  /** Whose the fake Zernio's accounts are (needs `zernio`). */
  accountsFor?: string;
};

export type PostgresStack = {
  db: TestDb;
  /** The API server in this process (dev auth header on; no worker). */
  api: TestServer;
  providersUrl: string;
  openai: ReturnType<typeof createOpenAIMock>;
  zernio: ReturnType<typeof createZernioFake>;
  mediaDir: string;
  /** What a child server or worker runs with. */
  env: Record<string, string>;
  close(): Promise<void>;
};

export async function startPostgresStack(options: PostgresStackOptions): Promise<PostgresStack> {
  const handlers: RequestHandler[] = [];
  const providers = await startMockProviderServer(handlers);
  // Zernio's presigned upload URLs live on an origin of their own.
  const uploads = await startMockProviderServer(handlers);
  // Both fakes answer; the processes reach only those the options give a key.
  const openai = createOpenAIMock({
    baseURL: `${providers.url}/v1`,
    apiKey: options.openai?.apiKey ?? "unused",
    videoPollsToComplete: options.openai?.videoPollsToComplete ?? 12,
  });
  const zernio = createZernioFake({
    baseURL: `${providers.url}/zernio`,
    uploadOrigin: uploads.url,
    publishDurationMs: options.zernio?.publishDurationMs ?? 500,
  });
  handlers.push(
    ...(options.before?.(providers.url) ?? []),
    ...openai.handlers,
    ...zernio.handlers,
    ...(options.after?.(providers.url) ?? []),
  );
  const db = await createTestDb("postgres");
  const mediaDir = await mkdtemp(path.join(tmpdir(), `streamline-${options.name}-`));
  const env: Record<string, string> = {
    NODE_ENV: "test",
    DATABASE_URL: db.databaseUrl as string,
    OPENAI_API_KEY: options.openai?.apiKey ?? "",
    ...(options.openai ? { OPENAI_BASE_URL: `${providers.url}/v1` } : {}),
    GEMINI_API_KEY: "",
    MEDIA_DIR: mediaDir,
    PROVIDER_RETRY_MIN_DELAY_MS: "5",
    ...(options.zernio
      ? {
          ZERNIO_API_KEY: ZERNIO_MOCK_API_KEY,
          ZERNIO_BASE_URL: `${providers.url}/zernio`,
          ZERNIO_RETRY_MIN_DELAY_MS: "5",
        }
      : {}),
    ...options.env,
  };
  const api = await startTestServer(
    "postgres",
    { ...env, AUTH_DEV_HEADER: "1" },
    { worker: false, db },
  );
  if (options.zernio && options.accountsFor)
    await giveMockAccounts(api, zernio, options.accountsFor);
  return {
    db,
    api,
    providersUrl: providers.url,
    openai,
    zernio,
    mediaDir,
    env,
    async close() {
      await api.close();
      await db.close();
      await providers.close();
      await uploads.close();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}
