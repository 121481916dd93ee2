// The steps that talk to the provider: submit (claim, create, save the job id) and poll (follow a
// saved job until it answers). Each takes the run context; every row change goes through
// `advance` → `transition`.
import { findMediaAssetState } from "@streamline/db";
import {
  MediaGenError,
  type MediaModel,
  type MediaOutput,
  type ModelOptionValues,
  type OperationStatus,
  pollUntilDone,
  resolveOptions,
  startWithinDeadline,
} from "@streamline/providers";
import { estimateProgress } from "../progress";
import { advance, Canceled, deadlineOf, type GenerationRun } from "./context";
import { isStopped } from "./provider-job";

/** No answer came back to a create (timeout, dropped connection): the provider may have started it. */
function mayHaveStartedJob(error: MediaGenError): boolean {
  return error.jobMayExist || error.code === "TIMEOUT" || error.status === undefined;
}

/**
 * Claims the right to submit — only one attempt ever gets past the claim for an asset — then sends
 * the create and saves the provider's job id before anything else. The generation's deadline
 * starts at the claim, so a create that hangs is cut off by it too.
 */
export async function submit(run: GenerationRun, model: MediaModel): Promise<MediaOutput> {
  // Draining: nothing was sent yet, so the next worker sends it.
  if (run.drain?.aborted) throw run.drain.reason;
  const claimedAt = Date.now();
  if (!(await advance(run, { type: "claim", at: claimedAt }))) {
    throw new MediaGenError("PROVIDER_ERROR", "Another worker already submitted this generation.", {
      retryable: false,
    });
  }
  run.since = claimedAt;
  const { asset, spec } = run;
  const options = spec ? resolveOptions(spec, asset.params as ModelOptionValues) : {};
  let started: Awaited<ReturnType<MediaModel["start"]>>;
  try {
    // Whichever ends first: the create's own timeout or the generation's deadline. Cut off by
    // either, it got no answer, so it is handled below like any lost create (never re-sent).
    started = await startWithinDeadline(
      model,
      {
        prompt: asset.prompt,
        options,
        referenceImage: await run.deps.loadReferenceImage?.(asset),
        assetId: asset.id,
        signal: run.signal,
      },
      { deadline: deadlineOf(run), limitMs: run.policy.timeoutMs[asset.type] },
    );
  } catch (error) {
    // No answer: a job may be running (and billed) that we cannot see, and the claim stays. An
    // answered refusal: no job exists there, and the claim is released.
    const unanswered = error instanceof MediaGenError && mayHaveStartedJob(error);
    await advance(run, { type: unanswered ? "unanswered" : "refused" });
    throw error;
  }
  run.phase = "generating";
  await advance(run, {
    type: "submitted",
    operationId: started.operationId,
    claimedAt,
    finished: Boolean(started.status),
  });
  if (started.status) {
    await onStatus(run, started.status);
    if (started.status.state === "succeeded") return started.status.output;
    if (started.status.state === "failed") throw started.status.error;
  }
  return poll(run, model, started.operationId);
}

/** Follows a saved provider job until it answers (or the deadline passes). */
export function poll(run: GenerationRun, model: MediaModel, operationId: string) {
  // A saved job is a safe point: draining stops the polling (the retry resumes it).
  const signals = [run.signal, run.drain].filter((s): s is AbortSignal => s !== undefined);
  return pollUntilDone(model, operationId, {
    policy: run.deps.poll,
    signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    startedAt: run.since,
    assetId: run.assetId,
    onStatus: (status) => onStatus(run, status),
  });
}

/** What a status answer changes: the charge, the provider job, and (at most every interval) progress. */
async function onStatus(run: GenerationRun, status: OperationStatus): Promise<void> {
  if (status.state === "succeeded") run.delivered = true;
  if (status.state === "failed") await advance(run, { type: "providerFailed" });
  if (status.state !== "queued" && status.state !== "running") return;
  const now = Date.now();
  if (now - run.lastProgressWrite < (run.deps.progressIntervalMs ?? 1_000)) {
    // Between progress writes, still notice a cancel (or delete) at every poll.
    const row = await findMediaAssetState(run.deps.db, run.assetId);
    if (!row || isStopped(row)) throw new Canceled();
    return;
  }
  run.lastProgressWrite = now;
  const reported = status.progress;
  const progress =
    reported !== undefined
      ? Math.max(1, Math.min(99, Math.round(reported)))
      : estimateProgress(now - run.startedAt, run.spec?.typicalSeconds ?? 60);
  const updated = await advance(run, {
    type: "progress",
    phase: run.phase,
    progress,
    estimated: reported === undefined,
  });
  if (!updated) throw new Canceled();
}
