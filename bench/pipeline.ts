// Pipeline overhead: what a generation costs us when the provider costs nothing. The product server
// runs in a child process with the zero-latency fake provider (bench/lib/fake-provider.ts) as its
// fetch; clients here call it like any internal app: API keys, `media.generate` over HTTP, the
// user's `media.onProgress` stream over SSE, until the terminal event. Per-stage times come from
// timestamps both sides can see: the client's clock around its calls, and the database's
// (asset row, pg-boss job start, each event's row) — one machine, one clock.
import { createMediaClient, type MediaClient } from "@streamline/client";
import { type Backend, startProduct } from "./lib/child";
import type { Section } from "./lib/results";
import { fmt, median, percentile, postgresCpuSeconds } from "./lib/stats";

const now = () => performance.timeOrigin + performance.now();

type Timing = { assetId: string; t0: number; t1: number; t2: number; status: string };
type Client = {
  api: MediaClient;
  seen: Map<string, { events: { status: string; at: number }[]; done?: () => void }>;
  close(): void;
};

const TERMINAL = new Set(["succeeded", "failed", "canceled"]);

function connect(url: string, apiKey: string): Promise<Client> {
  const api = createMediaClient({ url, apiKey });
  const seen: Client["seen"] = new Map();
  return new Promise((resolve, reject) => {
    const sub = api.media.onProgress.subscribe(
      {},
      {
        onStarted: () => resolve({ api, seen, close: () => sub.unsubscribe() }),
        onData: ({ data }) => {
          const at = now();
          let entry = seen.get(data.assetId);
          if (!entry) {
            entry = { events: [] };
            seen.set(data.assetId, entry);
          }
          entry.events.push({ status: data.status, at });
          if (TERMINAL.has(data.status)) entry.done?.();
        },
        onError: reject,
      },
    );
  });
}

const INPUTS = {
  image: { type: "image", model: "gpt-image-2", prompt: "Creatine gummies in a gym bag" },
  video: {
    type: "video",
    model: "sora-2",
    prompt: "Creatine gummies poured into a shaker, slow motion",
    options: { seconds: 4 },
  },
} as const;

async function generateOnce(client: Client, type: "image" | "video"): Promise<Timing> {
  const t0 = now();
  const { asset } = await client.api.media.generate.mutate(INPUTS[type]);
  const t1 = now();
  let entry = client.seen.get(asset.id);
  if (!entry) {
    entry = { events: [] };
    client.seen.set(asset.id, entry);
  }
  const terminal = () => entry.events.find((e) => TERMINAL.has(e.status));
  if (!terminal()) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no terminal event for ${asset.id}`)),
        60_000,
      );
      entry.done = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  const end = terminal() as { status: string; at: number };
  client.seen.delete(asset.id);
  return { assetId: asset.id, t0, t1, t2: end.at, status: end.status };
}

/** Each client generates in a loop until `perClient` are done or `maxMs` passed. */
async function load(
  clients: Client[],
  type: "image" | "video",
  perClient: number,
  maxMs: number,
): Promise<{ timings: Timing[]; wallMs: number }> {
  const timings: Timing[] = [];
  const start = now();
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < perClient && now() - start < maxMs; i++) {
        timings.push(await generateOnce(client, type));
      }
    }),
  );
  return { timings, wallMs: now() - start };
}

type StageRow = {
  id: string;
  created: number;
  job_created: number | null;
  job_started: number | null;
  events: { at: number; status: string; phase: string; progress: number; kind: string }[];
};

const STAGE_SQL = `
  select a.id,
    extract(epoch from a.created_at) * 1000 as created,
    (select extract(epoch from j.created_on) * 1000 from pgboss.job j
       where j.name = 'media-generate' and j.data->>'assetId' = a.id::text
       order by j.started_on limit 1) as job_created,
    (select extract(epoch from j.started_on) * 1000 from pgboss.job j
       where j.name = 'media-generate' and j.data->>'assetId' = a.id::text
       order by j.started_on limit 1) as job_started,
    (select json_agg(json_build_object('at', extract(epoch from e.created_at) * 1000,
        'status', e.payload->>'status', 'phase', e.payload->>'phase',
        'progress', (e.payload->>'progress')::int, 'kind', e.payload->>'kind') order by e.id)
       from media_events e where e.asset_id = a.id) as events
  from media_assets a
  where a.id in (select jsonb_array_elements_text($1::jsonb))`;

/** Milliseconds per stage for each timed generation (medians reported). */
function stagesOf(timings: Timing[], rows: StageRow[]) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const stages: Record<string, number[]> = {};
  const add = (name: string, value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value)) return;
    stages[name] ??= [];
    stages[name].push(value);
  };
  for (const t of timings) {
    const row = byId.get(t.assetId);
    if (!row) continue;
    const ev = row.events ?? [];
    const running = ev.find((e) => e.status === "running");
    const submitted = ev.find((e) => e.phase === "generating");
    const storing = ev.find((e) => e.phase === "storing");
    const result = ev.find((e) => TERMINAL.has(e.status));
    const created = Number(row.created);
    const jobStarted = row.job_started === null ? undefined : Number(row.job_started);
    add("1 request → row (HTTP, auth, validation, quota)", created - t.t0);
    add("2 row → answer (insert + enqueue + commit, DTO, response)", t.t1 - created);
    add(
      "3 commit → job picked up (NOTIFY / poll)",
      jobStarted === undefined ? undefined : jobStarted - created,
    );
    add(
      "4 job start (read row, `running` tx)",
      jobStarted === undefined || !running ? undefined : running.at - jobStarted,
    );
    add(
      "5 provider create + decode + save job id",
      running && submitted ? submitted.at - running.at : undefined,
    );
    add(
      "6 polls (first waits MEDIA_POLL_MIN_MS)",
      submitted && storing ? storing.at - submitted.at : undefined,
    );
    add(
      "7 download + store (+ ffmpeg probe for video)",
      storing && result ? result.at - storing.at : undefined,
    );
    add("8 final tx + NOTIFY + SSE to client", result ? t.t2 - result.at : undefined);
  }
  return stages;
}

/**
 * Before/after in one run: today's code with the earlier multi-statement writes and tRPC's stream
 * per connection (MEDIA_LEGACY_ROUND_TRIPS=1, MEDIA_SSE_FANOUT=0), then as shipped.
 */
const VARIANTS = [
  { label: "before", env: { MEDIA_LEGACY_ROUND_TRIPS: "1", MEDIA_SSE_FANOUT: "0" } },
  { label: "after", env: { MEDIA_LEGACY_ROUND_TRIPS: "0", MEDIA_SSE_FANOUT: "1" } },
] as const;

/** One variant's figures for one generation type (the targets compare after with before). */
type PipelineFigures = {
  label: string;
  type: "image" | "video";
  perSecond: number;
  serverCpuMs: number;
  postgresCpuMs: number | undefined;
  statements: number;
};

export async function pipelineBench(backend: Backend, out: Section): Promise<void> {
  const rows: string[][] = [];
  const figures: PipelineFigures[] = [];
  let stageTables: { type: string; stages: Record<string, number[]> }[] = [];
  for (const variant of process.env.BENCH_PIPELINE_AFTER_ONLY ? VARIANTS.slice(1) : VARIANTS) {
    stageTables = await pipelineRun(backend, variant, rows, figures);
  }
  printPipeline(backend, out, rows, stageTables);
  printPipelineTargets(out, figures);
}

/** Issue 18's generation targets, met or missed, from the before/after rows of this run. */
function printPipelineTargets(out: Section, figures: PipelineFigures[]): void {
  const of = (label: string) => figures.find((f) => f.label === label && f.type === "image");
  const before = of("before");
  const after = of("after");
  if (!after) return;
  const cpu = (f: PipelineFigures) => f.serverCpuMs + (f.postgresCpuMs ?? 0);
  const verdict = (ok: boolean, by: string) => (ok ? `**met** (${by})` : `**missed** (${by})`);
  const rows: string[][] = [
    [
      "SQL statements per image",
      before ? fmt(before.statements, 1) : "—",
      fmt(after.statements, 1),
      "≤ 20",
      verdict(after.statements <= 20, `${fmt(after.statements / 20, 2)}× the limit`),
    ],
  ];
  if (before) {
    const cpuRatio = cpu(after) / cpu(before);
    const speedup = after.perSecond / before.perSecond;
    const wanted = cpu(before) / cpu(after);
    rows.push(
      [
        `server${after.postgresCpuMs === undefined ? " (PGlite in process)" : " + PostgreSQL"} CPU per image`,
        `${fmt(cpu(before), 1)} ms`,
        `${fmt(cpu(after), 1)} ms`,
        "halved (≤ 0.5×)",
        verdict(cpuRatio <= 0.5, `${fmt(cpuRatio, 2)}× before`),
      ],
      [
        "images/s at 50 clients",
        fmt(before.perSecond, 1),
        fmt(after.perSecond, 1),
        `up by the CPU factor (≥ ${fmt(wanted, 2)}×) and by 2×`,
        `${fmt(speedup, 2)}× before: ${speedup >= wanted ? "met" : "missed"} against the CPU factor, ${speedup >= 2 ? "met" : "missed"} against 2×`,
      ],
    );
  }
  out.line("Issue 18 targets for a generation (image rows above, before vs after in this run):");
  out.line();
  out.table(["target", "before", "after", "wanted", "result"], rows);
}

async function pipelineRun(
  backend: Backend,
  variant: (typeof VARIANTS)[number],
  rows: string[][],
  figures: PipelineFigures[],
): Promise<{ type: string; stages: Record<string, number[]> }[]> {
  const CLIENTS = 50;
  const concurrency = process.env.BENCH_WORKER_CONCURRENCY ?? "50";
  const server = await startProduct(backend, {
    BENCH_FAKE_PROVIDER: "1",
    WORKER_CONCURRENCY: concurrency,
    MEDIA_POLL_MIN_MS: "10",
    MEDIA_POLL_MAX_MS: "10",
    ...variant.env,
  });
  const dbName = server.databaseUrl ? new URL(server.databaseUrl).pathname.slice(1) : undefined;
  try {
    const keys = await server.call<{ userId: string; key: string }[]>("keys", {
      users: Array.from({ length: CLIENTS }, (_, i) => `pipe-${i}`),
    });
    const clients = await Promise.all(keys.map((k) => connect(server.url, k.key)));
    // Warm-up: every client's stream is open and every code path has run once.
    await load(clients, "image", 2, 30_000);
    await load(clients, "video", 1, 30_000);

    const stageTables: { type: string; stages: Record<string, number[]> }[] = [];
    for (const type of ["image", "video"] as const) {
      const unloaded = await load([clients[0] as Client], type, type === "image" ? 30 : 15, 20_000);
      const cpu0 = await server.call<{ cpu: NodeJS.CpuUsage; statements: number }>("usage");
      const pg0 = dbName ? postgresCpuSeconds(dbName) : 0;
      const client0 = process.cpuUsage();
      const loaded = await load(clients, type, type === "image" ? 12 : 6, 45_000);
      const cpu1 = await server.call<{ cpu: NodeJS.CpuUsage; statements: number }>("usage");
      const pg1 = dbName ? postgresCpuSeconds(dbName) : 0;
      const client1 = process.cpuUsage(client0);
      const n = loaded.timings.length;
      const serverCpuMs =
        (cpu1.cpu.user + cpu1.cpu.system - cpu0.cpu.user - cpu0.cpu.system) / 1000 / n;
      const lat = (t: Timing[]) => t.map((x) => x.t2 - x.t0);
      const failed = loaded.timings.filter((t) => t.status !== "succeeded").length;
      figures.push({
        label: variant.label,
        type,
        perSecond: (n / loaded.wallMs) * 1000,
        serverCpuMs,
        postgresCpuMs: dbName ? ((pg1 - pg0) * 1000) / n : undefined,
        statements: (cpu1.statements - cpu0.statements) / n,
      });
      rows.push([
        `${variant.label}: ${type === "image" ? "image (gpt-image-2 shape)" : "video (Sora shape, done on 1st poll)"}`,
        fmt(median(lat(unloaded.timings))),
        fmt(percentile(lat(unloaded.timings), 99)),
        fmt(median(lat(loaded.timings))),
        fmt(percentile(lat(loaded.timings), 99)),
        fmt(Math.max(...lat(loaded.timings))),
        fmt((n / loaded.wallMs) * 1000),
        fmt(serverCpuMs),
        dbName ? fmt(((pg1 - pg0) * 1000) / n) : "(in server)",
        fmt((client1.user + client1.system) / 1000 / n),
        fmt((cpu1.statements - cpu0.statements) / n),
        `${n}${failed ? ` (${failed} not succeeded)` : ""}`,
      ]);
      const stageRows = await server.call<StageRow[]>("sql", {
        text: STAGE_SQL,
        values: [JSON.stringify(loaded.timings.map((t) => t.assetId))],
      });
      stageTables.push({ type, stages: stagesOf(loaded.timings, stageRows) });
      const unloadedRows = await server.call<StageRow[]>("sql", {
        text: STAGE_SQL,
        values: [JSON.stringify(unloaded.timings.map((t) => t.assetId))],
      });
      stageTables.push({
        type: `${type}, unloaded`,
        stages: stagesOf(unloaded.timings, unloadedRows),
      });
    }
    for (const c of clients) c.close();
    return stageTables;
  } finally {
    await server.stop();
  }
}

function printPipeline(
  backend: Backend,
  out: Section,
  rows: string[][],
  stageTables: { type: string; stages: Record<string, number[]> }[],
): void {
  const CLIENTS = 50;
  const concurrency = process.env.BENCH_WORKER_CONCURRENCY ?? "50";

  out.line(
    `**${backend}**: ${CLIENTS} clients with API keys, each: \`media.generate\` → terminal event on its open \`onProgress\` stream (SSE); WORKER_CONCURRENCY=${concurrency}, MEDIA_POLL_MIN_MS=10 (production: 2,000), JOB_POLL_SECONDS=1. Latency in ms from the generate call to the terminal event; unloaded = 1 client alone.`,
  );
  out.line();
  out.table(
    [
      "generation",
      "unloaded p50",
      "unloaded p99",
      "50 clients p50",
      "p99",
      "max",
      "generations/s",
      "server CPU ms/gen",
      "PostgreSQL CPU ms/gen",
      "clients' CPU ms/gen",
      "SQL statements/gen",
      "n",
    ],
    rows,
  );
  const names = [...new Set(stageTables.flatMap((t) => Object.keys(t.stages)))].sort();
  out.line(
    "Where the time goes, after (median ms per stage; database timestamps are transaction starts):",
  );
  out.line();
  out.table(
    ["stage", ...stageTables.map((t) => t.type)],
    names.map((name) => [
      name,
      ...stageTables.map((t) => {
        const values = t.stages[name];
        return values?.length ? `${fmt(median(values))} (p99 ${fmt(percentile(values, 99))})` : "—";
      }),
    ]),
  );
}
