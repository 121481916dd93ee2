// The product server as a benchmark child process: the real runtime (Express + tRPC + pg-boss
// worker) from apps/server, optionally with the zero-latency fake provider as its fetch, on a
// loopback port. The parent drives it over IPC (seed data, make users and keys, read timestamps,
// publish an event, report memory and CPU). Started by bench/lib/child.ts.
import type { AddressInfo } from "node:net";
import { createTestDb } from "@streamline/db/testing";
import { changeAsset } from "@streamline/jobs";
import { CompiledQuery } from "kysely";
import superjson from "superjson";
import { createApp } from "../../apps/server/src/app";
import { loadEnv } from "../../apps/server/src/env";
import { createRuntime } from "../../apps/server/src/runtime";
import { zeroLatencyProvider } from "../lib/fake-provider";
import { fastSerialize } from "../lib/fast-superjson";
import { createKeys, seedLibrary } from "../lib/seed";
import { startBaselineServer } from "./baseline";

const backend = process.env.BENCH_BACKEND === "postgres" ? "postgres" : "pglite";
const fake = process.env.BENCH_FAKE_PROVIDER === "1" ? zeroLatencyProvider() : undefined;
const handle = backend === "pglite" ? await createTestDb("pglite", { migrate: false }) : undefined;

const runtime = await createRuntime(
  loadEnv({
    NODE_ENV: "production",
    BETTER_AUTH_SECRET: "bench-secret-0123456789abcdef0123456789",
    APP_ORIGIN: "http://127.0.0.1",
    DATABASE_URL: backend === "postgres" ? process.env.DATABASE_URL : undefined,
    MEDIA_DIR: process.env.MEDIA_DIR,
    OPENAI_API_KEY: "sk-bench-fake-provider-key",
    GEMINI_API_KEY: "AIza-bench-fake-provider-key",
    MEDIA_ENABLE_MODELS: "sora-2",
    MEDIA_MAX_CONCURRENT_PER_USER: "1000",
    MEDIA_DAILY_SPEND_USD: "1000000",
    MEDIA_POLL_MIN_MS: process.env.MEDIA_POLL_MIN_MS ?? "10",
    MEDIA_POLL_MAX_MS: process.env.MEDIA_POLL_MAX_MS ?? "10",
    MEDIA_MAX_STREAMS_PER_USER: process.env.MEDIA_MAX_STREAMS_PER_USER ?? "20",
    WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? "4",
    JOB_POLL_SECONDS: process.env.JOB_POLL_SECONDS ?? "1",
    PROVIDER_RETRY_MIN_DELAY_MS: "5",
  }),
  { fetch: fake?.fetch, handle },
);
if (process.env.BENCH_WORKER !== "0") await runtime.startWorker();
const server = createApp(runtime).listen(0, "127.0.0.1");
await new Promise<void>((resolve) => server.once("listening", () => resolve()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let baseline: { url: string; close(): Promise<void> } | undefined;

// Experiments for the list benchmark: what the answers would cost with another output serializer.
// tRPC looks `serialize` up on the superjson object at every call, so swapping it here changes
// what this process answers with, and nothing in the product.
const superjsonSerialize = superjson.serialize;
const check = { checked: 0, mismatches: 0 };
const SERIALIZERS: Record<string, typeof superjson.serialize> = {
  superjson: superjsonSerialize,
  // Wire-compatible: checked against superjson on the first answers.
  fast: (value) => {
    const fast = fastSerialize(value);
    if (check.checked < 500) {
      check.checked++;
      if (JSON.stringify(fast) !== JSON.stringify(superjsonSerialize(value))) check.mismatches++;
    }
    return fast;
  },
  // No transformer: JSON.stringify turns Dates into ISO strings (a DTO with string dates).
  json: (value) => ({ json: value }) as ReturnType<typeof superjson.serialize>,
};

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
  /** A progress change on each given asset, published the way the worker does (row + event + NOTIFY). */
  async progress(args) {
    const assets = args.assets as { id: string; user_id: string }[];
    const at = Date.now();
    await Promise.all(
      assets.map((asset) =>
        changeAsset(
          runtime.handle.db,
          asset,
          { progress: args.progress as number },
          {
            kind: "progress",
            status: "running",
            phase: "generating",
            progress: args.progress as number,
            estimated: false,
          },
        ),
      ),
    );
    return { at };
  },
  usage() {
    return {
      memory: process.memoryUsage(),
      cpu: process.cpuUsage(),
      elu: performance.eventLoopUtilization(),
      uptime: process.uptime(),
    };
  },
  gc() {
    globalThis.gc?.();
    globalThis.gc?.();
    return process.memoryUsage();
  },
  serializer(args) {
    const chosen = SERIALIZERS[args.mode as string];
    if (!chosen) throw new Error(`unknown serializer ${args.mode}`);
    superjson.serialize = chosen;
    return check;
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
