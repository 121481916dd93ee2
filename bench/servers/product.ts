// The product server as a benchmark child process: the real runtime (Express + tRPC + pg-boss
// worker) from apps/server, optionally with the zero-latency fake provider as its fetch, on a
// loopback port. The parent drives it over IPC (seed data, make users and keys, read timestamps,
// publish an event, report memory and CPU). Started by bench/lib/child.ts.

import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import { PGlite } from "@electric-sql/pglite";
import { progressFanoutOf } from "@streamline/api";
import { createTestDb } from "@streamline/db/testing";
import { changeAsset } from "@streamline/jobs";
import { CompiledQuery } from "kysely";
import pg from "pg";
import { createApp } from "../../apps/server/src/app";
import { loadEnv } from "../../apps/server/src/env";
import { createRuntime } from "../../apps/server/src/runtime";
import { zeroLatencyProvider } from "../lib/fake-provider";
import { createKeys, seedLibrary } from "../lib/seed";
import { startBaselineServer } from "./baseline";

// Every SQL statement this process sends (node-postgres clients: Kysely's pool, pg-boss's pool and
// the LISTEN connections; or PGlite), so a benchmark can report statements per operation — a
// figure the machine's load cannot blur.
const statements = { count: 0 };
type Queryable = Record<"query" | "exec", (...args: unknown[]) => unknown>;
for (const [proto, methods] of [
  [pg.Client.prototype, ["query"]],
  [PGlite.prototype, ["query", "exec"]],
] as [Queryable, ("query" | "exec")[]][]) {
  for (const method of methods) {
    const original = proto[method];
    proto[method] = function (this: unknown, ...args: unknown[]) {
      statements.count++;
      return original.apply(this, args);
    };
  }
}

const backend = process.env.BENCH_BACKEND === "postgres" ? "postgres" : "pglite";
const fake = process.env.BENCH_FAKE_PROVIDER === "1" ? zeroLatencyProvider() : undefined;
const handle = backend === "pglite" ? await createTestDb("pglite", { migrate: false }) : undefined;

const runtime = await createRuntime(
  loadEnv({
    NODE_ENV: "production",
    BETTER_AUTH_SECRET: "bench-secret-0123456789abcdef0123456789",
    APP_ORIGIN: process.env.APP_ORIGIN ?? "http://127.0.0.1",
    WEB_DIST_DIR: process.env.WEB_DIST_DIR,
    DATABASE_URL: backend === "postgres" ? process.env.DATABASE_URL : undefined,
    MEDIA_DIR: process.env.MEDIA_DIR,
    OPENAI_API_KEY: "sk-bench-fake-provider-key",
    GEMINI_API_KEY: "AIza-bench-fake-provider-key",
    OPENAI_BASE_URL: process.env.OPENAI_BASE_URL,
    GEMINI_BASE_URL: process.env.GEMINI_BASE_URL,
    MEDIA_ENABLE_MODELS: process.env.MEDIA_ENABLE_MODELS ?? "sora-2",
    MEDIA_MAX_CONCURRENT_PER_USER: "1000",
    MEDIA_DAILY_SPEND_USD: "1000000",
    MEDIA_POLL_MIN_MS: process.env.MEDIA_POLL_MIN_MS ?? "10",
    MEDIA_POLL_MAX_MS: process.env.MEDIA_POLL_MAX_MS ?? "10",
    MEDIA_MAX_STREAMS_PER_USER: process.env.MEDIA_MAX_STREAMS_PER_USER ?? "20",
    MEDIA_STREAM_RECHECK_SECONDS: process.env.MEDIA_STREAM_RECHECK_SECONDS ?? "30",
    WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? "4",
    JOB_POLL_SECONDS: process.env.JOB_POLL_SECONDS ?? "1",
    PROVIDER_RETRY_MIN_DELAY_MS: "5",
    // No access line per request: the bench parent keeps this process's output in memory.
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  }),
  { fetch: fake?.fetch, handle },
);
if (process.env.BENCH_WORKER !== "0") await runtime.startWorker();
const server = createApp(runtime).listen(Number(process.env.BENCH_PORT ?? 0), "127.0.0.1");
await new Promise<void>((resolve) => server.once("listening", () => resolve()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let baseline: { url: string; close(): Promise<void> } | undefined;

type Command = { id: number; cmd: string; args?: Record<string, unknown> };
const commands: Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown> = {
  async keys(args) {
    return createKeys(runtime.handle.db, args.users as string[]);
  },
  async seed(args) {
    return seedLibrary(runtime.handle.db, args as Parameters<typeof seedLibrary>[1]);
  },
  async sql(args) {
    const result = await runtime.handle.db.executeQuery(
      CompiledQuery.raw(args.text as string, (args.values as unknown[]) ?? []),
    );
    return result.rows;
  },
  /**
   * A progress change on each given asset, published the way the worker does (row + event +
   * NOTIFY) — all in one transaction with `oneTransaction`, whose COMMIT is sent at `committedAt`.
   */
  async progress(args) {
    const assets = args.assets as { id: string; user_id: string }[];
    const progress = args.progress as number;
    const change = (db: typeof runtime.handle.db, asset: (typeof assets)[number]) =>
      changeAsset(
        db,
        asset,
        { progress },
        { kind: "progress", status: "running", phase: "generating", progress, estimated: false },
      );
    const at = performance.timeOrigin + performance.now();
    let committedAt = at;
    if (args.oneTransaction) {
      await runtime.handle.db.transaction().execute(async (tx) => {
        for (const asset of assets) await change(tx, asset);
        committedAt = performance.timeOrigin + performance.now();
      });
    } else {
      await Promise.all(assets.map((asset) => change(runtime.handle.db, asset)));
    }
    return { at, committedAt };
  },
  /** This process's clock (timeOrigin + now), for the parent to measure the offset to its own. */
  now() {
    return performance.timeOrigin + performance.now();
  },
  fanout() {
    return progressFanoutOf(runtime.api.events, 1_000).stats();
  },
  usage() {
    return {
      memory: process.memoryUsage(),
      cpu: process.cpuUsage(),
      elu: performance.eventLoopUtilization(),
      statements: statements.count,
      uptime: process.uptime(),
    };
  },
  gc() {
    globalThis.gc?.();
    globalThis.gc?.();
    // Where the memory is, by V8 heap space (new space grows under bursts and stays grown).
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]),
    );
    const status = existsSync("/proc/self/status") ? readFileSync("/proc/self/status", "utf8") : "";
    const kb = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
    return { ...process.memoryUsage(), spaces, rssAnonKb: kb("RssAnon"), rssFileKb: kb("RssFile") };
  },
  /** Sampling heap profiler: `start`, then `stop` returns live bytes by allocating package/function. */
  async heapSampling(args) {
    const { Session } = await import("node:inspector/promises");
    const session =
      (globalThis as { __benchInspector?: InstanceType<typeof Session> }).__benchInspector ??
      new Session();
    (globalThis as { __benchInspector?: InstanceType<typeof Session> }).__benchInspector = session;
    if (args.action === "start") {
      session.connect();
      await session.post("HeapProfiler.startSampling", { samplingInterval: 512 });
      return true;
    }
    globalThis.gc?.();
    const { profile } = (await session.post("HeapProfiler.stopSampling")) as {
      profile: { head: SampleNode };
    };
    type SampleNode = {
      callFrame: { functionName: string; url: string; lineNumber: number };
      selfSize: number;
      children: SampleNode[];
    };
    const bySite = new Map<string, number>();
    const walk = (node: SampleNode, stack: string[]) => {
      const frame = `${node.callFrame.functionName || "(anon)"}@${node.callFrame.url.replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "").replace(/.*\/work\/main\//, "")}:${node.callFrame.lineNumber + 1}`;
      const here = [...stack, frame];
      if (node.selfSize) {
        // Attribute to the innermost frame outside node internals, with its caller chain.
        const key = here
          .filter((f) => !f.includes("@node:"))
          .slice(-3)
          .join(" < ");
        bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
      }
      for (const child of node.children) walk(child, here);
    };
    walk(profile.head, []);
    session.disconnect();
    return [...bySite.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top ?? 30));
  },
  fakeCounts() {
    return fake?.counts ?? null;
  },
  async baseline() {
    if (runtime.handle.kind !== "pglite")
      throw new Error("the PostgreSQL baseline is its own process");
    const pglite = runtime.handle.pglite;
    baseline ??= await startBaselineServer(async (_name, text, values) => {
      // PGlite has one connection and no named statements; its extended-protocol query is the
      // nearest thing to a prepared statement it offers.
      const result = await runtime.handle.db
        .connection()
        .execute(() => pglite.query<Record<string, unknown>>(text, values));
      return result.rows;
    });
    return baseline.url;
  },
  async exit() {
    setTimeout(async () => {
      server.closeAllConnections();
      server.close();
      await baseline?.close();
      await runtime.close();
      process.exit(0);
    }, 10);
    return true;
  },
};

process.on("message", async (message: Command) => {
  try {
    const handler = commands[message.cmd];
    if (!handler) throw new Error(`unknown command ${message.cmd}`);
    const result = await handler(message.args ?? {});
    process.send?.({ id: message.id, result });
  } catch (error) {
    process.send?.({ id: message.id, error: error instanceof Error ? error.stack : String(error) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true, url, pid: process.pid, kind: runtime.handle.kind });
