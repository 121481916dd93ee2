import { type GenerationDeps, runGeneration } from "./generation";
import { GENERATION_QUEUE, type GenerationJobData, type GenerationQueue } from "./queue";

/**
 * Starts pulling generation jobs from the queue. Each job's AbortSignal fires when the worker
 * stops; the job is then retried later and resumes from the provider job id saved on the row.
 */
export async function startGenerationWorker(
  queue: GenerationQueue,
  deps: GenerationDeps,
  options: { concurrency?: number } = {},
): Promise<{ stop(): Promise<void> }> {
  await queue.boss.work<GenerationJobData>(
    GENERATION_QUEUE,
    { localConcurrency: options.concurrency ?? 4, pollingIntervalSeconds: 2 },
    async ([job]) => {
      if (!job) return;
      await runGeneration(job.data.assetId, deps, job.signal);
    },
  );
  return {
    // Stop fetching new jobs without waiting for running ones: queue.stop() gives those a grace
    // period, then aborts them; they are retried later and resume from the saved provider job id.
    stop: () => queue.boss.offWork(GENERATION_QUEUE, { wait: false }),
  };
}
