// Durability on the embedded default: the whole server (API + worker + PGlite) is killed with
// SIGKILL while a video is being polled, then restarted on the same data directory. The job
// resumes from the saved provider id and the provider sees exactly one create.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createMediaClient } from "@streamline/client";
import type { createOpenAIMock } from "@streamline/fakes/providers";
import { OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChildRun,
  startOpenAIMockServer,
  startProcess,
  stopProcess,
  waitFor,
} from "./processes";

describe("a killed single-process server on embedded PGlite", () => {
  let providerMock: Awaited<ReturnType<typeof startOpenAIMockServer>>;
  let openai: ReturnType<typeof createOpenAIMock>;
  let dir: string;
  let env: Record<string, string>;
  const children: ChildRun[] = [];

  beforeAll(async () => {
    providerMock = await startOpenAIMockServer();
    openai = providerMock.openai;
    dir = await mkdtemp(path.join(tmpdir(), "streamline-crash-"));
    env = {
      NODE_ENV: "test",
      DATABASE_URL: "",
      PGLITE_DATA_DIR: path.join(dir, "db"),
      MEDIA_DIR: path.join(dir, "media"),
      PORT: "0",
      AUTH_DEV_HEADER: "1",
      BETTER_AUTH_SECRET: "crash-test-secret-0123456789abcdef0123",
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      OPENAI_BASE_URL: providerMock.baseURL,
      GEMINI_API_KEY: "",
      MEDIA_ENABLE_MODELS: "sora-2",
      MEDIA_POLL_MIN_MS: "150",
      MEDIA_POLL_MAX_MS: "150",
      // Takeover timing is the product's defaults (heartbeat 10 s, supervision 5 s, retry delay 1 s).
    };
  });
  afterAll(async () => {
    for (const child of children) await stopProcess(child, "SIGKILL");
    await providerMock?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("resumes the saved provider job after restart and never creates a second", async () => {
    const first = await startProcess("main", env, /API on (http:\/\/[^\s]+)/);
    children.push(first);
    const client = (url: string) =>
      createMediaClient({ url, headers: { "x-streamline-user": "crash-user" } });
    const { asset } = await client(first.url as string).media.generate.mutate({
      type: "video",
      model: "sora-2",
      prompt: "Crash on the embedded database",
      options: { seconds: 4 },
    });
    await waitFor(() => openai.requestsTo("videos.retrieve").length >= 3, 30_000);
    await stopProcess(first, "SIGKILL");
    const killedAt = Date.now();
    const pollsBefore = openai.requestsTo("videos.retrieve").length;

    const second = await startProcess("main", env, /API on (http:\/\/[^\s]+)/);
    children.push(second);
    await waitFor(() => openai.requestsTo("videos.retrieve").length > pollsBefore, 60_000);
    const takeoverMs = Date.now() - killedAt;
    console.log(
      `[figures] crash takeover on PGlite: ${(takeoverMs / 1000).toFixed(1)} s from SIGKILL to the resumed poll`,
    );
    // Heartbeat 10 s + supervision 5 s + retry 1 s ≈ 16 s; the bound leaves room for a loaded machine.
    expect(takeoverMs).toBeLessThanOrEqual(30_000);
    const api = client(second.url as string);
    await waitFor(
      async () => (await api.media.byId.query({ id: asset.id })).status === "succeeded",
      90_000,
    );
    expect(openai.requestsTo("videos.create")).toHaveLength(1);
    const done = await api.media.byId.query({ id: asset.id });
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${second.url}${done.resultUrl}`)).status).toBe(200);
    await stopProcess(second);
  }, 150_000);
});
