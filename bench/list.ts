// List throughput: `media.list` (pages of 24, API-key auth; half first pages, half a cursor from an
// earlier answer) under autocannon at 50 and at 2 connections, against a bare node:http server
// running the same SQL as prepared statements (bench/servers/baseline.ts), alternated in one run.
// 100,000 assets over 1,000 users with log-normal activity.
import { Agent, request } from "node:http";
import path from "node:path";
import autocannon from "autocannon";
import { type Backend, type BenchChild, startChild, startProduct } from "./lib/child";
import type { Section } from "./lib/results";
import { random } from "./lib/seed";
import { fmt, median, percentile, postgresCpuSeconds, processCpuSeconds, sleep } from "./lib/stats";

const USERS = 1_000;
const ASSETS = 100_000;
const REQUESTS = 600;

export type Variant = { path: string; authorization: string; extra?: Record<string, string> };

/** The wire a server speaks: plain JSON (today) or the superjson envelope (`{ json: … }`, before). */
type Wire = "json" | "superjson";
const listPath = (cursor?: string, wire: Wire = "json") => {
  const input = { limit: 24, ...(cursor ? { cursor } : {}) };
  return `/trpc/media.list?input=${encodeURIComponent(JSON.stringify(wire === "json" ? input : { json: input }))}`;
};
const asWire = (variants: Variant[], wire: Wire | undefined) =>
  wire === "superjson"
    ? variants.map((v) => {
        const input = JSON.parse(new URL(v.path, "http://x").searchParams.get("input") ?? "{}") as {
          cursor?: string;
        };
        return { ...v, path: listPath(input.cursor, "superjson") };
      })
    : variants;

export type Run = {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpuMsPerReq: number;
  pgMsPerReq: number;
  statementsPerReq: number;
};

export async function cannon(
  url: string,
  variants: Variant[],
  connections: number,
  seconds: number,
  cpu: () => number,
  pgCpu: () => number,
  statements: () => Promise<number> = async () => Number.NaN,
): Promise<Run> {
  let next = 0;
  const cpu0 = cpu();
  const pg0 = pgCpu();
  const st0 = await statements();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          const v = variants[next++ % variants.length] as Variant;
          return {
            ...request,
            path: v.path,
            headers: { authorization: v.authorization, ...v.extra },
          };
        },
      },
    ],
  });
  const total = result.requests.total || 1;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    cpuMsPerReq: ((cpu() - cpu0) * 1000) / total,
    pgMsPerReq: ((pgCpu() - pg0) * 1000) / total,
    statementsPerReq: ((await statements()) - st0) / total,
  };
}

/**
 * Latency at `connections` keep-alive connections measured to the microsecond (autocannon's
 * histogram has whole milliseconds, too coarse for sub-millisecond answers): each connection
 * sends `perConnection` requests back to back.
 */
export async function preciseLatency(
  url: string,
  variants: Variant[],
  connections: number,
  perConnection: number,
): Promise<{ p50: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const times: number[] = [];
  let next = 0;
  const one = (v: Variant) =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now();
      const req = request(
        `${url}${v.path}`,
        { agent, headers: { authorization: v.authorization, ...v.extra } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(performance.now() - start));
        },
      );
      req.on("error", reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let i = 0; i < perConnection; i++) {
        times.push(await one(variants[next++ % variants.length] as Variant));
      }
    }),
  );
  agent.destroy();
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Builds the request mix, checks both servers answer the same pages, then runs the comparison. */
export async function listBench(
  backend: Backend,
  out: Section,
  options: { label?: string; seconds?: number; rounds?: number; experiments?: boolean } = {},
): Promise<{ ratio50: number; ratio2: number; p99Ratio2: number }> {
  const seconds = options.seconds ?? 6;
  const rounds = options.rounds ?? 2;
  const product = await startProduct(backend, { BENCH_WORKER: "0" });
  let baseline: BenchChild | undefined;
  let before: BenchChild | undefined;
  try {
    const { users } = await product.call<{ users: { id: string; count: number }[] }>("seed", {
      users: USERS,
      assets: ASSETS,
    });
    const keys = await product.call<{ userId: string; key: string }[]>("keys", {
      users: users.map((u) => u.id),
    });
    const keyOf = new Map(keys.map((k) => [k.userId, k.key]));
    if (backend === "postgres") {
      baseline = await startChild("servers/baseline.ts", { DATABASE_URL: product.databaseUrl });
    }
    const baselineUrl = baseline?.url ?? (await product.call<string>("baseline"));

    // Callers in proportion to their activity; a cursor page for half of them (those with a 2nd page).
    const next = random(11);
    const total = users.reduce((a, u) => a + u.count, 0);
    const pick = () => {
      let r = next() * total;
      for (const u of users) {
        r -= u.count;
        if (r < 0) return u;
      }
      return users[users.length - 1] as (typeof users)[number];
    };
    const variants: Variant[] = [];
    while (variants.length < REQUESTS) {
      const user = pick();
      const authorization = `Bearer ${keyOf.get(user.id)}`;
      if (variants.length % 2 === 0) {
        variants.push({ path: listPath(), authorization });
        continue;
      }
      if (user.count <= 24) continue;
      const first = (await (
        await fetch(`${product.url}${listPath()}`, { headers: { authorization } })
      ).json()) as { result: { data: { nextCursor: string | null } } };
      const cursor = first.result.data.nextCursor;
      if (cursor) variants.push({ path: listPath(cursor), authorization });
    }
    // Same SQL, same answers: compare the ids both servers return for a few requests.
    for (const v of variants.slice(0, 6)) {
      const [a, b] = await Promise.all(
        [product.url, baselineUrl].map(async (u) => {
          const body = (await (
            await fetch(`${u}${v.path}`, { headers: { authorization: v.authorization } })
          ).json()) as { result: { data: { items: { id: string }[] } } };
          return body.result.data.items.map((i) => i.id).join();
        }),
      );
      if (a !== b || !a) throw new Error(`product and baseline disagree on ${v.path}`);
    }

    const baselinePid = baseline?.pid ?? product.pid;
    const dbName = product.databaseUrl ? new URL(product.databaseUrl).pathname.slice(1) : "";
    const pgCpu = () => (dbName ? postgresCpuSeconds(dbName) : 0);
    const idle = {
      product: (await product.call<NodeJS.MemoryUsage>("gc")).rss,
      baseline:
        backend === "postgres" && baseline
          ? (await baseline.call<{ memory: NodeJS.MemoryUsage }>("usage")).memory.rss
          : Number.NaN,
    };
    // Warm both (JIT, pools, prepared statements).
    await cannon(
      product.url,
      variants,
      10,
      2,
      () => 0,
      () => 0,
    );
    await cannon(
      baselineUrl,
      variants,
      10,
      2,
      () => 0,
      () => 0,
    );

    // Who is measured: the product as shipped and the baseline, alternated each round; with
    // BENCH_BEFORE_DIR (a checkout of an older commit, installed) the product as it was there, on
    // the same database (its own wire); on request (experiments) the client asking for gzip, and
    // `/trpc` on tRPC's standalone node:http handler when the product child offers one (issue 18
    // decision 7 measured it at commit eb6e543 and it lost: see bench/lib/notes.ts).
    type Who = {
      name: string;
      url: string;
      pid: number;
      product?: BenchChild;
      wire?: Wire;
      extra?: Record<string, string>;
    };
    if (process.env.BENCH_BEFORE_DIR && product.databaseUrl) {
      before = await startChild(
        "servers/product.ts",
        { BENCH_BACKEND: "postgres", DATABASE_URL: product.databaseUrl, BENCH_WORKER: "0" },
        { dir: path.join(process.env.BENCH_BEFORE_DIR, "bench") },
      );
      await cannon(
        before.url,
        asWire(variants, "superjson"),
        10,
        2,
        () => 0,
        () => 0,
      );
    }
    const standalone = options.experiments
      ? await product.call<string | null>("standalone").catch(() => null)
      : null;
    if (standalone)
      await cannon(
        standalone,
        variants,
        10,
        2,
        () => 0,
        () => 0,
      );
    const contenders: Who[] = [
      { name: "product", url: product.url, pid: product.pid, product },
      { name: "baseline", url: baselineUrl, pid: baselinePid },
      ...(before
        ? [
            {
              name: `before: ${process.env.BENCH_BEFORE_LABEL ?? "older commit"} (superjson)`,
              url: before.url,
              pid: before.pid,
              product: before,
              wire: "superjson" as const,
            },
          ]
        : []),
      ...(standalone
        ? [
            {
              name: "product, /trpc on tRPC's standalone node:http handler (experiment)",
              url: standalone,
              pid: product.pid,
              product,
            },
          ]
        : []),
      ...(options.experiments
        ? [
            {
              name: "product, client sends Accept-Encoding: gzip (browsers, fetch)",
              url: product.url,
              pid: product.pid,
              product,
              extra: { "accept-encoding": "gzip" },
            },
          ]
        : []),
    ];
    const statementsOf = (child: BenchChild) => async () =>
      (await child.call<{ statements: number }>("usage")).statements;
    const runs: Record<string, Run[]> = {};
    const precise: Record<string, { p50: number; p99: number }[]> = {};
    for (let round = 0; round < rounds; round++) {
      for (const connections of [50, 2]) {
        const order = round % 2 === 0 ? contenders : [...contenders].reverse();
        for (const who of order) {
          const mix = asWire(
            who.extra ? variants.map((v) => ({ ...v, extra: who.extra })) : variants,
            who.wire,
          );
          const run = await cannon(
            who.url,
            mix,
            connections,
            seconds,
            () => processCpuSeconds(who.pid),
            pgCpu,
            who.product ? statementsOf(who.product) : undefined,
          );
          const key = `${who.name}@${connections}`;
          runs[key] = [...(runs[key] ?? []), run];
          await sleep(300);
          if (connections === 2) {
            precise[key] = [...(precise[key] ?? []), await preciseLatency(who.url, mix, 2, 600)];
          }
        }
      }
    }
    const med = (key: string, f: (r: Run) => number) => median((runs[key] ?? []).map(f));
    const ratio = (who: string, c: number) =>
      med(`${who}@${c}`, (r) => r.rps) / med(`baseline@${c}`, (r) => r.rps);
    const ratio50 = ratio("product", 50);
    const ratio2 = ratio("product", 2);
    const fine = (key: string, f: (r: { p50: number; p99: number }) => number) =>
      median((precise[key] ?? []).map(f));
    const p99Ratio2 = fine("product@2", (r) => r.p99) / fine("baseline@2", (r) => r.p99);
    const errors = Object.values(runs)
      .flat()
      .reduce((a, r) => a + r.errors, 0);
    out.line(
      `**${backend}${options.label ? `, ${options.label}` : ""}**: ${ASSETS.toLocaleString("en")} assets over ${USERS} users, ${variants.length} distinct requests (half first pages, half cursors), ${rounds} alternated round(s) of ${seconds} s per setting; medians. Baseline: bare node:http + ${backend === "postgres" ? "node-postgres" : "PGlite (same process)"} running the product's list SQL as prepared statements.${errors ? ` **${errors} errors/non-2xx**` : ""}`,
    );
    out.line();
    const rows: string[][] = [];
    for (const c of [50, 2]) {
      for (const who of contenders) {
        const key = `${who.name}@${c}`;
        rows.push([
          `${who.name} @ ${c}`,
          fmt(
            med(key, (r) => r.rps),
            0,
          ),
          who.name === "baseline" ? "1" : fmt(ratio(who.name, c), 2),
          fmt(
            med(key, (r) => r.p50),
            0,
          ),
          fmt(
            med(key, (r) => r.p99),
            0,
          ),
          c === 2
            ? `${fmt(
                fine(key, (r) => r.p50),
                2,
              )} / ${fmt(
                fine(key, (r) => r.p99),
                2,
              )}`
            : "",
          fmt(
            med(key, (r) => r.cpuMsPerReq),
            2,
          ),
          dbName
            ? fmt(
                med(key, (r) => r.pgMsPerReq),
                2,
              )
            : "(in process)",
          who.product
            ? fmt(
                med(key, (r) => r.statementsPerReq),
                2,
              )
            : "2 (prepared)",
        ]);
      }
    }
    out.table(
      [
        "server @ connections",
        "req/s",
        "× baseline",
        "p50 ms",
        "p99 ms",
        "p50 / p99 ms, precise",
        "server CPU ms/req",
        "PostgreSQL CPU ms/req",
        "SQL statements/req",
      ],
      rows,
    );
    out.line(
      `Ratios: throughput **${fmt(ratio50, 2)}×** the baseline at 50 connections (target ≥ 0.5), **${fmt(ratio2, 2)}×** at 2; p99 at 2 connections **${fmt(p99Ratio2, 1)}×** the baseline's (target ≤ 3; from the precise µs-resolution run, 2 × 600 requests — autocannon's histogram has whole milliseconds). CPU per request: product **${fmt(med("product@50", (r) => r.cpuMsPerReq) / med("baseline@50", (r) => r.cpuMsPerReq), 1)}×** the baseline's (server) and ${dbName ? `**${fmt(med("product@50", (r) => r.pgMsPerReq) / med("baseline@50", (r) => r.pgMsPerReq), 1)}×** (PostgreSQL)` : "(PGlite: in process)"} — steadier than req/s on a shared machine. Idle RSS after GC: product ${fmt(idle.product / 2 ** 20, 0)} MB${Number.isFinite(idle.baseline) ? `, baseline ${fmt(idle.baseline / 2 ** 20, 0)} MB` : ""}.`,
    );
    out.line();
    const cpu50 = med("product@50", (r) => r.cpuMsPerReq);
    const pg50 = dbName ? med("product@50", (r) => r.pgMsPerReq) : undefined;
    const targets: [string, number, boolean, string][] = [
      ["req/s at 50 connections vs the bare server", ratio50, ratio50 >= 0.5, "≥ 0.5×"],
      ["req/s at 2 connections vs the bare server", ratio2, ratio2 >= 0.5, "≥ 0.5×"],
      ["p99 at 2 connections vs the bare server's", p99Ratio2, p99Ratio2 <= 3, "≤ 3×"],
      ["server CPU per request (ms, 50 connections)", cpu50, cpu50 <= 1, "≤ 1.0 ms"],
    ];
    if (pg50 !== undefined) {
      targets.push(["PostgreSQL CPU per request (ms)", pg50, pg50 <= 0.5, "≤ 0.5 ms"]);
    }
    out.table(
      ["issue 18 target (product as shipped)", "measured", "wanted", "result"],
      targets.map(([name, value, ok, wanted]) => {
        const limit = Number(wanted.replace(/[^0-9.]/g, ""));
        return [
          name,
          fmt(value, 2),
          wanted,
          `**${ok ? "met" : "missed"}** (${fmt(value / limit, 2)}× the limit)`,
        ];
      }),
    );
    return { ratio50, ratio2, p99Ratio2 };
  } finally {
    await baseline?.stop();
    await before?.stop();
    await product.stop();
  }
}
