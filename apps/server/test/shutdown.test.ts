// Readiness and graceful shutdown (issue 21, item 3), on PostgreSQL with real processes:
// - /readyz answers 503 while the database is unreachable (a TCP proxy in front of PostgreSQL is
//   cut) and 200 again once it is back; /healthz stays the liveness probe;
// - SIGTERM to a worker with generations (creates in flight, videos being polled) and posts in
//   flight: it exits within its grace period, and after a restart every asset and post is
//   terminal and succeeded — none lost, none interrupted mid-submit, one provider create each;
// - SIGTERM to an API server ends its open progress stream with a reconnect hint (no `return`).
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDb } from "@streamline/db/testing";
import { delay, HttpResponse, http } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { loadEnv } from "../src/env";
import { createRuntime } from "../src/runtime";
import { startTestServer, TEST_KEYS } from "./harness";
import { type PostgresStack, startPostgresStack } from "./pg-stack";
import { type ChildRun, startProcess, stopProcess, waitFor } from "./processes";
import { makeAsset } from "./social-helpers";

const TERMINAL = ["succeeded", "failed", "canceled"];

/** A TCP proxy to PostgreSQL that a test can cut (every connection dropped) and restore. */
async function startCuttableProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const open = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server?.listen(port, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  };
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  await open();
  return { port: () => port, cut, restore: open };
}

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("readiness on PostgreSQL", () => {
  it("/readyz fails while the database is down, and recovers", async () => {
    const db = await createTestDb("postgres");
    const url = new URL(db.databaseUrl as string);
    const proxy = await startCuttableProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port());
    const mediaDir = await mkdtemp(path.join(tmpdir(), "streamline-ready-"));
    const runtime = await createRuntime(
      loadEnv({
        NODE_ENV: "test",
        DATABASE_URL: url.toString(),
        OPENAI_API_KEY: TEST_KEYS.openai,
        MEDIA_DIR: mediaDir,
      }),
    );
    const server = createApp(runtime).listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const ready = async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      expect(await ready()).toEqual({
        status: 200,
        body: { ok: true, database: true, queue: true },
      });
      await proxy.cut();
      const down = await ready();
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ ok: false, database: false, queue: false });
      await proxy.restore();
      await waitFor(async () => (await ready()).status === 200, 15_000);
      runtime.drain();
      expect(await ready()).toEqual({ status: 503, body: { ok: false, draining: true } });
    } finally {
      server.closeAllConnections();
      server.close();
      await runtime.close({ graceMs: 1_000 });
      await db.close();
      await rm(mediaDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("SIGTERM on PostgreSQL", () => {
  let stack: PostgresStack;
  const children: ChildRun[] = [];

  beforeAll(async () => {
    // Creates take 1.5 s, so a SIGTERM finds some in flight: they must be let to answer.
    const slow = async () => {
      await delay(1_500);
      return undefined;
    };
    stack = await startPostgresStack({
      name: "sigterm",
      openai: { apiKey: TEST_KEYS.openai, videoPollsToComplete: 30 },
      zernio: { publishDurationMs: 4_000 },
      before: (url) => [
        http.post(`${url}/v1/videos`, slow),
        http.post(`${url}/v1/images/generations`, slow),
      ],
      after: (url) => [http.all(`${url}/*`, () => HttpResponse.json({}, { status: 404 }))],
      env: {
        MEDIA_ENABLE_MODELS: "sora-2",
        MEDIA_POLL_MIN_MS: "100",
        MEDIA_POLL_MAX_MS: "100",
        MEDIA_MAX_CONCURRENT_PER_USER: "100",
        MEDIA_DAILY_SPEND_USD: "10000",
        WORKER_CONCURRENCY: "8",
        POST_POLL_MIN_MS: "200",
        POST_POLL_MAX_MS: "400",
        SHUTDOWN_GRACE_SECONDS: "10",
      },
      accountsFor: "sigterm",
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of children) await stopProcess(c, "SIGKILL");
    await stack?.close();
  });

  it("a worker drains at safe points: nothing lost, nothing created twice", async () => {
    const { api, db, env, openai, zernio } = stack;
    const client = api.client("sigterm");
    const first = await startProcess("worker", env, /generation worker started/);
    children.push(first);
    const assetIds: string[] = [];
    for (let i = 0; i < 8; i++) {
      const video = i % 2 === 0;
      const { asset } = await client.media.generate.mutate(
        video
          ? { type: "video", model: "sora-2", prompt: `SIGTERM #${i}`, options: { seconds: 4 } }
          : { type: "image", model: "gpt-image-2", prompt: `SIGTERM #${i}` },
      );
      assetIds.push(asset.id);
    }
    const postIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const asset = await makeAsset(api, "sigterm", { type: "image", width: 1080, height: 1350 });
      const post = await client.social.schedule.mutate({
        assetId: asset.id,
        targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
        captions: { instagram: { text: `Out during a deploy #${i}` } },
        publishNow: true,
        idempotencyKey: `sigterm-${Date.now()}-${i}`,
      });
      postIds.push(post.id);
    }
    // SIGTERM while creates are in flight and the first videos are being polled.
    await waitFor(() => openai.requestsTo("videos.retrieve").length > 0, 20_000);
    // Two more, SIGTERMed while their creates are in flight (claimed, no answer yet).
    for (const i of [8, 9]) {
      const { asset } = await client.media.generate.mutate(
        i === 8
          ? { type: "video", model: "sora-2", prompt: `SIGTERM #${i}`, options: { seconds: 4 } }
          : { type: "image", model: "gpt-image-2", prompt: `SIGTERM #${i}` },
      );
      assetIds.push(asset.id);
    }
    const claimed = async () =>
      (
        await db.db
          .selectFrom("media_assets")
          .select("id")
          .where("id", "in", assetIds)
          .where("provider_job_id", "like", "submitting:%")
          .execute()
      ).length;
    await waitFor(async () => (await claimed()) === 2, 10_000);
    const termAt = Date.now();
    await stopProcess(first, "SIGTERM");
    const exitMs = Date.now() - termAt;
    expect(first.child.exitCode).toBe(0);
    expect(first.output()).toMatch(/\[worker\] SIGTERM: shutting down \(grace 10 s\)/);
    expect(first.output()).toMatch(/\[worker\] stopped in \d+ ms/);
    expect(exitMs).toBeLessThan(10_000 + 2_000);

    const rowsAfterTerm = await db.db
      .selectFrom("media_assets")
      .select(["id", "status", "provider_job_id"])
      .where("id", "in", assetIds)
      .execute();
    // Nothing was left mid-submit: the creates in flight answered and their ids were saved.
    expect(exitMs).toBeGreaterThan(500);
    expect(rowsAfterTerm.filter((r) => r.provider_job_id?.startsWith("submitting:"))).toEqual([]);

    const second = await startProcess("worker", env, /generation worker started/);
    children.push(second);
    let rows: { id: string; status: string; prompt: string; error_message: string | null }[] = [];
    await waitFor(async () => {
      rows = await db.db
        .selectFrom("media_assets")
        .select(["id", "status", "prompt", "error_message"])
        .where("id", "in", assetIds)
        .execute();
      return rows.every((r) => TERMINAL.includes(r.status));
    }, 60_000);
    let posts: { id: string; status: string; error_message: string | null }[] = [];
    await waitFor(async () => {
      posts = await db.db
        .selectFrom("scheduled_posts")
        .select(["id", "status", "error_message"])
        .where("id", "in", postIds)
        .execute();
      return posts.every((p) => ["published", "failed", "partial", "cancelled"].includes(p.status));
    }, 60_000);
    await stopProcess(second, "SIGTERM");

    expect(rows.filter((r) => r.status !== "succeeded")).toEqual([]);
    const creates = new Map<string, number>();
    for (const route of ["images.generate", "videos.create"] as const) {
      for (const r of openai.requestsTo(route)) {
        const prompt = String(
          (r.json as { prompt?: string } | undefined)?.prompt ?? r.fields?.prompt ?? "",
        );
        creates.set(prompt, (creates.get(prompt) ?? 0) + 1);
      }
    }
    expect(rows.map((r) => creates.get(r.prompt))).toEqual(rows.map(() => 1));
    expect(posts.filter((p) => p.status !== "published")).toEqual([]);
    // One post at Zernio per row (the x-request-id replays a re-sent create).
    expect(zernio.requestsTo("posts.create").length).toBeGreaterThanOrEqual(3);
    expect(new Set(zernio.listPosts().map((p) => p.content)).size).toBe(zernio.listPosts().length);
    console.log(
      `[shutdown] 2 creates in flight at SIGTERM; the worker exited in ${exitMs} ms; all done ${Date.now() - termAt} ms after it`,
    );
  }, 180_000);
});

describe("progress streams at shutdown", () => {
  it("end with a reconnect hint, not a `return` (the client reconnects elsewhere)", async () => {
    const server = await startTestServer("pglite");
    try {
      const input = encodeURIComponent(JSON.stringify({}));
      const res = await fetch(`${server.url}/trpc/media.onProgress?input=${input}`, {
        headers: { accept: "text/event-stream", "x-streamline-user": "stream-user" },
      });
      expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = "";
      while (!text.includes("event: connected")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      server.runtime.drain();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      expect(text).toMatch(/\n\nretry: 1000\n\n$/);
      expect(text).not.toMatch(/event: return/);
    } finally {
      await server.close();
    }
  }, 60_000);
});
