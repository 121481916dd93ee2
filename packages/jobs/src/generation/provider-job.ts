// What we know of an asset's provider job, read from one place. The row stores it in two columns'
// worth of facts — `provider_job_id` (the provider's id, or `submitting:<ms>` while a submission is
// claimed and its create has not answered) and `metadata.providerJob` (written when the asset
// stops) — and this file is the only code that reads or writes that encoding.
//
// The stored encoding is kept as it was (no migration): a worker of the previous release still
// running during a rolling deploy reads a claimed submission by its `submitting:` prefix, and a
// claim it could not see would look like a job never sent — and be sent, and paid for, twice.
import type { MediaAsset, MediaStatus, ProviderJobState } from "@streamline/db";
import { assetMetadataOf, TERMINAL_STATUSES } from "@streamline/db";

export type { ProviderJobState };

/**
 * - none: no job was ever created (none yet, or the create was refused) — a Retry creates one;
 * - claimed: a worker claimed the submission and its create has not answered (in flight, or its
 *   worker died before the answer was saved);
 * - unknown: the create got no answer (timeout, lost connection, a crash mid-create), so a job may
 *   exist that we cannot see — never re-sent by itself; a Retry creates a new one once the user
 *   confirms it is charged as new;
 * - live: the provider has a job that may still finish — polled and downloaded, and a Retry
 *   resumes it, never creates another;
 * - ended: the provider said the job failed, or its result was already handed over.
 */
export type ProviderJob =
  | { state: "none" }
  | { state: "claimed"; claimedAt: number | undefined }
  | { state: "unknown"; claimedAt: number | undefined }
  | { state: "live"; id: string }
  | { state: "ended"; id: string };

/** Marks a provider job id that was claimed but whose create call never reported back. */
const SUBMITTING = "submitting:";

type JobColumns = Pick<MediaAsset, "provider_job_id" | "metadata"> & { status?: MediaStatus };

/** The provider job an asset row describes. */
export function providerJobOf(asset: JobColumns): ProviderJob {
  const id = asset.provider_job_id;
  if (!id) return { state: "none" };
  const saved = assetMetadataOf(asset).providerJob;
  if (id.startsWith(SUBMITTING)) {
    const ms = Number(id.slice(SUBMITTING.length));
    const claimedAt = Number.isFinite(ms) && ms > 0 ? ms : undefined;
    return saved === "unknown" ? { state: "unknown", claimedAt } : { state: "claimed", claimedAt };
  }
  // Rows from before `providerJob` existed count as live: polling an ended job costs one status
  // call, a second create costs a second generation.
  return saved === "ended" ? { state: "ended", id } : { state: "live", id };
}

/** The `provider_job_id` column for a claimed submission (the claim itself is "no id yet → this"). */
export function claimedJobId(claimedAt: number): string {
  return `${SUBMITTING}${claimedAt}`;
}

/** Whether media.retry resumes the asset's provider job or has to start (and pay for) a new one. */
export function retryPlan(asset: JobColumns): "resume" | "new" {
  return providerJobOf(asset).state === "live" ? "resume" : "new";
}

/** Whether the asset has stopped (a worker no longer follows it on its own). */
export function isStopped(asset: { status: MediaStatus; deleted_at?: Date | null }): boolean {
  return Boolean(asset.deleted_at) || TERMINAL_STATUSES.includes(asset.status);
}
