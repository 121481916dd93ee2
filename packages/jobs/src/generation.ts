import type { Database, MediaAsset } from "@streamline/db";
import { TERMINAL_STATUSES } from "@streamline/db";
import {
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
  resolveOptions,
  wasFailureLogged,
} from "@streamline/providers";
import {
  createVideoPoster,
  durableUrl,
  type MediaStorage,
  type StoredObject,
  streamStoredObject,
} from "@streamline/storage";
import type { Kysely } from "kysely";
import { changeAsset, type GenerationPhase } from "./events";
import { estimateProgress } from "./progress";

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
}

/** Marks a provider job id that was claimed but whose create call never reported back. */
const SUBMITTING = "submitting:";

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
  let lastProgressWrite = 0;
  let phase: GenerationPhase = asset.provider_job_id ? "generating" : "submitting";

  const running = await changeAsset(
    db,
    asset,
    { status: "running", attempts: asset.attempts + 1 },
    { kind: "status", status: "running", phase, progress: asset.progress, estimated: true },
    { notStatus: TERMINAL_STATUSES },
  );
  if (!running) return;

  try {
    const model = deps.providers.getModel(asset.model);
    let output: MediaOutput;
    let operationId = asset.provider_job_id;
    if (operationId?.startsWith(SUBMITTING)) {
      // We claimed the submission before and never heard back: the provider may have started a
      // job we cannot see. Starting another could charge twice, so stop here and say so.
      throw new MediaGenError(
        "PROVIDER_ERROR",
        "The generation was interrupted while it was being submitted and was not sent again, to avoid a second charge. Retry it to start over.",
        { provider: model.provider, model: model.id, retryable: false },
      );
    }
    if (!operationId) {
      output = await submit(asset, model);
      operationId = "";
    } else {
      output = await pollUntilDone(model, operationId, {
        policy: deps.poll,
        signal,
        startedAt: asset.updated_at.getTime(),
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

  async function submit(current: MediaAsset, model: MediaModel): Promise<MediaOutput> {
    // Claim the right to submit: only one attempt ever gets past this line for an asset.
    const claim = await db
      .updateTable("media_assets")
      .set({ provider_job_id: `${SUBMITTING}${Date.now()}`, updated_at: new Date() })
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
    const options = spec ? resolveOptions(spec, current.params as ModelOptionValues) : {};
    let started: Awaited<ReturnType<MediaModel["start"]>>;
    try {
      started = await model.start({
        prompt: current.prompt,
        options,
        referenceImage: await deps.loadReferenceImage?.(current),
        assetId: current.id,
        signal,
      });
    } catch (error) {
      // The provider refused the request, so no job exists there: release the claim so a retry may submit.
      await db
        .updateTable("media_assets")
        .set({ provider_job_id: null })
        .where("id", "=", current.id)
        .execute();
      throw error;
    }
    phase = "generating";
    await changeAsset(
      db,
      current,
      { provider_job_id: started.operationId },
      { kind: "status", status: "running", phase, progress: 1, estimated: true },
    );
    if (started.status) {
      await onStatus(started.status);
      if (started.status.state === "succeeded") return started.status.output;
      if (started.status.state === "failed") throw started.status.error;
    }
    return pollUntilDone(model, started.operationId, {
      policy: deps.poll,
      signal,
      startedAt,
      assetId,
      onStatus: (status) => onStatus(status),
    });
  }

  async function onStatus(status: OperationStatus): Promise<void> {
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
      asset as MediaAsset,
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
    const current = asset as MediaAsset;
    await changeAsset(
      db,
      current,
      { progress: 99 },
      { kind: "progress", status: "running", phase, progress: 99, estimated: true },
      { notStatus: TERMINAL_STATUSES },
    );
    const media = await model.fetchResult(output, { variant: "media", signal, assetId });
    if (!media) throw new MediaGenError("PROVIDER_ERROR", "The provider returned no media.");
    const stored = await deps.storage.putObject({
      body: media.body,
      contentType: media.mimeType,
      prefix: current.type,
    });
    const thumbnail = await storeThumbnail(output, model, current, stored.key);
    const options = spec ? resolveOptions(spec, current.params as ModelOptionValues) : {};
    const finished = await changeAsset(
      db,
      current,
      {
        status: "succeeded",
        progress: 100,
        result_url: durableUrl(deps.storage, stored),
        thumbnail_url: thumbnail ? durableUrl(deps.storage, thumbnail) : null,
        width: output.width ?? null,
        height: output.height ?? null,
        duration_seconds: output.durationSeconds ?? null,
        cost_usd: spec ? estimateCostUsd(spec, options) : null,
        error_code: null,
        error_message: null,
        completed_at: new Date(),
        metadata: {
          ...current.metadata,
          storage: { resultKey: stored.key, thumbnailKey: thumbnail?.key ?? null },
          mimeType: media.mimeType,
          bytes: stored.size,
        },
      },
      { kind: "result", status: "succeeded", phase: "done", progress: 100, estimated: false },
      { notStatus: TERMINAL_STATUSES },
    );
    if (!finished) {
      // Canceled or deleted while we were storing: do not leave orphaned files behind.
      await deps.storage.deleteObject(stored.key).catch(() => {});
      if (thumbnail) await deps.storage.deleteObject(thumbnail.key).catch(() => {});
    }
  }

  /** The provider's poster frame, or (for videos from APIs that give none) one cut with ffmpeg. */
  async function storeThumbnail(
    output: MediaOutput,
    model: MediaModel,
    current: MediaAsset,
    videoKey: string,
  ): Promise<StoredObject | undefined> {
    const thumb = output.hasThumbnail
      ? await model.fetchResult(output, { variant: "thumbnail", signal, assetId }).catch(() => null)
      : null;
    if (thumb) {
      return deps.storage.putObject({
        body: thumb.body,
        contentType: thumb.mimeType,
        prefix: "thumb",
      });
    }
    if (current.type !== "video") return undefined;
    const video = await streamStoredObject(deps.storage, videoKey);
    const poster = video ? await createVideoPoster(video) : null;
    if (!poster?.jpeg) return undefined; // a missing poster is not worth failing the video for
    return deps.storage.putObject({
      body: poster.jpeg,
      contentType: "image/jpeg",
      prefix: "thumb",
    });
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
      asset as MediaAsset,
      {
        status: "failed",
        error_code: failure.code,
        error_message: failure.message,
        completed_at: new Date(),
      },
      {
        kind: "error",
        status: "failed",
        phase,
        progress: (asset as MediaAsset).progress,
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
