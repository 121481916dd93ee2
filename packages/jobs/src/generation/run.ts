import type { Database, MediaAsset } from "@streamline/db";
import { TERMINAL_STATUSES } from "@streamline/db";
import {
  DEFAULT_POLL_POLICY,
  estimateCostUsd,
  findModelSpec,
  formatFailureLine,
  MediaGenError,
  type MediaModel,
  type MediaOutput,
  type MediaProviders,
  type ModelOptionValues,
  type OperationStatus,
  type PollPolicy,
  pollUntilDone,
  type ReferenceImage,
  redact,
  resolveOptions,
  sleep,
  startWithinDeadline,
  wasFailureLogged,
} from "@streamline/providers";
import {
  durableUrl,
  inspectVideo,
  type MediaStorage,
  type StoredObject,
  streamStoredObject,
} from "@streamline/storage";
import type { Kysely } from "kysely";
import { changeAsset, type GenerationPhase } from "./events";
import { estimateProgress } from "./progress";
import { requestedVideoShape } from "./video-shape";

export interface GenerationDeps {
  db: Kysely<Database>;
  providers: MediaProviders;
  storage: MediaStorage;
  /** Loads the stored reference photo of an asset (kept in storage, never in the row). */
  loadReferenceImage?: ((asset: MediaAsset) => Promise<ReferenceImage | undefined>) | undefined;
  poll?: Partial<PollPolicy> | undefined;
  /** Minimum time between two progress writes for one asset. */
  progressIntervalMs?: number | undefined;
  logger?: ((line: string) => void) | undefined;
  /** Where warnings go (a transient failure the job rides out); defaults to console.warn. */
  warn?: ((line: string) => void) | undefined;
}

/** Marks a provider job id that was claimed but whose create call never reported back. */
const SUBMITTING = "submitting:";

/**
 * What is known of an asset's provider job, kept in `metadata.providerJob` when it fails:
 * - none: no job was ever created (the create was refused) — a Retry creates one;
 * - unknown: the create got no answer (timeout, lost connection), so a job may exist that we
 *   cannot see — a Retry creates a new one, and the studio says it is charged as new;
 * - live: the provider has a job that may still finish (we gave up polling or downloading: the
 *   deadline passed, a key was revoked) — a Retry resumes it, never creates another;
 * - ended: the provider said the job failed, or its result was already handed over.
 */
export type ProviderJobState = "none" | "unknown" | "live" | "ended";

/** Whether media.retry resumes the asset's provider job or has to start (and pay for) a new one. */
export function retryPlan(
  asset: Pick<MediaAsset, "provider_job_id" | "metadata">,
): "resume" | "new" {
  const id = asset.provider_job_id;
  if (!id || id.startsWith(SUBMITTING)) return "new";
  // Rows from before this field existed count as live: polling an ended job costs one status
  // call, a second create costs a second generation.
  return asset.metadata.providerJob === "ended" ? "new" : "resume";
}

function timeOf(value: unknown): number | undefined {
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

class Canceled extends Error {}

/**
 * Runs (or resumes) one asset's generation: submit → persist the provider's job id → poll → stream
 * the result to storage → succeeded. Safe to run again after a crash at any point: a saved provider
 * job id is polled, never submitted again, and a finished asset is left alone.
 */
export async function runGeneration(
  assetId: string,
  deps: GenerationDeps,
  signal?: AbortSignal,
): Promise<void> {
  const { db } = deps;
  const asset = await db
    .selectFrom("media_assets")
    .selectAll()
    .where("id", "=", assetId)
    .executeTakeFirst();
  if (!asset || asset.deleted_at || TERMINAL_STATUSES.includes(asset.status)) return;

  const spec = findModelSpec(asset.model);
  const startedAt = Date.now();
  const policy = { ...DEFAULT_POLL_POLICY, ...deps.poll };
  // The deadline runs from the submission's start — the create is under it too — or from the Retry
  // that resumed the job, not from this attempt: a job taken over after a crash keeps the time it
  // had left (submittedAt is saved with the provider's job id).
  let since = timeOf(asset.metadata.resumedAt) ?? timeOf(asset.metadata.submittedAt) ?? startedAt;
  const deadline = () => since + policy.timeoutMs[asset.type];
  let lastProgressWrite = 0;
  let phase: GenerationPhase = asset.provider_job_id ? "generating" : "submitting";
  let jobState: ProviderJobState = asset.provider_job_id ? "live" : "none";
  /** The provider reported the result: from here on the generation was billed. */
  let delivered = false;
  let current: MediaAsset = asset;

  const running = await changeAsset(
    db,
    asset,
    { status: "running", attempts: asset.attempts + 1 },
    { kind: "status", status: "running", phase, progress: asset.progress, estimated: true },
    { notStatus: TERMINAL_STATUSES },
  );
  if (!running) return;
  current = running;

  try {
    const model = deps.providers.getModel(asset.model);
    let output: MediaOutput;
    let operationId = asset.provider_job_id;
    if (operationId?.startsWith(SUBMITTING)) {
      // We claimed the submission before and never heard back: the provider may have started a
      // job we cannot see. Starting another could charge twice, so stop here and say so.
      jobState = "unknown";
      throw new MediaGenError(
        "PROVIDER_ERROR",
        "The generation was interrupted while it was being submitted and was not sent again, to avoid a second charge. Retry it to start over.",
        { provider: model.provider, model: model.id, retryable: false },
      );
    }
    if (!operationId) {
      output = await submit(model);
      operationId = "";
    } else {
      output = await pollUntilDone(model, operationId, {
        policy: deps.poll,
        signal,
        startedAt: since,
        assetId,
        onStatus: (status) => onStatus(status),
      });
    }
    await store(output, model);
  } catch (error) {
    if (error instanceof Canceled) return;
    if (signal?.aborted) throw error; // shutting down: the job is retried and resumes
    await fail(error);
  }

  async function submit(model: MediaModel): Promise<MediaOutput> {
    // Claim the right to submit: only one attempt ever gets past this line for an asset. The
    // generation's deadline starts here, so a create that hangs is cut off by it too.
    const claimedAt = Date.now();
    const claim = await db
      .updateTable("media_assets")
      .set({ provider_job_id: `${SUBMITTING}${claimedAt}`, updated_at: new Date() })
      .where("id", "=", current.id)
      .where("provider_job_id", "is", null)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) {
      throw new MediaGenError(
        "PROVIDER_ERROR",
        "Another worker already submitted this generation.",
        {
          retryable: false,
        },
      );
    }
    since = claimedAt;
    const options = spec ? resolveOptions(spec, current.params as ModelOptionValues) : {};
    let started: Awaited<ReturnType<MediaModel["start"]>>;
    try {
      // Whichever ends first: the create's own timeout or the generation's deadline. Cut off by
      // either, it got no answer, so it is handled below like any lost create (never re-sent).
      started = await startWithinDeadline(
        model,
        {
          prompt: current.prompt,
          options,
          referenceImage: await deps.loadReferenceImage?.(current),
          assetId: current.id,
          signal,
        },
        { deadline: deadline(), limitMs: policy.timeoutMs[current.type] },
      );
    } catch (error) {
      if (error instanceof MediaGenError && mayHaveStartedJob(error)) {
        // No answer came back, so a job may be running (and billed) that we cannot see. The claim
        // stays, so nothing ever sends this create again by itself.
        jobState = "unknown";
      } else {
        // The provider answered with a refusal, so no job exists there: release the claim.
        await db
          .updateTable("media_assets")
          .set({ provider_job_id: null })
          .where("id", "=", current.id)
          .execute();
      }
      throw error;
    }
    phase = "generating";
    // A synchronous answer hands the result over at once: there is no job left to resume.
    jobState = started.status ? "ended" : "live";
    current =
      (await changeAsset(
        db,
        current,
        {
          provider_job_id: started.operationId,
          metadata: { ...current.metadata, submittedAt: new Date(since).toISOString() },
        },
        { kind: "status", status: "running", phase, progress: 1, estimated: true },
      )) ?? current;
    if (started.status) {
      await onStatus(started.status);
      if (started.status.state === "succeeded") return started.status.output;
      if (started.status.state === "failed") throw started.status.error;
    }
    return pollUntilDone(model, started.operationId, {
      policy: deps.poll,
      signal,
      startedAt: since,
      assetId,
      onStatus: (status) => onStatus(status),
    });
  }

  async function onStatus(status: OperationStatus): Promise<void> {
    if (status.state === "succeeded") delivered = true;
    if (status.state === "failed") jobState = "ended";
    if (status.state !== "queued" && status.state !== "running") return;
    const now = Date.now();
    if (now - lastProgressWrite < (deps.progressIntervalMs ?? 1_000)) {
      // Between progress writes, still notice a cancel (or delete) at every poll.
      const row = await db
        .selectFrom("media_assets")
        .select(["status", "deleted_at"])
        .where("id", "=", assetId)
        .executeTakeFirst();
      if (!row || row.deleted_at || TERMINAL_STATUSES.includes(row.status)) throw new Canceled();
      return;
    }
    lastProgressWrite = now;
    const reported = status.progress;
    const progress =
      reported !== undefined
        ? Math.max(1, Math.min(99, Math.round(reported)))
        : estimateProgress(now - startedAt, spec?.typicalSeconds ?? 60);
    const updated = await changeAsset(
      db,
      current,
      { progress },
      {
        kind: "progress",
        status: "running",
        phase,
        progress,
        estimated: reported === undefined,
      },
      { notStatus: TERMINAL_STATUSES },
    );
    if (!updated) throw new Canceled();
  }

  async function store(output: MediaOutput, model: MediaModel): Promise<void> {
    phase = "storing";
    delivered = true;
    await changeAsset(
      db,
      current,
      { progress: 99 },
      { kind: "progress", status: "running", phase, progress: 99, estimated: true },
      { notStatus: TERMINAL_STATUSES },
    );
    const stored = await downloadUntilStored(output, model);
    const thumbnail = await storeThumbnail(output, model);
    const options = spec ? resolveOptions(spec, current.params as ModelOptionValues) : {};
    // What was delivered, read from the file itself; the provider's figures, then what was asked
    // for, stand in when the file cannot be read.
    const inspected =
      current.type === "video"
        ? await streamStoredObject(deps.storage, stored.key).then((video) =>
            video ? inspectVideo(video, { poster: !thumbnail.object }) : null,
          )
        : null;
    const posterObject =
      thumbnail.object ??
      (inspected?.poster?.jpeg
        ? await deps.storage.putObject({
            body: inspected.poster.jpeg,
            contentType: "image/jpeg",
            prefix: "thumb",
          })
        : undefined);
    const asked = requestedVideoShape(options);
    const previousStorage =
      current.metadata.storage && typeof current.metadata.storage === "object"
        ? current.metadata.storage
        : {};
    const finished = await changeAsset(
      db,
      current,
      {
        status: "succeeded",
        progress: 100,
        result_url: durableUrl(deps.storage, stored),
        thumbnail_url: posterObject ? durableUrl(deps.storage, posterObject) : null,
        width: inspected?.info?.width ?? output.width ?? asked.width ?? null,
        height: inspected?.info?.height ?? output.height ?? asked.height ?? null,
        duration_seconds:
          inspected?.info?.durationSeconds ??
          output.durationSeconds ??
          asked.durationSeconds ??
          null,
        cost_usd: chargeOf(),
        error_code: null,
        error_message: null,
        completed_at: new Date(),
        metadata: {
          ...current.metadata,
          providerJob: "ended",
          // Keep every key the asset owns (the reference photo's too): delete removes them all.
          storage: {
            ...previousStorage,
            resultKey: stored.key,
            thumbnailKey: posterObject?.key ?? null,
          },
          mimeType: stored.contentType,
          bytes: stored.size,
          ...(asked.width || asked.durationSeconds ? { requested: asked } : {}),
        },
      },
      { kind: "result", status: "succeeded", phase: "done", progress: 100, estimated: false },
      { notStatus: TERMINAL_STATUSES },
    );
    if (!finished) {
      // Canceled or deleted while we were storing: do not leave orphaned files behind.
      await deps.storage.deleteObject(stored.key).catch(() => {});
      if (posterObject) await deps.storage.deleteObject(posterObject.key).catch(() => {});
    }
  }

  /** What the provider billed: its price for what was asked, once it delivered a result. */
  function chargeOf(): number | null {
    if (!delivered || !spec) return null;
    // Offline demo mode: the built-in mocks bill nothing.
    if (current.metadata.demo === true) return 0;
    return estimateCostUsd(spec, resolveOptions(spec, current.params as ModelOptionValues));
  }

  /**
   * Downloads the result into storage. A dropped connection or a 5xx while downloading says nothing
   * about the job (it finished and was billed), so the download is tried again with backoff until
   * the generation's deadline; then the asset fails with its job still `live`, and a Retry
   * downloads again instead of generating again.
   */
  async function downloadUntilStored(
    output: MediaOutput,
    model: MediaModel,
  ): Promise<StoredObject & { contentType: string }> {
    let pause = policy.minIntervalMs;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline() - Date.now();
      if (remaining <= 0) {
        throw new MediaGenError(
          "TIMEOUT",
          `${model.id} finished, but its result could not be downloaded in time. Retry to download it again (no new generation, no new charge).`,
          { provider: model.provider, model: model.id },
        );
      }
      const attemptSignal = signal
        ? AbortSignal.any([signal, AbortSignal.timeout(remaining)])
        : AbortSignal.timeout(remaining);
      try {
        const media = await model.fetchResult(output, {
          variant: "media",
          signal: attemptSignal,
          assetId,
        });
        if (!media) throw new MediaGenError("PROVIDER_ERROR", "The provider returned no media.");
        const stored = await deps.storage.putObject({
          body: media.body,
          contentType: media.mimeType,
          prefix: current.type,
        });
        return { ...stored, contentType: media.mimeType };
      } catch (error) {
        if (signal?.aborted) throw error;
        const transient =
          !(error instanceof MediaGenError) || error.retryable || error.code === "TIMEOUT";
        if (!transient || output.data) throw error; // bytes in hand: nothing to download again
        // Not an error line: the result is downloaded again, and only a failure that ends the
        // generation gets `[MediaGen] Error:`.
        (deps.warn ?? console.warn)(
          redact(
            `[MediaGen] Warning: download of asset ${assetId} failed (attempt ${attempt}), trying again: ${
              error instanceof Error ? error.message : String(error)
            }`,
          ),
        );
        await sleep(Math.min(pause, Math.max(0, deadline() - Date.now())), signal);
        pause = Math.min(policy.maxIntervalMs, pause * policy.factor);
      }
    }
  }

  /** The provider's poster frame, when it hands one back (a missing poster never fails a video). */
  async function storeThumbnail(
    output: MediaOutput,
    model: MediaModel,
  ): Promise<{ object?: StoredObject | undefined }> {
    if (!output.hasThumbnail) return {};
    const thumb = await model
      .fetchResult(output, { variant: "thumbnail", signal, assetId })
      .catch(() => null);
    if (!thumb) return {};
    const object = await deps.storage
      .putObject({ body: thumb.body, contentType: thumb.mimeType, prefix: "thumb" })
      .catch(() => undefined);
    return { object };
  }

  async function fail(error: unknown): Promise<void> {
    const failure =
      error instanceof MediaGenError
        ? error
        : new MediaGenError(
            "PROVIDER_ERROR",
            error instanceof Error ? error.message : "The generation failed.",
            { cause: error },
          );
    const failed = await changeAsset(
      db,
      current,
      {
        status: "failed",
        error_code: failure.code,
        error_message: failure.message,
        completed_at: new Date(),
        // Billed only if the provider delivered (a result we then failed to store).
        cost_usd: chargeOf(),
        metadata: { ...current.metadata, providerJob: jobState },
      },
      {
        kind: "error",
        status: "failed",
        phase,
        progress: current.progress,
        estimated: false,
        error: { code: failure.code, message: failure.message },
      },
      { notStatus: TERMINAL_STATUSES },
    );
    // One line per failure: adapters log what they saw; here only what they did not (timeouts,
    // storage, lost results), and nothing for an asset that was canceled meanwhile.
    if (failed && !wasFailureLogged(failure)) {
      (deps.logger ?? console.error)(formatFailureLine(failure, assetId));
    }
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
  const asset = await deps.db
    .selectFrom("media_assets")
    .selectAll()
    .where("id", "=", assetId)
    .executeTakeFirst();
  if (!asset || TERMINAL_STATUSES.includes(asset.status)) return;
  const id = asset.provider_job_id;
  const providerJob: ProviderJobState = !id
    ? "none"
    : id.startsWith(SUBMITTING)
      ? "unknown"
      : "live";
  const message =
    providerJob === "live"
      ? "The generation was interrupted too many times (its worker stopped) and is no longer being followed. The provider's job may still finish: Retry picks it up again, with no new charge."
      : "The generation was interrupted too many times (its worker stopped) before the provider confirmed it.";
  const failed = await changeAsset(
    deps.db,
    asset,
    {
      status: "failed",
      error_code: "TIMEOUT",
      error_message: message,
      completed_at: new Date(),
      metadata: { ...asset.metadata, providerJob },
    },
    {
      kind: "error",
      status: "failed",
      phase: "done",
      progress: asset.progress,
      estimated: false,
      error: { code: "TIMEOUT", message },
    },
    { notStatus: TERMINAL_STATUSES },
  );
  if (failed)
    (deps.logger ?? console.error)(
      `[MediaGen] Error: ${asset.provider} ${asset.model} TIMEOUT ${message} (asset ${assetId})`,
    );
}

/** No answer came back to a create (timeout, dropped connection): the provider may have started it. */
function mayHaveStartedJob(error: MediaGenError): boolean {
  return error.jobMayExist || error.code === "TIMEOUT" || error.status === undefined;
}
