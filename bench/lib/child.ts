// Benchmark servers run as child processes (the load generator and clients stay in this one), and
// answer commands over IPC. Every child is killed when the benchmark process exits.
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export type Backend = "pglite" | "postgres";

export type BenchChild = {
  url: string;
  pid: number;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Asks the child to exit (a --cpu-prof child writes its profile then), waits for it. */
  stop(): Promise<void>;
  output(): string;
};

export async function startChild(
  script: "servers/product.ts" | "servers/baseline.ts",
  env: Record<string, string | undefined>,
  options: { nodeArgs?: string[]; timeoutMs?: number; dir?: string } = {},
): Promise<BenchChild> {
  // `dir`: another checkout's bench folder (an older commit measured in the same run).
  const dir = options.dir ?? benchDir;
  const child = fork(path.join(dir, script), [], {
    cwd: dir,
    env: Object.fromEntries(
      Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined),
    ) as NodeJS.ProcessEnv,
    execArgv: ["--import", "tsx", "--expose-gc", ...(options.nodeArgs ?? [])],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  live.add(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  let nextId = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start:\n${output}`)),
      options.timeoutMs ?? 120_000,
    );
    child.on("message", (message: Record<string, unknown>) => {
      if (message.ready) {
        clearTimeout(timer);
        resolve(message as { url: string; pid: number });
        return;
      }
      const waiter = pending.get(message.id as number);
      if (!waiter) return;
      pending.delete(message.id as number);
      if (message.error) waiter.reject(new Error(String(message.error)));
      else waiter.resolve(message.result);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited (${code})`));
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return {
    url: ready.url,
    pid: ready.pid,
    output: () => output,
    call<T>(cmd: string, args?: Record<string, unknown>) {
      const id = ++nextId;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, args });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
        child.send({ id: ++nextId, cmd: "exit" });
        await exited;
        clearTimeout(kill);
      }
      live.delete(child);
    },
  };
}

/** The PostgreSQL server benchmarks run on: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else none. */
export function postgresAdminUrl(): string | undefined {
  return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
}

/** A fresh database on the benchmark PostgreSQL server; `drop()` removes it. */
export async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error("no BENCH_DATABASE_URL / TEST_DATABASE_URL");
  const name = `streamline_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

/** A product server child on `backend`, with its own database and media folder. */
export async function startProduct(
  backend: Backend,
  env: Record<string, string | undefined> = {},
  options: { nodeArgs?: string[] } = {},
): Promise<BenchChild & { databaseUrl?: string | undefined }> {
  const mediaDir = await mkdtemp(path.join(tmpdir(), "streamline-bench-media-"));
  const database = backend === "postgres" ? await createBenchDatabase() : undefined;
  const child = await startChild(
    "servers/product.ts",
    {
      BENCH_BACKEND: backend,
      DATABASE_URL: database?.url,
      MEDIA_DIR: mediaDir,
      ...env,
    },
    {
      ...options,
      nodeArgs: [
        ...(options.nodeArgs ?? []),
        ...(process.env.BENCH_CPU_PROF
          ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
          : []),
      ],
    },
  );
  return {
    ...child,
    databaseUrl: database?.url,
    async stop() {
      await child.stop();
      await database?.drop().catch(() => {});
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}
