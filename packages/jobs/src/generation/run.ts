// The generation worker's run loop: start → (submit | poll) → store, each step a function over one
// run context, every change to the row made through `transition` (generation/transition.ts). Safe
// to run again after a crash at any point: a saved provider job id is polled, never submitted
// again, and a finished asset is left alone.
import { assetMetadataOf, findMediaAssetById } from "@streamline/db";
import { logger, setContextFields } from "@streamline/log";
import {
  DEFAULT_POLL_POLICY,
  findModelSpec,
  formatFailureLine,
  MediaGenError,
  type MediaModel,
  type MediaOutput,
  wasFailureLogged,
} from "@streamline/providers";
import { inSpan } from "@streamline/telemetry";
import { changeAsset } from "../events";
import { advance, Canceled, type GenerationDeps, type GenerationRun } from "./context";
import { providerJobOf } from "./provider-job";
import { poll, submit } from "./steps";
import { chargeOf, store } from "./store";
import { nextStep, phaseOf, transition } from "./transition";

export type { GenerationDeps } from "./context";

function timeOf(value: string | undefined): number | undefined {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Runs (or resumes) one asset's generation: submit → persist the provider's job id → poll → stream
 * the result to storage → succeeded.
 */
export async function runGeneration(
  assetId: string,
  deps: GenerationDeps,
  signal?: AbortSignal,
  drain?: AbortSignal,
): Promise<void> {
  if (drain?.aborted) throw drain.reason;
  const asset = await findMediaAssetById(deps.db, assetId);
  if (!asset) return;
  setContextFields({ userId: asset.user_id });
  const startedAt = Date.now();
  const job = providerJobOf(asset);
  const metadata = assetMetadataOf(asset);
  const run: GenerationRun = {
    deps,
    assetId,
    signal,
    drain,
    spec: findModelSpec(asset.model),
    policy: { ...DEFAULT_POLL_POLICY, ...deps.poll },
    asset,
    job,
    phase: phaseOf(job),
    startedAt,
    // The deadline runs from the submission's start — the create is under it too — or from the
    // Retry that resumed the job, not from this attempt: a job taken over after a crash keeps the
    // time it had left (submittedAt is saved with the provider's job id).
    since: timeOf(metadata.resumedAt) ?? timeOf(metadata.submittedAt) ?? startedAt,
    delivered: false,
    lastProgressWrite: 0,
  };
  if (!(await advance(run, { type: "start" }))) return;
  try {
    const model = deps.providers.getModel(asset.model);
    const output = await follow(run, model);
    await inSpan("media.store", { attributes: { "streamline.asset.id": assetId } }, () =>
      store(run, output, model),
    );
  } catch (error) {
    if (error instanceof Canceled) return;
    if (signal?.aborted) throw error; // shutting down: the job is retried and resumes
    if (drain?.aborted && stoppedAtSafePoint(run, error, drain)) throw error;
    await fail(run, error);
  }
}

/**
 * Draining, the run gave up at a safe point: before its claim (nothing was sent) or while a saved
 * provider job was followed (the retry resumes it, never creates another). A create that failed
 * on its own during the drain is recorded as usual.
 */
function stoppedAtSafePoint(run: GenerationRun, error: unknown, drain: AbortSignal): boolean {
  if (run.job.state === "live") return true;
  return run.job.state === "none" && error === drain.reason;
}

/** Sends the create, or follows the job a previous attempt saved. */
async function follow(run: GenerationRun, model: MediaModel): Promise<MediaOutput> {
  const job = run.job;
  const step = nextStep(job);
  if (step === "submit") return submit(run, model);
  if (step === "poll" && "id" in job) return poll(run, model, job.id);
  // We claimed the submission before and never heard back: the provider may have started a
  // job we cannot see. Starting another could charge twice, so stop here and say so.
  await advance(run, { type: "unanswered" });
  throw new MediaGenError(
    "PROVIDER_ERROR",
    "The generation was interrupted while it was being submitted and was not sent again, to avoid a second charge. Retry it to start over.",
    { provider: model.provider, model: model.id, retryable: false },
  );
}

async function fail(run: GenerationRun, error: unknown): Promise<void> {
  const failure =
    error instanceof MediaGenError
      ? error
      : new MediaGenError(
          "PROVIDER_ERROR",
          error instanceof Error ? error.message : "The generation failed.",
          { cause: error },
        );
  const failed = await advance(run, {
    type: "fail",
    error: { code: failure.code, message: failure.message },
    phase: run.phase,
    job: run.job.state,
    costUsd: chargeOf(run),
    at: new Date(),
  });
  // One line per failure: adapters log what they saw; here only what they did not (timeouts,
  // storage, lost results), and nothing for an asset that was canceled meanwhile.
  if (failed && !wasFailureLogged(failure)) {
    logError(run.deps, formatFailureLine(failure, run.assetId));
  }
}

/**
 * A job whose retries ran out (see GENERATION_DEAD_LETTER): the asset is marked failed with what we
 * know of its provider job — still live when its id was saved (Retry then resumes it, no new
 * charge), unknown when it died mid-submit.
 */
export async function abandonGeneration(
  assetId: string,
  deps: Pick<GenerationDeps, "db" | "logger">,
): Promise<void> {
  const asset = await findMediaAssetById(deps.db, assetId);
  if (!asset) return;
  const next = transition(asset, { type: "abandon", at: new Date() });
  if ("refused" in next) return;
  const failed = await changeAsset(deps.db, asset, next.patch, next.event, next.guard);
  if (failed)
    logError(
      deps,
      `[MediaGen] Error: ${asset.provider} ${asset.model} TIMEOUT ${failed.error_message} (asset ${assetId})`,
    );
}

/** A terminal failure's one line: to the injected logger (tests), else the process logger. */
function logError(deps: Pick<GenerationDeps, "logger">, line: string): void {
  if (deps.logger) deps.logger(line);
  else logger.error(line);
}
