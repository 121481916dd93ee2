// Progress fan-out: 1,000 concurrent `media.onProgress` streams on one server process, spread over
// 100 users (10 each: 5 on one asset, 5 user-wide), over raw SSE connections with API keys. One
// transaction publishes a progress change on every user's asset (100 events, the server's one
// LISTEN hears them); each must reach all 10 of its user's streams — 1,000 deliveries per round.
// Figures: delivery latency from the commit, extra memory for the 1,000 streams, idle CPU.
import { type ClientRequest, request } from "node:http";
import { type Backend, startProduct } from "./lib/child";
import type { Section } from "./lib/results";
import { fmt, percentile, processCpuSeconds, sleep } from "./lib/stats";

const USERS = 100;
const PER_USER = 10;
const ROUNDS = 10;

type Stream = {
  userId: string;
  assetId: string | undefined;
  request: ClientRequest;
  /** Arrival times of progress values, by value. */
  arrivals: Map<number, number>;
  connected: Promise<void>;
};

function openStream(url: string, key: string, userId: string, assetId?: string): Stream {
  const input = encodeURIComponent(JSON.stringify(assetId ? { assetId } : {}));
  const arrivals = new Map<number, number>();
  let connected!: () => void;
  let failed!: (error: Error) => void;
  const stream: Stream = {
    userId,
    assetId,
    arrivals,
    connected: new Promise<void>((resolve, reject) => {
      connected = resolve;
      failed = reject;
    }),
    request: request(`${url}/trpc/media.onProgress?input=${input}`, {
      headers: { authorization: `Bearer ${key}`, accept: "text/event-stream" },
      agent: false,
    }),
  };
  let buffer = "";
  stream.request.on("response", (res) => {
    if (res.statusCode !== 200) failed(new Error(`stream answered ${res.statusCode}`));
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      const at = performance.timeOrigin + performance.now();
      buffer += chunk;
      let end = buffer.indexOf("\n\n");
      while (end !== -1) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (message.includes("event: connected")) connected();
        if (message.includes("event: serialized-error") && process.env.BENCH_DEBUG)
          console.log(`stream ${userId}: ${message.slice(0, 300)}`);
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (data && message.includes("\nid: ")) {
          const progress = (JSON.parse(data) as { progress?: number }).progress;
          if (typeof progress === "number" && !arrivals.has(progress)) arrivals.set(progress, at);
        }
        end = buffer.indexOf("\n\n");
      }
    });
  });
  stream.request.on("error", (error) => failed(error));
  stream.request.end();
  return stream;
}

type Usage = { memory: NodeJS.MemoryUsage; statements: number };

type Figures = {
  streams: number;
  missing: number;
  latencies: number[];
  rssMb: number;
  heapMb: number;
  growthRssMb: number;
  coldRssMb: number;
  coldHeapMb: number;
  growthHeapMb: number;
  idleCpu: number;
  idleStatements: number;
  arrayBuffersMb: number;
  externalMb: number;
  deliveryCpuMs: number;
};

/**
 * Before/after in the same run: tRPC's own SSE stream per connection (MEDIA_SSE_FANOUT=0, the old
 * path) and the shared fan-out (packages/api/src/media/fanout.ts), one fresh server each.
 */
export async function fanoutBench(backend: Backend, out: Section): Promise<void> {
  if (process.env.BENCH_DEBUG) {
    const f = await measureFanout(backend, true);
    console.log(`missing ${f.missing}, p99 ${percentile(f.latencies, 99)}, cpu ${f.deliveryCpuMs}`);
    return;
  }
  const before = await measureFanout(backend, false);
  const after = await measureFanout(backend, true);
  const p = (f: Figures, q: number) => fmt(percentile(f.latencies, q));
  const both = (get: (f: Figures) => string) => [get(before), get(after)];
  out.line(
    `**${backend}**: ${after.streams} streams (${USERS} users × ${PER_USER}: half on the user's asset, half user-wide), ${ROUNDS} rounds of one transaction publishing a change on all ${USERS} assets → ${ROUNDS * after.streams} deliveries per path${before.missing + after.missing ? `, **${before.missing} / ${after.missing} missing**` : ", none missing"}. Before: tRPC's stream per connection (\`MEDIA_SSE_FANOUT=0\`); after: the shared fan-out.`,
  );
  out.line();
  out.table(
    ["figure", "tRPC stream per connection", "shared fan-out", "target"],
    [
      [
        "delivery p50 / p99 / max from the commit",
        ...both((f) => `${p(f, 50)} / ${p(f, 99)} / ${fmt(Math.max(...f.latencies))} ms`),
        "p99 ≤ 250 ms",
      ],
      [
        "extra RSS / heap, the first 1,000 streams of a fresh process (after GC)",
        ...both((f) => `${fmt(f.coldRssMb, 1)} / ${fmt(f.coldHeapMb, 1)} MB`),
        "",
      ],
      [
        "extra RSS for the streams (after GC; 1,000 streams again after the first closed)",
        ...both(
          (f) => `${fmt(f.rssMb, 1)} MB (${fmt((f.rssMb * 1024) / f.streams, 0)} KB per stream)`,
        ),
        "≤ 40 MB",
      ],
      [
        "extra heap for the streams (after GC)",
        ...both((f) => `${fmt(f.heapMb, 1)} MB`),
        "≤ 10 MB",
      ],
      [
        "RSS / heap growth over the delivery rounds",
        ...both((f) => `${fmt(f.growthRssMb, 1)} / ${fmt(f.growthHeapMb, 1)} MB`),
        "flat",
      ],
      [
        "idle CPU with the streams open (pings every 10 s, re-checks every 5 s)",
        ...both((f) => `${fmt(f.idleCpu * 100, 1)}% of a core; ${fmt(f.idleStatements, 1)} SQL/s`),
        "",
      ],
      [
        "array buffers / external memory growth over the rounds",
        ...both((f) => `${fmt(f.arrayBuffersMb, 1)} / ${fmt(f.externalMb, 1)} MB`),
        "",
      ],
      [
        "server CPU per delivery",
        ...both((f) => `${fmt(f.deliveryCpuMs, 3)} ms`),
        `halved (${fmt(before.deliveryCpuMs / after.deliveryCpuMs, 1)}× less)`,
      ],
    ],
  );
  const p99 = percentile(after.latencies, 99);
  const cpuRatio = after.deliveryCpuMs / before.deliveryCpuMs;
  const targets: [string, string, boolean, string][] = [
    [
      "extra RSS for 1,000 streams, fresh process",
      `${fmt(after.coldRssMb, 1)} MB`,
      after.coldRssMb <= 40,
      `${fmt(after.coldRssMb / 40, 2)}× the 40 MB limit`,
    ],
    [
      "extra RSS for 1,000 streams, again after the first closed",
      `${fmt(after.rssMb, 1)} MB`,
      after.rssMb <= 40,
      `${fmt(after.rssMb / 40, 2)}× the 40 MB limit`,
    ],
    [
      "extra heap after GC, fresh process",
      `${fmt(after.coldHeapMb, 1)} MB`,
      after.coldHeapMb <= 10,
      `${fmt(after.coldHeapMb / 10, 2)}× the 10 MB limit`,
    ],
    [
      "extra heap after GC, again after the first closed",
      `${fmt(after.heapMb, 1)} MB`,
      after.heapMb <= 10,
      `${fmt(after.heapMb / 10, 2)}× the 10 MB limit`,
    ],
    ["delivery p99", `${fmt(p99)} ms`, p99 <= 250, `${fmt(p99 / 250, 2)}× the 250 ms limit`],
    [
      "server CPU per delivery",
      `${fmt(after.deliveryCpuMs, 3)} ms`,
      cpuRatio <= 0.5,
      `${fmt(cpuRatio, 2)}× before (halved = 0.5×)`,
    ],
  ];
  out.table(
    ["issue 18 target (shared fan-out)", "measured", "result"],
    targets.map(([name, value, ok, how]) => [name, value, `**${ok ? "met" : "missed"}** (${how})`]),
  );
}

/**
 * The child's clock minus the parent's (timeOrigin + now on each), from the quickest of 5 IPC
 * round trips (the child's reading is taken as at the trip's midpoint).
 */
async function clockOffset(server: { call<T>(method: string, args?: unknown): Promise<T> }) {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < 5; i++) {
    const t0 = performance.timeOrigin + performance.now();
    const child = await server.call<number>("now");
    const t1 = performance.timeOrigin + performance.now();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: child - (t0 + t1) / 2 };
  }
  return best.offset;
}

async function measureFanout(backend: Backend, fanout: boolean): Promise<Figures> {
  // Callers re-checked every 5 s (production: 30 s), so the idle window sees the re-checks.
  const RECHECK_SECONDS = 5;
  const server = await startProduct(
    backend,
    {
      BENCH_WORKER: "0",
      MEDIA_STREAM_RECHECK_SECONDS: String(RECHECK_SECONDS),
      MEDIA_SSE_FANOUT: fanout ? "1" : "0",
    },
    { nodeArgs: process.env.BENCH_FANOUT_NODE_ARGS?.split(" ").filter(Boolean) ?? [] },
  );
  const streams: Stream[] = [];
  try {
    const { users } = await server.call<{ users: { id: string }[] }>("seed", {
      users: USERS,
      assets: USERS,
      prefix: "fan",
    });
    const keys = await server.call<{ userId: string; key: string }[]>("keys", {
      users: users.map((u) => u.id),
    });
    const assets = await server.call<{ id: string; user_id: string }[]>("sql", {
      text: "select id, user_id from media_assets where user_id like 'fan-%' order by user_id",
    });
    await server.call("sql", {
      text: "update media_assets set status = 'running', progress = 1 where user_id like 'fan-%'",
    });
    const assetOf = new Map(assets.map((a) => [a.user_id, a.id]));
    const openAll = async (into: Stream[]) => {
      for (const { userId, key } of keys) {
        for (let i = 0; i < PER_USER; i++) {
          into.push(
            openStream(server.url, key, userId, i % 2 === 0 ? assetOf.get(userId) : undefined),
          );
        }
        await sleep(5); // a few at a time, like tabs and clients opening over a moment
      }
      await Promise.all(into.map((s) => s.connected));
    };
    // Cold: the first 1,000 streams of a fresh process (this also pays the stream path's first
    // use — compiled code, pools — and the young generation's pages becoming resident).
    const cold = await server.call<NodeJS.MemoryUsage>("gc");
    const first: Stream[] = [];
    await openAll(first);
    const coldOpen = await server.call<NodeJS.MemoryUsage>("gc");
    for (const s of first) s.request.destroy();
    // Until the server has let every one of them go (their leases are released on close).
    const closedBy = Date.now() + 60_000;
    for (;;) {
      const [row] = await server.call<{ n: string }[]>("sql", {
        text: "select count(*) as n from media_streams",
      });
      if (Number(row?.n) === 0 || Date.now() > closedBy) break;
      await sleep(250);
    }
    await sleep(500);
    // Warm: the same 1,000 streams again on the process that has served them once; what they
    // add now is what they hold.
    const before = await server.call<NodeJS.MemoryUsage>("gc");
    if (process.env.BENCH_DEBUG) await server.call("heapSampling", { action: "start" });
    await openAll(streams);

    // Every stream hears a first change before measuring (its replay is done, its LISTEN fan-out live).
    const publish = async (progress: number) =>
      server.call<{ at: number; committedAt: number }>("progress", {
        assets,
        progress,
        oneTransaction: true,
      });
    await publish(2);
    const deadline = Date.now() + 30_000;
    while (streams.some((s) => !s.arrivals.has(2)) && Date.now() < deadline) await sleep(50);
    const open = await server.call<NodeJS.MemoryUsage>("gc");
    if (process.env.BENCH_DEBUG) {
      console.log(JSON.stringify({ before, open }));
      const sites = await server.call<[string, number][]>("heapSampling", {
        action: "stop",
        top: 40,
      });
      for (const [site, bytes] of sites)
        console.log(`${(bytes / 1024).toFixed(0).padStart(8)} KB  ${site}`);
    }

    // Idle: 10 s with 1,000 open streams (pings every 10 s, caller re-checks every 5 s).
    const idle0 = processCpuSeconds(server.pid);
    const st0 = (await server.call<Usage>("usage")).statements;
    await sleep(10_000);
    const idleCpu = (processCpuSeconds(server.pid) - idle0) / 10;
    const idleStatements = ((await server.call<Usage>("usage")).statements - st0) / 10;

    const latencies: number[] = [];
    let missing = 0;
    const cpu0 = processCpuSeconds(server.pid);
    for (let round = 0; round < ROUNDS; round++) {
      const progress = 10 + round;
      const offset = await clockOffset(server);
      const { committedAt: childCommittedAt } = await publish(progress);
      // On the parent's clock: each process's timeOrigin is its own wall-clock reading at start,
      // and this VM's clock is adjusted while it runs, so the two disagree by up to a second.
      const committedAt = childCommittedAt - offset;
      const until = Date.now() + 10_000;
      while (streams.some((s) => !s.arrivals.has(progress)) && Date.now() < until) await sleep(20);
      if (process.env.BENCH_DEBUG && streams.some((s) => !s.arrivals.has(progress))) {
        const late = streams.filter((s) => !s.arrivals.has(progress));
        console.log(
          `round ${round}: ${late.length} late; fan-out ${JSON.stringify(await server.call("fanout").catch(() => "-"))}; e.g. ${late
            .slice(0, 3)
            .map(
              (s) =>
                `${s.userId}/${s.assetId ? "asset" : "all"} has ${[...s.arrivals.keys()].join(",")}`,
            )
            .join("; ")}`,
        );
      }
      for (const s of streams) {
        const at = s.arrivals.get(progress);
        if (at === undefined) missing++;
        else latencies.push(at - committedAt);
      }
      await sleep(200);
    }
    const deliveryCpuMs =
      ((processCpuSeconds(server.pid) - cpu0) * 1000) / (ROUNDS * streams.length);
    const after = await server.call<NodeJS.MemoryUsage>("gc");
    const mb = (bytes: number) => bytes / 2 ** 20;
    return {
      streams: streams.length,
      missing,
      latencies,
      rssMb: mb(open.rss - before.rss),
      heapMb: mb(open.heapUsed - before.heapUsed),
      coldRssMb: mb(coldOpen.rss - cold.rss),
      coldHeapMb: mb(coldOpen.heapUsed - cold.heapUsed),
      growthRssMb: mb(after.rss - open.rss),
      growthHeapMb: mb(after.heapUsed - open.heapUsed),
      idleCpu,
      idleStatements,
      arrayBuffersMb: mb(after.arrayBuffers - open.arrayBuffers),
      externalMb: mb(after.external - open.external),
      deliveryCpuMs,
    };
  } finally {
    for (const s of streams) s.request.destroy();
    await server.stop();
  }
}
