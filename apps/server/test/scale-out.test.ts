// The durability and scale-out promises, with real processes on one PostgreSQL database:
// a worker killed mid-poll resumes without a second provider job, and a subscription on one
// server sees a job that another process runs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDb, type TestDb } from "@streamline/db/testing";
import type { createOpenAIMock } from "@streamline/fakes/providers";
import { OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEvents, startTestServer, type TestServer } from "./harness";
import {
  type ChildRun,
  startOpenAIMockServer,
  startProcess,
  stopProcess,
  waitFor,
} from "./processes";

type Event = { status: string; progress: number; kind: string };

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("processes on one PostgreSQL", () => {
  let providerMock: Awaited<ReturnType<typeof startOpenAIMockServer>>;
  let openai: ReturnType<typeof createOpenAIMock>;
  let db: TestDb;
  let api: TestServer;
  let mediaDir: string;
  let env: Record<string, string>;
  const children: ChildRun[] = [];

  beforeAll(async () => {
    providerMock = await startOpenAIMockServer();
    openai = providerMock.openai;
    db = await createTestDb("postgres");
    mediaDir = await mkdtemp(path.join(tmpdir(), "streamline-media-"));
    env = {
      NODE_ENV: "test",
      DATABASE_URL: db.databaseUrl as string,
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      OPENAI_BASE_URL: providerMock.baseURL,
      MEDIA_ENABLE_MODELS: "sora-2",
      MEDIA_DIR: mediaDir,
      MEDIA_POLL_MIN_MS: "150",
      MEDIA_POLL_MAX_MS: "150",
      PROVIDER_RETRY_MIN_DELAY_MS: "5",
      // Takeover timing is the product's defaults (heartbeat 10 s, supervision 5 s, retry delay 1 s).
      GEMINI_API_KEY: "",
    };
    // This test process is "server A": it serves tRPC but runs no worker.
    api = await startTestServer("postgres", env, { worker: false, db });
  });

  afterAll(async () => {
    for (const child of children) await stopProcess(child, "SIGKILL");
    await api?.close();
    await db?.close();
    await providerMock?.close();
    if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
  });

  it("a worker killed while polling resumes the saved provider job and never creates a second", async () => {
    const worker = await startProcess("worker", env, /generation worker started/);
    children.push(worker);
    const client = api.client("crash-user");
    const { asset } = await client.media.generate.mutate({
      type: "video",
      model: "sora-2",
      prompt: "Crash test",
      options: { seconds: 4 },
    });
    // Wait until the worker is polling the saved provider job, then kill it outright.
    await waitFor(async () => openai.requestsTo("videos.retrieve").length >= 3, 30_000);
    const saved = await db.db
      .selectFrom("media_assets")
      .selectAll()
      .where("id", "=", asset.id)
      .executeTakeFirstOrThrow();
    expect(saved.provider_job_id).toMatch(/^video_/);
    expect(saved.status).toBe("running");
    await stopProcess(worker, "SIGKILL");
    const killedAt = Date.now();
    const pollsBefore = openai.requestsTo("videos.retrieve").length;

    const restarted = await startProcess("worker", env, /generation worker started/);
    children.push(restarted);
    await waitFor(async () => openai.requestsTo("videos.retrieve").length > pollsBefore, 60_000);
    const takeoverMs = Date.now() - killedAt;
    console.log(
      `[figures] crash takeover on PostgreSQL: ${(takeoverMs / 1000).toFixed(1)} s from SIGKILL to the resumed poll`,
    );
    // Heartbeat 10 s + supervision 5 s + retry 1 s ≈ 16 s; the bound leaves room for a loaded machine.
    expect(takeoverMs).toBeLessThanOrEqual(30_000);
    await waitFor(
      async () => (await client.media.byId.query({ id: asset.id })).status === "succeeded",
      90_000,
    );
    expect(openai.requestsTo("videos.create")).toHaveLength(1);
    const done = await client.media.byId.query({ id: asset.id });
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    await stopProcess(restarted);
  }, 150_000);

  it("a subscription on one server sees a job run by another process", async () => {
    const serverB = await startProcess("main", { ...env, PORT: "0" }, /API on (http:\/\/[^\s]+)/);
    children.push(serverB);
    const client = api.client("fanout-user");
    const { asset } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "Seen across processes",
    });
    const events = await collectEvents<Event>(
      (h) => client.media.onProgress.subscribe({ assetId: asset.id }, h),
      (got) => got.some((e) => e.status === "succeeded"),
      60_000,
    );
    expect(events.map((e) => e.status)).toContain("running");
    expect(events.at(-1)?.progress).toBe(100);
    // And the file the other process stored is served by server B's /media.
    const done = await client.media.byId.query({ id: asset.id });
    const file = await fetch(`${serverB.url}${done.resultUrl}`);
    expect(file.status).toBe(200);
    await stopProcess(serverB);
  }, 120_000);
});
