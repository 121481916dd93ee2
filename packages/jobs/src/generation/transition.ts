// Generation as one state machine. `transition(asset, event)` is pure: it says what the row
// becomes (`patch`), what subscribers hear (`event`) and what must still hold in the database when
// the patch is written (`guard`, checked under a row lock by changeAsset). The worker's steps and
// the routers' cancel, retry and delete all go through it, so each rule is written once:
// - claim before submit: only the attempt whose claim finds no provider job may send a create;
// - save the provider's job id first, before anything else happens to the job;
// - never re-send an unanswered create: a claim that never reported back is `unknown`, and only a
//   Retry the user confirmed ("new", charged as new) clears it;
// - resume rather than re-create: a job that may still finish (`live`) is polled and downloaded
//   again by a Retry, which also keeps the deadline of its submission;
// - a stopped asset (succeeded, failed, canceled) never changes on its own.
import type { MediaAsset, MediaAssetUpdate, MediaStatus } from "@streamline/db";
import { TERMINAL_STATUSES } from "@streamline/db";
import type { GenerationPhase, MediaEventPayload } from "../events";
import {
  claimedJobId,
  type ProviderJob,
  type ProviderJobState,
  providerJobOf,
  retryPlan,
} from "./provider-job";

/** What the database must still say when the patch is written; otherwise nothing changes. */
export interface TransitionGuard {
  /** The asset's status is none of these. */
  notStatus?: readonly MediaStatus[];
  /** No provider job is recorded (`provider_job_id` is null): the submission claim. */
  unclaimed?: true;
}

export type TransitionResult =
  | {
      patch: MediaAssetUpdate;
      /** Published with the patch in the same transaction; null for bookkeeping nobody hears of. */
      event: MediaEventPayload | null;
      guard: TransitionGuard;
      /** The provider job after this transition (what a failure from here on records). */
      job: ProviderJob;
    }
  | { refused: string };

/** What a finished generation hands over (the row's result columns, read from the stored file). */
export interface StoredResult {
  resultUrl: string;
  thumbnailUrl: string | null;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  storage: { resultKey: string; thumbnailKey: string | null };
  mimeType: string;
  bytes: number;
  requested?: { width?: number; height?: number; durationSeconds?: number } | undefined;
}

export type GenerationEvent =
  /** A worker picks the asset up (first run, after a crash, or after a Retry). */
  | { type: "start" }
  /** The worker claims the right to send the create; the deadline starts here. */
  | { type: "claim"; at: number }
  /** The create was answered with a refusal: no job exists, the claim is released. */
  | { type: "refused" }
  /** The create got no answer: a job may exist that we cannot see. */
  | { type: "unanswered" }
  /** The provider answered the create: its job id is saved before anything else. */
  | { type: "submitted"; operationId: string; claimedAt: number; finished: boolean }
  /** The provider said the job failed (a definitive answer). */
  | { type: "providerFailed" }
  | { type: "progress"; phase: GenerationPhase; progress: number; estimated: boolean }
  /** The provider delivered; the result is being stored. */
  | { type: "storing" }
  | { type: "stored"; result: StoredResult; costUsd: number | null; at: Date }
  | {
      type: "fail";
      error: { code: string; message: string };
      phase: GenerationPhase;
      /** What we know of the provider job at the failure (the run tracks it). */
      job: ProviderJobState;
      costUsd: number | null;
      at: Date;
    }
  /** The job's retries ran out (its workers kept dying): stop following it. */
  | { type: "abandon"; at: Date }
  | { type: "cancel"; at: Date }
  | { type: "delete"; at: Date }
  | { type: "retry"; at: Date };

export type GenerationAsset = Pick<
  MediaAsset,
  | "status"
  | "progress"
  | "attempts"
  | "provider_job_id"
  | "metadata"
  | "error_code"
  | "error_message"
  | "updated_at"
  | "deleted_at"
>;

const NOT_STOPPED: TransitionGuard = { notStatus: TERMINAL_STATUSES };

const ABANDONED_LIVE =
  "The generation was interrupted too many times (its worker stopped) and is no longer being followed. The provider's job may still finish: Retry picks it up again, with no new charge.";
const ABANDONED_UNCONFIRMED =
  "The generation was interrupted too many times (its worker stopped) before the provider confirmed it.";

/** The phase a (re)started run reports: a job that was sent is being generated. */
export function phaseOf(job: ProviderJob): GenerationPhase {
  return job.state === "none" ? "submitting" : "generating";
}

/**
 * What a worker does with the provider job it finds when it starts: send the create (nothing sent
 * yet), follow the saved job, or stop — a claim with no saved answer means a create may have
 * reached the provider, and sending it again could charge twice.
 */
export function nextStep(job: ProviderJob): "submit" | "poll" | "interrupted" {
  if (job.state === "none") return "submit";
  if (job.state === "claimed" || job.state === "unknown") return "interrupted";
  return "poll";
}

export function transition(asset: GenerationAsset, event: GenerationEvent): TransitionResult {
  const job = providerJobOf(asset);
  const stopped = Boolean(asset.deleted_at) || TERMINAL_STATUSES.includes(asset.status);
  switch (event.type) {
    case "start": {
      if (stopped) return { refused: `This generation already ${asset.status}.` };
      return {
        patch: { status: "running", attempts: asset.attempts + 1 },
        event: status("running", phaseOf(job), asset.progress, true),
        guard: NOT_STOPPED,
        job,
      };
    }
    case "claim": {
      if (job.state !== "none")
        return { refused: "Another worker already submitted this generation." };
      return {
        patch: { provider_job_id: claimedJobId(event.at) },
        event: null,
        guard: { unclaimed: true },
        job: { state: "claimed", claimedAt: event.at },
      };
    }
    case "refused":
      if (job.state !== "claimed") return { refused: "No create is waiting for an answer." };
      return { patch: { provider_job_id: null }, event: null, guard: {}, job: { state: "none" } };
    case "unanswered":
      if (job.state !== "claimed" && job.state !== "unknown") {
        return { refused: "No create is waiting for an answer." };
      }
      // The claim stays in the row, so nothing ever sends this create again by itself.
      return {
        patch: {},
        event: null,
        guard: {},
        job: { state: "unknown", claimedAt: job.claimedAt },
      };
    case "submitted":
      return submitted(asset, job, event);
    case "providerFailed":
      return { patch: {}, event: null, guard: {}, job: endedOf(job) };
    case "progress":
      return {
        patch: { progress: event.progress },
        event: {
          kind: "progress",
          status: "running",
          phase: event.phase,
          progress: event.progress,
          estimated: event.estimated,
        },
        guard: NOT_STOPPED,
        job,
      };
    case "storing":
      return {
        patch: { progress: 99 },
        event: {
          kind: "progress",
          status: "running",
          phase: "storing",
          progress: 99,
          estimated: true,
        },
        guard: NOT_STOPPED,
        // Still live: a download that fails is tried again by a Retry, with no new generation.
        job,
      };
    case "stored":
      return stored(asset, event);
    case "fail":
      return failed(asset, job, event);
    case "abandon":
      return abandon(asset, job, event.at);
    case "cancel":
      if (stopped) return { refused: `This generation already ${asset.status}.` };
      return {
        patch: { status: "canceled", completed_at: event.at },
        event: status("canceled", "done", asset.progress, false),
        guard: NOT_STOPPED,
        job,
      };
    case "delete":
      return deleted(asset, job, event.at);
    case "retry":
      return retry(asset, event.at);
  }
}

/** The provider answered the claimed create: the job id (and when it was claimed) saved first. */
function submitted(
  asset: GenerationAsset,
  job: ProviderJob,
  event: Extract<GenerationEvent, { type: "submitted" }>,
): TransitionResult {
  if (job.state !== "claimed") return { refused: "Only a claimed submission is answered." };
  return {
    patch: {
      provider_job_id: event.operationId,
      metadata: { ...asset.metadata, submittedAt: new Date(event.claimedAt).toISOString() },
    },
    event: status("running", "generating", 1, true),
    guard: {},
    // A synchronous answer hands the result over at once: there is no job left to resume.
    job: event.finished
      ? { state: "ended", id: event.operationId }
      : { state: "live", id: event.operationId },
  };
}

/** A generation that ends failed, with the provider job as it stands (and a charge only if delivered). */
function failed(
  asset: GenerationAsset,
  job: ProviderJob,
  event: Extract<GenerationEvent, { type: "fail" }>,
): TransitionResult {
  return {
    patch: {
      status: "failed",
      error_code: event.error.code,
      error_message: event.error.message,
      completed_at: event.at,
      // Billed only if the provider delivered (a result we then failed to store).
      cost_usd: event.costUsd,
      metadata: { ...asset.metadata, providerJob: event.job },
    },
    event: {
      kind: "error",
      status: "failed",
      phase: event.phase,
      progress: asset.progress,
      estimated: false,
      error: event.error,
    },
    guard: NOT_STOPPED,
    job,
  };
}

/** Soft-deleted; a generation still going is canceled with it. */
function deleted(asset: GenerationAsset, job: ProviderJob, at: Date): TransitionResult {
  const active = !TERMINAL_STATUSES.includes(asset.status);
  return {
    patch: {
      deleted_at: at,
      ...(active ? { status: "canceled" as const, completed_at: at } : {}),
    },
    event: status(active ? "canceled" : asset.status, "done", asset.progress, false),
    guard: {},
    job,
  };
}

function status(
  to: MediaStatus,
  phase: GenerationPhase,
  progress: number,
  estimated: boolean,
): MediaEventPayload {
  return { kind: "status", status: to, phase, progress, estimated };
}

function endedOf(job: ProviderJob): ProviderJob {
  return job.state === "live" || job.state === "ended" ? { state: "ended", id: job.id } : job;
}

function stored(
  asset: GenerationAsset,
  event: Extract<GenerationEvent, { type: "stored" }>,
): TransitionResult {
  const { result } = event;
  const previousStorage =
    asset.metadata.storage && typeof asset.metadata.storage === "object"
      ? asset.metadata.storage
      : {};
  return {
    patch: {
      status: "succeeded",
      progress: 100,
      result_url: result.resultUrl,
      thumbnail_url: result.thumbnailUrl,
      width: result.width,
      height: result.height,
      duration_seconds: result.durationSeconds,
      cost_usd: event.costUsd,
      error_code: null,
      error_message: null,
      completed_at: event.at,
      metadata: {
        ...asset.metadata,
        providerJob: "ended",
        // Keep every key the asset owns (the reference photo's too): delete removes them all.
        storage: { ...previousStorage, ...result.storage },
        mimeType: result.mimeType,
        bytes: result.bytes,
        ...(result.requested ? { requested: result.requested } : {}),
      },
    },
    event: { kind: "result", status: "succeeded", phase: "done", progress: 100, estimated: false },
    guard: NOT_STOPPED,
    job: endedOf(providerJobOf(asset)),
  };
}

/**
 * Retries ran out: the asset fails with what we know of its provider job — still live when its id
 * was saved (Retry then resumes it, no new charge), unknown when it died mid-submit.
 */
function abandon(asset: GenerationAsset, job: ProviderJob, at: Date): TransitionResult {
  if (TERMINAL_STATUSES.includes(asset.status)) return { refused: "Already stopped." };
  const known: ProviderJob =
    job.state === "claimed" ? { state: "unknown", claimedAt: job.claimedAt } : job;
  // A saved id counts as live here: the row only says "ended" once the asset stopped.
  const providerJob: ProviderJobState = known.state === "ended" ? "live" : known.state;
  const message = providerJob === "live" ? ABANDONED_LIVE : ABANDONED_UNCONFIRMED;
  return {
    patch: {
      status: "failed",
      error_code: "TIMEOUT",
      error_message: message,
      completed_at: at,
      metadata: { ...asset.metadata, providerJob },
    },
    event: {
      kind: "error",
      status: "failed",
      phase: "done",
      progress: asset.progress,
      estimated: false,
      error: { code: "TIMEOUT", message },
    },
    guard: NOT_STOPPED,
    job: known,
  };
}

/**
 * media.retry: the same row goes again, keeping its earlier errors. A provider job that may still
 * finish is resumed (its deadline restarts at the Retry, no new charge); otherwise the job record
 * is cleared and the next run creates a new job (the user confirmed: `retryPlan` "new").
 */
function retry(asset: GenerationAsset, at: Date): TransitionResult {
  if (asset.status !== "failed" && asset.status !== "canceled") {
    return {
      refused: `Only failed or canceled generations can be retried (this one is ${asset.status}).`,
    };
  }
  const plan = retryPlan(asset);
  const { submittedAt, resumedAt: _resumed, providerJob: _job, ...kept } = asset.metadata;
  const history = Array.isArray(asset.metadata.previousErrors) ? asset.metadata.previousErrors : [];
  return {
    patch: {
      status: "queued",
      progress: 0,
      error_code: null,
      error_message: null,
      completed_at: null,
      ...(plan === "new" ? { provider_job_id: null, cost_usd: null } : {}),
      metadata: {
        ...kept,
        ...(plan === "resume" ? { submittedAt, resumedAt: at.toISOString() } : {}),
        previousErrors: [
          ...history,
          {
            code: asset.error_code,
            message: asset.error_message,
            at: asset.updated_at.toISOString(),
            retry: plan,
          },
        ],
      },
    },
    event: status("queued", "queued", 0, false),
    // Two Retry clicks at once: the second finds the asset queued and changes nothing.
    guard: { notStatus: ["queued", "running", "succeeded"] },
    job: plan === "new" ? { state: "none" } : providerJobOf(asset),
  };
}
