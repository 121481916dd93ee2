// Crash soak (PostgreSQL): ~200 generations, images and videos, run by three separate worker
// processes while workers are SIGKILLed at random moments and restarted, 20 times. Afterwards every
// asset is terminal (none lost or stuck), the provider saw at most one create per asset and exactly
// one per succeeded asset (an asset interrupted between its claim and the create's answer is failed,
// never created twice), and the takeover time from each kill to the resumed work is measured.
import { http } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresStack, startPostgresStack } from "../test/pg-stack";
import { type ChildRun, startProcess, stopProcess } from "../test/processes";
import {
  captureOutput,
  recordFigures,
  SENTINEL,
  SOAK_WORKER_ENV,
  secretsIn,
  sleep,
  startOtlpCollector,
} from "./helpers";

const GENERATIONS = Number(process.env.SOAK_CRASH_GENERATIONS ?? 200);
const KILLS = Number(process.env.SOAK_CRASH_KILLS ?? 20);
const WORKERS = 3;
const TERMINAL = ["succeeded", "failed", "canceled"];
const METRICS_INTERVAL_MS = 250;
/** A killed worker's counts since its last export die with it: this much before each kill. */
const LOST_WINDOW_MS = 6 * METRICS_INTERVAL_MS;

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("crash soak on PostgreSQL", () => {
  let stack: PostgresStack;
  let workerEnv: Record<string, string>;
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  const output = captureOutput();
  const workers: (ChildRun | undefined)[] = [];
  const providerRequests: number[] = [];
  const retired: ChildRun[] = [];

  beforeAll(async () => {
    stack = await startPostgresStack({
      name: "soak-crash",
      openai: { apiKey: SENTINEL.openai, videoPollsToComplete: 16 },
      // When each provider request arrived (answers nothing: the fake's handlers answer).
      before: () => [
        http.all("*", () => {
          providerRequests.push(Date.now());
        }),
      ],
      env: {
        ...SOAK_WORKER_ENV,
        // Takeover timing is the product's defaults (heartbeat 10 s, supervision 5 s, retry 1 s).
      },
    });
    // The workers push their metrics over OTLP every 250 ms to a receiver here.
    collector = await startOtlpCollector();
    workerEnv = {
      ...stack.env,
      METRICS_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_METRIC_EXPORT_INTERVAL: String(METRICS_INTERVAL_MS),
    };
    for (let i = 0; i < WORKERS; i++) {
      workers.push(await startProcess("worker", workerEnv, /generation worker started/));
    }
  }, 180_000);

  afterAll(async () => {
    for (const w of [...workers, ...retired]) await stopProcess(w, "SIGKILL");
    await stack?.close();
    await collector?.close();
    output.stop();
  });

  it(`${GENERATIONS} generations survive ${KILLS} worker SIGKILLs`, async () => {
    const { api, db, openai } = stack;
    const client = api.client("crash-soak");
    const assetIds: string[] = [];
    const startedAt = Date.now();
    // Submissions trickle in over ~90 s while the killer runs.
    const submit = (async () => {
      for (let i = 0; i < GENERATIONS; i++) {
        const video = i % 5 < 2;
        const { asset } = await client.media.generate.mutate(
          video
            ? {
                type: "video",
                model: "sora-2",
                prompt: `Crash soak #${i} (video)`,
                options: { seconds: 4 },
              }
            : { type: "image", model: "gpt-image-2", prompt: `Crash soak #${i} (image)` },
        );
        assetIds.push(asset.id);
        await sleep(350 + Math.random() * 200);
      }
    })();
    const kills: { at: number; worker: number }[] = [];
    const killer = (async () => {
      await sleep(3_000);
      for (let k = 0; k < KILLS; k++) {
        const index = Math.floor(Math.random() * WORKERS);
        const victim = workers[index];
        if (victim) {
          await stopProcess(victim, "SIGKILL");
          retired.push(victim);
          kills.push({ at: Date.now(), worker: index });
          workers[index] = undefined;
        }
        // Restarted after a moment; the next kill comes 2–6 s later, anywhere in a job's life.
        await sleep(500 + Math.random() * 1_500);
        workers[index] = await startProcess("worker", workerEnv, /generation worker started/);
        await sleep(2_000 + Math.random() * 4_000);
      }
    })();
    await Promise.all([submit, killer]);

    // Every asset reaches a terminal state: takeovers (heartbeat 10 s + supervision 5 s + retry 1 s)
    // finish what the kills interrupted.
    const deadline = Date.now() + 240_000;
    let rows: {
      id: string;
      status: string;
      prompt: string;
      error_code: string | null;
      error_message: string | null;
      attempts: number;
    }[] = [];
    while (Date.now() < deadline) {
      rows = await db.db
        .selectFrom("media_assets")
        .select(["id", "status", "prompt", "error_code", "error_message", "attempts"])
        .where("user_id", "=", "crash-soak")
        .execute();
      if (rows.length === GENERATIONS && rows.every((r) => TERMINAL.includes(r.status))) break;
      await sleep(1_000);
    }
    const stuck = rows.filter((r) => !TERMINAL.includes(r.status));
    const byStatus = Object.fromEntries(
      TERMINAL.map((s) => [s, rows.filter((r) => r.status === s).length]),
    );

    // Provider creates per asset, matched by the prompt each create carried.
    const createsByPrompt = new Map<string, number>();
    for (const route of ["images.generate", "videos.create"] as const) {
      for (const r of openai.requestsTo(route)) {
        const prompt = String(
          (r.json as { prompt?: string } | undefined)?.prompt ??
            (r.fields?.prompt as string | undefined) ??
            "",
        );
        createsByPrompt.set(prompt, (createsByPrompt.get(prompt) ?? 0) + 1);
      }
    }
    const creates = [...createsByPrompt.values()].reduce((a, b) => a + b, 0);
    const doubled = rows.filter((r) => (createsByPrompt.get(r.prompt) ?? 0) > 1);
    const succeededWithoutOne = rows.filter(
      (r) => r.status === "succeeded" && createsByPrompt.get(r.prompt) !== 1,
    );
    const interrupted = rows.filter((r) =>
      /interrupted while it was being submitted/.test(r.error_message ?? ""),
    );

    // Takeover: from a kill to the first "running" event of a new attempt of a job that was in
    // flight (its last event before the new attempt came before the kill).
    const events = await db.db
      .selectFrom("media_events")
      .select(["asset_id", "created_at", "payload"])
      .where("user_id", "=", "crash-soak")
      .orderBy("id")
      .execute();
    const takeovers: number[] = [];
    const lastEvent = new Map<string, number>();
    const started = new Set<string>();
    for (const e of events) {
      const at = e.created_at.getTime();
      const p = e.payload as { kind?: string; status?: string };
      const previous = lastEvent.get(e.asset_id);
      if (p.kind === "status" && p.status === "running") {
        // A second "running" is a new attempt: the job was taken over after its worker died.
        if (started.has(e.asset_id) && previous !== undefined) {
          const kill = kills.find((k) => k.at > previous && k.at < at);
          if (kill) takeovers.push(at - kill.at);
        }
        started.add(e.asset_id);
      }
      lastEvent.set(e.asset_id, at);
    }
    takeovers.sort((a, b) => a - b);

    // Metrics vs the database. Every worker pushed its cumulative counters every 250 ms; a SIGKILL
    // loses what its victim counted since its last push, so terminal events just before a kill
    // bound what may be missing. Never more than the database (no double count), never less than
    // it minus those.
    await sleep(4 * METRICS_INTERVAL_MS); // the survivors' last push
    const inLostWindow = (at: number) =>
      kills.some((k) => at <= k.at && at >= k.at - LOST_WINDOW_MS);
    const terminalEvents = events.filter((e) => {
      const p = e.payload as { kind?: string; status?: string };
      return p.kind !== "progress" && TERMINAL.includes(p.status ?? "");
    });
    const mayBeLost = (status?: string, code?: string) =>
      terminalEvents.filter((e) => {
        const p = e.payload as { status?: string; error?: { code?: string } };
        if (status && p.status !== status) return false;
        if (code && p.error?.code !== code) return false;
        return inLostWindow(e.created_at.getTime());
      }).length;
    const metricsCheck = [
      ...TERMINAL.map((status) => ({
        what: status,
        status,
        code: undefined as string | undefined,
      })),
      ...[...new Set(rows.filter((r) => r.status === "failed").map((r) => r.error_code))].map(
        (code) => ({ what: `failed ${code}`, status: "failed", code: code ?? undefined }),
      ),
    ].map(({ what, status, code }) => ({
      what,
      metric: collector.total("streamline.generations", {
        status,
        ...(code ? { "error.type": code } : {}),
      }),
      db: rows.filter((r) => r.status === status && (!code || r.error_code === code)).length,
      lostAtKills: mayBeLost(status, code),
    }));
    // Provider attempts: one counted per request the fake received, the same bound at kills.
    metricsCheck.push({
      what: "provider attempts",
      metric: collector.total("streamline.provider.call.attempts"),
      db: providerRequests.length,
      lostAtKills: providerRequests.filter(inLostWindow).length,
    });
    const metricsDisagree = metricsCheck.filter(
      (m) => m.metric > m.db || m.metric < m.db - m.lostAtKills,
    );
    const seconds = (ms: number | undefined) =>
      ms === undefined ? null : Number((ms / 1000).toFixed(1));
    const logs = [output.text(), ...[...workers, ...retired].map((w) => w?.output() ?? "")].join(
      "\n",
    );
    const figures = {
      generations: rows.length,
      ...byStatus,
      stuck: stuck.length,
      kills: kills.length,
      providerCreates: creates,
      assetsWithTwoCreates: doubled.length,
      interruptedMidSubmit: interrupted.length,
      failedCodes: [...new Set(rows.filter((r) => r.status === "failed").map((r) => r.error_code))],
      // e.g. an image whose worker died after the provider answered: its bytes died with it.
      failedMessages: [
        ...new Set(
          rows
            .filter((r) => r.status === "failed")
            .map((r) => (r.error_message ?? "").slice(0, 90)),
        ),
      ],
      takeovers: takeovers.length,
      takeoverSeconds: {
        min: seconds(takeovers[0]),
        median: seconds(takeovers[Math.floor(takeovers.length / 2)]),
        max: seconds(takeovers.at(-1)),
      },
      maxAttempts: Math.max(...rows.map((r) => r.attempts)),
      wallSeconds: Math.round((Date.now() - startedAt) / 1000),
      secretsInLogs: secretsIn(logs).length,
      metricsReporters: collector.instances().length,
      metricsVsDb: metricsCheck,
    };
    recordFigures("crash", figures);

    expect(rows).toHaveLength(GENERATIONS);
    // A job whose worker dies three times exhausts pg-boss's retryLimit (2): its asset would stay
    // "running" with no job left to finish it. Said plainly if it happens.
    const jobStates =
      stuck.length && db.kind === "postgres"
        ? (
            await db.pool.query<{ state: string; asset: string }>(
              "select state, data->>'assetId' as asset from pgboss.job where name = 'media-generate'",
            )
          ).rows
        : [];
    expect(
      stuck.map(
        (r) =>
          `${r.id} ${r.status} after ${r.attempts} attempts; job ${
            jobStates
              .filter((j) => j.asset === r.id)
              .map((j) => j.state)
              .join(",") || "none"
          }`,
      ),
    ).toEqual([]);
    expect(doubled.map((r) => r.prompt)).toEqual([]);
    expect(succeededWithoutOne.map((r) => r.prompt)).toEqual([]);
    // creates == assets, less the ones interrupted before their create reached the provider.
    expect(creates).toBeLessThanOrEqual(rows.length);
    expect(creates).toBeGreaterThanOrEqual(rows.length - interrupted.length);
    for (const r of rows.filter((x) => x.status === "failed")) expect(r.error_code).toBeTruthy();
    expect(kills).toHaveLength(KILLS);
    expect(takeovers.length).toBeGreaterThan(0);
    expect(takeovers.at(-1)).toBeLessThanOrEqual(30_000);
    expect(figures.secretsInLogs).toBe(0);
    expect(figures.metricsReporters).toBeGreaterThanOrEqual(WORKERS);
    expect(metricsDisagree).toEqual([]);
  }, 600_000);
});
