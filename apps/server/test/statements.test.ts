// Round trips per generation: every SQL statement the server process sends to the database for one
// image generation — the generate request (API key), its insert + enqueue, the worker's job and
// every state change, up to the terminal event on the caller's open stream — counted on PGlite's
// client, so the figure is deterministic (the machine's load cannot blur it).

import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createMediaClient } from "@streamline/client";
import { createApiKey, ensureUserRow } from "@streamline/db";
import { createTestDb, type TestDb } from "@streamline/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zeroLatencyProvider } from "../../../bench/lib/fake-provider";
import { createApp } from "../src/app";
import { loadEnv } from "../src/env";
import { createRuntime, type Runtime } from "../src/runtime";

/**
 * pg-boss's own timers (supervision, maintenance, queue statistics, the clock check): not the
 * generation's. Its job statements — send, fetch, complete — are counted.
 */
const isBackground = (text: string) =>
  /^BEGIN; SET LOCAL/.test(text) ||
  (/pgboss\./i.test(text) &&
    !/^WITH next AS|SET completed_on|^(WITH|INSERT).*INSERT INTO pgboss\.job/is.test(text)) ||
  /^SELECT round\(date_part\('epoch', pgboss\.job_now/.test(text);

describe("SQL statements per image generation (pglite)", () => {
  let db: TestDb;
  let runtime: Runtime;
  let server: Server;
  let url: string;
  let mediaDir: string;
  const log: string[] = [];
  let counting = false;

  beforeAll(async () => {
    db = await createTestDb("pglite");
    if (db.kind !== "pglite") throw new Error("PGlite expected");
    const pglite = db.pglite as unknown as Record<
      "query" | "exec",
      (...args: unknown[]) => unknown
    >;
    for (const method of ["query", "exec"] as const) {
      const original = pglite[method].bind(pglite);
      pglite[method] = (...args: unknown[]) => {
        if (counting) log.push(String(args[0]).replace(/\s+/g, " ").trim());
        return original(...args);
      };
    }
    mediaDir = await mkdtemp(path.join(tmpdir(), "streamline-media-"));
    runtime = await createRuntime(
      loadEnv({
        NODE_ENV: "test",
        OPENAI_API_KEY: "sk-test-openai-key-123456",
        GEMINI_API_KEY: "AIzaTestGeminiKey_000000000000000",
        MEDIA_DIR: mediaDir,
        MEDIA_POLL_MIN_MS: "10",
        MEDIA_POLL_MAX_MS: "10",
        JOB_POLL_SECONDS: "60",
      }),
      { handle: db, fetch: zeroLatencyProvider().fetch },
    );
    await runtime.startWorker();
    server = createApp(runtime).listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await runtime?.close();
    await db?.close();
    if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
  });

  async function generateOne(
    api: ReturnType<typeof createMediaClient>,
    seen: Map<string, () => void>,
  ) {
    const done = new Promise<void>((resolve) => {
      const pending = { resolve };
      seen.set("next", pending.resolve);
    });
    const { asset } = await api.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "Creatine gummies in a gym bag",
    });
    await done;
    return asset.id;
  }

  it("one image costs at most 20 statements", async () => {
    await ensureUserRow(db.db, "stmt-user");
    const { key } = await createApiKey(db.db, { userId: "stmt-user", name: "count" });
    const api = createMediaClient({ url, apiKey: key });
    const seen = new Map<string, () => void>();
    await new Promise<void>((resolve, reject) => {
      api.media.onProgress.subscribe(
        {},
        {
          onStarted: () => resolve(),
          onData: ({ data }) => {
            if (["succeeded", "failed", "canceled"].includes(data.status)) seen.get("next")?.();
          },
          onError: reject,
        },
      );
    });
    await generateOne(api, seen); // warm-up: every path has run once
    await new Promise((resolve) => setTimeout(resolve, 200));
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      log.length = 0;
      counting = true;
      await generateOne(api, seen);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the job's completion
      counting = false;
      // pg-boss's worker slots each look for a job when NOTIFY wakes them (WORKER_CONCURRENCY
      // fetches, one more when a slot frees just then): the one fetch that took this job counts.
      const isFetch = (text: string) => /^WITH next AS/.test(text);
      const own = [
        ...log.filter((text) => !isBackground(text) && !isFetch(text)),
        ...log.filter(isFetch).slice(0, 1),
      ];
      counts.push(own.length);
      if (i === 0)
        if (i === 0) console.log(`one image:\n${own.map((s) => s.slice(0, 120)).join("\n")}`);
    }
    console.log(`statements per image: ${counts.join(", ")}`);
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(20);
  }, 60_000);
});
