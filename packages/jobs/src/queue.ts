import type { Database, DbHandle } from "@streamline/db";
import { logger } from "@streamline/log";
import type { Kysely } from "kysely";
import { fromKysely, fromPglite, type Db as IDatabase, PgBoss } from "pg-boss";
import { type JobOrigin, jobOrigin } from "./job-context";
import { traceData } from "./job-telemetry";

export const GENERATION_QUEUE = "media-generate";
/**
 * Where pg-boss moves a generation job whose retries are used up (its worker died again and again,
 * or it kept throwing): a small worker there marks the asset failed, so it never stays "running"
 * with nobody following it. Its provider job is left alone; Retry resumes it.
 */
export const GENERATION_DEAD_LETTER = "media-generate-abandoned";

/**
 * The asset, the request id and user of the call that asked for it (log context), and its trace
 * context (when tracing is on).
 */
export type GenerationJobData = {
  assetId: string;
  trace?: Record<string, string> | undefined;
} & JobOrigin;

export interface QueueOptions {
  /** Seconds without a worker heartbeat before its job counts as abandoned (pg-boss minimum 10). */
  heartbeatSeconds?: number;
  /** How often the supervisor looks for abandoned jobs. */
  superviseIntervalSeconds?: number;
  /** Seconds to wait before a job abandoned by a dead worker is tried again. */
  retryDelaySeconds?: number;
  /** How many times a job is tried again (after a dead worker or a throw) before its dead letter. */
  retryLimit?: number;
}

/**
 * Crash takeover = heartbeat + supervision tick + retry delay + pickup: 10 + 5 + 1 + ≤1 s, so a job
 * whose worker died resumes within ~17 s (pg-boss's own defaults add up to 65 s).
 */
export const DEFAULT_QUEUE_TIMING = {
  heartbeatSeconds: 10,
  superviseIntervalSeconds: 5,
  retryDelaySeconds: 1,
  /** How often an idle worker looks for a job besides NOTIFY wake-ups (see worker.ts). */
  pollingIntervalSeconds: 1,
  /** Tries after the first (1 + 2 + 4 + 8 + 16 s apart, plus takeovers) before the dead letter. */
  retryLimit: 5,
} as const;

/**
 * The durable generation queue, on pg-boss in the product database. On PostgreSQL pg-boss keeps its
 * own small pool plus one LISTEN connection (jobs are picked up the moment they are sent); on
 * embedded PGlite it goes through the same single connection as Kysely, queued behind open
 * transactions so its statements never land inside one.
 */
export async function createGenerationQueue(handle: DbHandle, options: QueueOptions = {}) {
  const common = {
    useListenNotify: true,
    superviseIntervalSeconds:
      options.superviseIntervalSeconds ?? DEFAULT_QUEUE_TIMING.superviseIntervalSeconds,
    monitorIntervalSeconds:
      options.superviseIntervalSeconds ?? DEFAULT_QUEUE_TIMING.superviseIntervalSeconds,
    schedule: false,
  } as const;
  const boss =
    handle.kind === "pglite"
      ? new PgBoss({ ...common, backend: "pglite", db: pgliteThroughKysely(handle) })
      : new PgBoss({ ...common, connectionString: connectionStringOf(handle), max: 4 });
  boss.on("error", (error: unknown) =>
    logger.error(`[jobs] queue error: ${error instanceof Error ? error.message : String(error)}`),
  );
  await boss.start();
  await boss.createQueue(GENERATION_DEAD_LETTER, { retryLimit: 5, retryDelay: 5, notify: true });
  const retries = {
    retryLimit: options.retryLimit ?? DEFAULT_QUEUE_TIMING.retryLimit,
    deadLetter: GENERATION_DEAD_LETTER,
  };
  await boss.createQueue(GENERATION_QUEUE, {
    // A job survives a dead worker: without a heartbeat for `heartbeatSeconds` it is retried,
    // and the retry resumes the provider job saved on the asset row instead of starting another.
    heartbeatSeconds: options.heartbeatSeconds ?? DEFAULT_QUEUE_TIMING.heartbeatSeconds,
    ...retries,
    retryDelay: options.retryDelaySeconds ?? DEFAULT_QUEUE_TIMING.retryDelaySeconds,
    retryBackoff: true,
    // Videos may take 20 minutes; past this the job is retried (and resumes) rather than lost.
    expireInSeconds: 30 * 60,
    notify: true,
  });
  // createQueue leaves an existing queue as it was: bring one made by an older version up to date.
  await boss.updateQueue(GENERATION_QUEUE, retries);

  return {
    boss,
    /** Sends the job inside the caller's transaction: it exists exactly when the asset row does. */
    async enqueue(tx: Kysely<Database>, assetId: string): Promise<string | null> {
      const data: GenerationJobData = { assetId, ...jobOrigin(), ...traceData() };
      return boss.send(GENERATION_QUEUE, data, {
        db: fromKysely(tx),
        singletonKey: assetId,
      });
    },
    async stop(options: { graceful?: boolean; timeoutMs?: number } = {}): Promise<void> {
      await boss.stop({ graceful: options.graceful ?? true, timeout: options.timeoutMs ?? 5_000 });
    },
  };
}

export type GenerationQueue = Awaited<ReturnType<typeof createGenerationQueue>>;

function pgliteThroughKysely(handle: Extract<DbHandle, { kind: "pglite" }>): IDatabase {
  const inner = fromPglite(handle.pglite);
  return {
    executeSql: (text, values) =>
      handle.db.connection().execute(() => inner.executeSql(text, values)),
    ...(inner.listen
      ? {
          listen: (
            channel: string,
            onNotification: (payload: string) => void,
            onReconnect: () => void,
          ) =>
            handle.db
              .connection()
              .execute(() =>
                (inner.listen as NonNullable<IDatabase["listen"]>)(
                  channel,
                  onNotification,
                  onReconnect,
                ),
              ),
        }
      : {}),
  };
}

function connectionStringOf(handle: Extract<DbHandle, { kind: "postgres" }>): string {
  const connectionString = handle.pool.options.connectionString;
  if (!connectionString) throw new Error("The PostgreSQL handle has no connection string.");
  return connectionString;
}
