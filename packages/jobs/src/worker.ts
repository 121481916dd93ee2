import { ShuttingDown } from "./generation/context";
import { abandonGeneration, type GenerationDeps, runGeneration } from "./generation/run";
import { runJobInContext } from "./job-context";
import { runTakenJob } from "./job-telemetry";
import {
  DEFAULT_QUEUE_TIMING,
  GENERATION_DEAD_LETTER,
  GENERATION_QUEUE,
  type GenerationJobData,
  type GenerationQueue,
} from "./queue";

export interface GenerationWorker {
  /**
   * Shutting down (SIGTERM): running jobs stop at their next safe point — before their claim, or
   * while polling a saved provider job — and are retried elsewhere; a create in flight is left to
   * answer so its job id is saved. Call stop() (and queue.stop with a grace period) after it.
   */
  drain(): void;
  stop(): Promise<void>;
}

/**
 * Starts pulling generation jobs from the queue. Each job's AbortSignal fires when the worker
 * stops; the job is then retried later and resumes from the provider job id saved on the row.
 */
export async function startGenerationWorker(
  queue: GenerationQueue,
  deps: GenerationDeps,
  options: {
    concurrency?: number;
    pollingIntervalSeconds?: number;
    /** What a job does; runGeneration unless a test measures the queue alone. */
    runJob?: (assetId: string, signal: AbortSignal, drain: AbortSignal) => Promise<void>;
  } = {},
): Promise<GenerationWorker> {
  const draining = new AbortController();
  const polling = options.pollingIntervalSeconds ?? DEFAULT_QUEUE_TIMING.pollingIntervalSeconds;
  await queue.boss.work<GenerationJobData>(
    GENERATION_QUEUE,
    {
      localConcurrency: options.concurrency ?? 4,
      // NOTIFY wakes idle workers the moment a job is sent, but a worker that was busy then and
      // finishes later would otherwise wait pg-boss's 30 s NOTIFY backstop (max(30 s, polling))
      // before looking again, however many jobs are queued. Polling as often with NOTIFY on as
      // without makes a freed slot take the next job within a second.
      pollingIntervalSeconds: polling,
      notifyPollingIntervalSeconds: polling,
      // createdOn/startAfter/startedOn for the queue-wait metric.
      includeMetadata: true,
    },
    async ([job]) => {
      if (!job) return;
      const runJob =
        options.runJob ?? ((id, signal, drain) => runGeneration(id, deps, signal, drain));
      const { assetId } = job.data;
      await runTakenJob(GENERATION_QUEUE, job, { "streamline.asset.id": assetId }, () =>
        runJobInContext(job, { queue: GENERATION_QUEUE, assetId }, () =>
          runJob(assetId, job.signal, draining.signal),
        ),
      );
    },
  );
  // Jobs whose retries ran out: their asset is marked failed (never left "running" unfollowed).
  await queue.boss.work<GenerationJobData>(
    GENERATION_DEAD_LETTER,
    { pollingIntervalSeconds: polling, notifyPollingIntervalSeconds: Math.max(polling, 5) },
    async ([job]) => {
      if (!job) return;
      const { assetId } = job.data;
      await runJobInContext(job, { queue: GENERATION_DEAD_LETTER, assetId }, () =>
        abandonGeneration(assetId, deps),
      );
    },
  );
  return {
    drain: () => {
      if (!draining.signal.aborted) draining.abort(new ShuttingDown());
    },
    // Stop fetching new jobs without waiting for running ones: queue.stop() gives those a grace
    // period, then aborts them; they are retried later and resume from the saved provider job id.
    stop: async () => {
      await queue.boss.offWork(GENERATION_QUEUE, { wait: false });
      await queue.boss.offWork(GENERATION_DEAD_LETTER, { wait: false });
    },
  };
}
