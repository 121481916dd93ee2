// The analytics refresh on pg-boss: a tick job that re-sends itself (`tickSeconds` later) before it
// runs, on a `stately` queue — at most one tick queued and one running, however many server
// processes start or re-send it, and a tick that throws never breaks the chain. (pg-boss's cron is
// off in this product — `schedule: false` in queue.ts — so the tick carries its own schedule.)
import { logger } from "@streamline/log";
import type { PgBoss } from "pg-boss";
import {
  type AnalyticsDeps,
  type AnalyticsTickResult,
  runAnalyticsTick,
} from "./analytics-refresh";
import { runJobInContext } from "./job-context";

export const ANALYTICS_QUEUE = "social-analytics-refresh";

export interface AnalyticsQueue {
  boss: PgBoss;
  /** Asks for a tick `afterSeconds` from now (a no-op while one is already queued). */
  requestTick(afterSeconds?: number): Promise<string | null>;
}

export async function createAnalyticsQueue(boss: PgBoss): Promise<AnalyticsQueue> {
  await boss.createQueue(ANALYTICS_QUEUE, {
    policy: "stately",
    retryLimit: 2,
    retryDelay: 30,
    expireInSeconds: 10 * 60,
    notify: true,
  });
  return {
    boss,
    requestTick: (afterSeconds = 0) =>
      boss.send(ANALYTICS_QUEUE, {}, afterSeconds > 0 ? { startAfter: afterSeconds } : {}),
  };
}

/** Runs ticks every `tickSeconds` (default 60) until stopped. */
export async function startAnalyticsWorker(
  queue: AnalyticsQueue,
  deps: AnalyticsDeps,
  options: {
    tickSeconds?: number;
    pollingIntervalSeconds?: number;
    onTick?: (result: AnalyticsTickResult) => void;
  } = {},
): Promise<{ stop(): Promise<void> }> {
  const tickSeconds = options.tickSeconds ?? 60;
  const polling = options.pollingIntervalSeconds ?? 5;
  await queue.boss.work(
    ANALYTICS_QUEUE,
    { pollingIntervalSeconds: polling, notifyPollingIntervalSeconds: polling },
    async ([job]) => {
      if (!job) return;
      const tick = async () => {
        await queue.requestTick(tickSeconds);
        const result = await runAnalyticsTick(deps);
        options.onTick?.(result);
        if (result.calls > 0 || result.adopted > 0) {
          const line = `[analytics] tick: ${result.adopted} adopted, ${result.calls} calls, ${result.snapshots} snapshots, ${result.pending} pending, ${result.failed} failed`;
          if (deps.logger) deps.logger(line);
          else logger.info(result, line);
        }
      };
      await runJobInContext(job, { queue: ANALYTICS_QUEUE }, tick, { endLevel: "debug" });
    },
  );
  await queue.requestTick(0);
  return { stop: () => queue.boss.offWork(ANALYTICS_QUEUE, { wait: false }) };
}
