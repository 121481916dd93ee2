// OpenTelemetry for a server or worker process (README "Observability"): the exporters the
// environment asks for, and what the observable instruments read — queue depth from pg-boss, open
// progress streams of this process, today's spend from the database. With METRICS_EXPORTER and
// TRACES_EXPORTER both `none` (the default) nothing is started and nothing is ever queried.
import { openStreamsOf } from "@streamline/api";
import type { DbHandle, MediaEventListener } from "@streamline/db";
import { ANALYTICS_QUEUE, GENERATION_QUEUE, POSTING_QUEUE } from "@streamline/jobs";
import { logger } from "@streamline/log";
import { DiagLogLevel, diag, setObservers } from "@streamline/telemetry";
import { startTelemetry, type Telemetry } from "@streamline/telemetry/sdk";
import { sql } from "kysely";
import type { Env } from "./env";

const QUEUES = [GENERATION_QUEUE, POSTING_QUEUE, ANALYTICS_QUEUE];

export async function startProcessTelemetry(
  env: Env,
  parts: {
    handle: DbHandle;
    events: MediaEventListener;
    /** service.name unless OTEL_SERVICE_NAME says otherwise. */
    service: string;
    boss: {
      getQueues(
        names: string[],
      ): Promise<
        { name: string; readyCount: number; deferredCount: number; activeCount: number }[]
      >;
    };
  },
): Promise<Telemetry | undefined> {
  // Read only while a meter provider is bound (ours below, or a test's in-memory one).
  setObservers({
    queueDepth: async () =>
      (await parts.boss.getQueues(QUEUES)).flatMap((q) => [
        { queue: q.name, state: "ready", jobs: q.readyCount },
        { queue: q.name, state: "deferred", jobs: q.deferredCount },
        { queue: q.name, state: "active", jobs: q.activeCount },
      ]),
    sseStreams: () => openStreamsOf(parts.events),
    spendToday: () => spendToday(parts.handle),
  });
  if (env.METRICS_EXPORTER === "none" && env.TRACES_EXPORTER === "none") return undefined;
  // The SDK's own problems (an OTLP endpoint that refuses, a dropped export) as warning lines.
  diag.setLogger(
    {
      error: (message) => logger.warn(`[telemetry] ${message}`),
      warn: (message) => logger.warn(`[telemetry] ${message}`),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    DiagLogLevel.WARN,
  );
  const telemetry = await startTelemetry({
    metrics: env.METRICS_EXPORTER,
    traces: env.TRACES_EXPORTER,
    serviceName: parts.service,
    prometheus: { host: env.METRICS_HOST, port: env.METRICS_PORT },
    exportIntervalMs: env.OTEL_METRIC_EXPORT_INTERVAL,
  });
  if (telemetry.prometheusUrl)
    logger.info(`[telemetry] Prometheus metrics on ${telemetry.prometheusUrl}`);
  return telemetry;
}

/** Today's (UTC) charges of every user, generations and captions apart (demo work costs 0). */
async function spendToday(handle: DbHandle): Promise<{ kind: string; usd: number }[]> {
  const today = sql<Date>`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`;
  const [generation, caption] = await Promise.all([
    handle.db
      .selectFrom("media_assets")
      .select((eb) => eb.fn.sum<string | null>("cost_usd").as("usd"))
      .where("created_at", ">=", today)
      .executeTakeFirst(),
    handle.db
      .selectFrom("caption_requests")
      .select((eb) => eb.fn.sum<string | null>("cost_usd").as("usd"))
      .where("created_at", ">=", today)
      .executeTakeFirst(),
  ]);
  return [
    { kind: "generation", usd: Number(generation?.usd ?? 0) },
    { kind: "caption", usd: Number(caption?.usd ?? 0) },
  ];
}
