// Secrets: sentinel provider keys are planted in the environment of a web build and of a server
// whose providers refuse them (so every failure path runs: 401/400 from OpenAI and Google, logged
// and reported). The built bundle, every tRPC answer (queries, mutations, SSE streams, errors),
// the pages the server serves and all logs contain none of them.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createMediaClient } from "@streamline/client";
import { createGoogleMock, createOpenAIMock } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/harness";
import {
  captureOutput,
  recordFigures,
  recordingFetch,
  SENTINEL,
  secretsIn,
  sleep,
} from "./helpers";

// The providers accept other keys than the ones the server holds: every call is refused.
const openai = createOpenAIMock({ apiKey: "sk-the-right-key-is-not-the-sentinel" });
const google = createGoogleMock({ apiKey: "AIza-the-right-key-is-not-the-sentinel" });
const providerApis = setupServer(...openai.handlers, ...google.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "web");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

describe("secrets never leave the server", () => {
  let server: TestServer;
  let dist: string;
  const output = captureOutput();
  beforeAll(async () => {
    dist = await mkdtemp(path.join(tmpdir(), "streamline-soak-web-"));
    server = await startTestServer("pglite", {
      OPENAI_API_KEY: SENTINEL.openai,
      GEMINI_API_KEY: SENTINEL.gemini,
      MEDIA_ENABLE_MODELS: "sora-2",
      MEDIA_MAX_CONCURRENT_PER_USER: "100",
      MEDIA_POLL_MIN_MS: "20",
      // Every line the logger can write is scanned, access lines and debug included.
      LOG_LEVEL: "debug",
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    output.stop();
    if (dist) await rm(dist, { recursive: true, force: true });
  });

  it("keeps the sentinel keys out of the web bundle", () => {
    // The build sees the keys in its environment, as a careless CI or `.env` would give it.
    execFileSync(
      process.execPath,
      [
        path.join(webDir, "node_modules", "vite", "bin", "vite.js"),
        "build",
        "--outDir",
        dist,
        "--emptyOutDir",
        "--logLevel",
        "warn",
      ],
      {
        cwd: webDir,
        env: {
          ...process.env,
          OPENAI_API_KEY: SENTINEL.openai,
          GEMINI_API_KEY: SENTINEL.gemini,
          STREAMLINE_API_KEY: SENTINEL.openai,
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const bundles = [
      dist,
      ...(existsSync(path.join(webDir, "dist")) ? [path.join(webDir, "dist")] : []),
    ];
    const files = bundles.flatMap(filesUnder);
    const leaking = files.filter((f) => secretsIn(readFileSync(f, "latin1")).length);
    recordFigures("secrets-bundle", {
      files: files.length,
      bundles: bundles.length,
      leaking: leaking.length,
    });
    expect(files.some((f) => f.endsWith(".js"))).toBe(true);
    expect(leaking).toEqual([]);
  }, 180_000);

  it("keeps them out of every answer and every log line, failures included", async () => {
    const recorder = recordingFetch();
    const client = createMediaClient({
      url: server.url,
      headers: { "x-streamline-user": "secrets" },
      fetch: recorder.fetch,
    });
    // A live stream open through it all, so SSE answers are scanned too.
    const events: unknown[] = [];
    const sub = client.media.onProgress.subscribe({}, { onData: (e) => events.push(e) });
    await sleep(300);
    const made = [];
    for (const input of [
      { type: "image", model: "gpt-image-2", prompt: "Refused by OpenAI" },
      { type: "image", model: "gemini-3.1-flash-image", prompt: "Refused by Google" },
      { type: "video", model: "sora-2", prompt: "Refused video", options: { seconds: 4 } },
      { type: "video", model: "gemini-omni-1.1-flash", prompt: "Refused Omni" },
    ] as const) {
      made.push((await client.media.generate.mutate(input as never)).asset.id);
    }
    const deadline = Date.now() + 30_000;
    let rows: Awaited<ReturnType<typeof client.media.byId.query>>[] = [];
    while (Date.now() < deadline) {
      rows = await Promise.all(made.map((id) => client.media.byId.query({ id })));
      if (rows.every((r) => r.status === "failed" || r.status === "succeeded")) break;
      await sleep(200);
    }
    await client.media.retry.mutate({ id: made[0] as string }).catch(() => {});
    await client.media.list.query({ limit: 50 });
    await client.media.models.query();
    await client.media.limits.query();
    await client.media.usage.query();
    await client.me.query();
    await client.health.query();
    await client.social.captionModels.query().catch(() => {});
    await client.media.byId.query({ id: "00000000-0000-4000-8000-000000000000" }).catch(() => {});
    await sleep(300);
    sub.unsubscribe();
    const pages = await Promise.all(
      ["/healthz", "/robots.txt", "/", "/ai-studio", "/trpc/media.models"].map(async (p) =>
        (await fetch(`${server.url}${p}`)).text(),
      ),
    );
    const bodies = [...(await recorder.texts()), ...pages];
    const logs = output.text();
    const figures = {
      answersScanned: bodies.length,
      streamEvents: events.length,
      failedCodes: rows.map((r) => r.error?.code ?? r.status),
      answersWithASecret: bodies.filter((b) => secretsIn(b).length).length,
      logBytes: logs.length,
      secretsInLogs: secretsIn(logs).length,
      providerRefusals:
        openai.requests.filter((r) => !r.authorized).length +
        google.requests.filter((r) => !r.authorized).length,
    };
    recordFigures("secrets", figures);
    expect(rows.map((r) => r.error?.code)).toEqual(made.map(() => "PROVIDER_AUTH"));
    expect(figures.providerRefusals).toBeGreaterThanOrEqual(4);
    expect(figures.answersWithASecret).toBe(0);
    expect(figures.secretsInLogs).toBe(0);
  }, 120_000);
});
