// The last step: the provider delivered, so the result is streamed into storage (downloaded again
// on transient failures until the deadline), measured from the stored file, and the asset succeeds.
import { logger } from "@streamline/log";
import {
  estimateCostUsd,
  MediaGenError,
  type MediaModel,
  type MediaOutput,
  type ModelOptionValues,
  redact,
  resolveOptions,
  sleep,
} from "@streamline/providers";
import {
  durableUrl,
  inspectVideo,
  type StoredObject,
  streamStoredObject,
} from "@streamline/storage";
import { requestedVideoShape } from "../video-shape";
import { advance, deadlineOf, type GenerationRun } from "./context";

export async function store(run: GenerationRun, output: MediaOutput, model: MediaModel) {
  const { deps } = run;
  run.phase = "storing";
  run.delivered = true;
  await advance(run, { type: "storing" });
  const stored = await downloadUntilStored(run, output, model);
  const thumbnail = await storeThumbnail(run, output, model);
  const options = run.spec ? resolveOptions(run.spec, run.asset.params as ModelOptionValues) : {};
  // What was delivered, read from the file itself; the provider's figures, then what was asked
  // for, stand in when the file cannot be read.
  const inspected =
    run.asset.type === "video"
      ? await streamStoredObject(deps.storage, stored.key).then((video) =>
          video ? inspectVideo(video, { poster: !thumbnail }) : null,
        )
      : null;
  const posterObject =
    thumbnail ??
    (inspected?.poster?.jpeg
      ? await deps.storage.putObject({
          body: inspected.poster.jpeg,
          contentType: "image/jpeg",
          prefix: "thumb",
        })
      : undefined);
  const asked = requestedVideoShape(options);
  const finished = await advance(run, {
    type: "stored",
    costUsd: chargeOf(run),
    at: new Date(),
    result: {
      resultUrl: durableUrl(deps.storage, stored),
      thumbnailUrl: posterObject ? durableUrl(deps.storage, posterObject) : null,
      width: inspected?.info?.width ?? output.width ?? asked.width ?? null,
      height: inspected?.info?.height ?? output.height ?? asked.height ?? null,
      durationSeconds:
        inspected?.info?.durationSeconds ?? output.durationSeconds ?? asked.durationSeconds ?? null,
      storage: { resultKey: stored.key, thumbnailKey: posterObject?.key ?? null },
      mimeType: stored.contentType,
      bytes: stored.size,
      requested: asked.width || asked.durationSeconds ? asked : undefined,
    },
  });
  if (!finished) {
    // Canceled or deleted while we were storing: do not leave orphaned files behind.
    await deps.storage.deleteObject(stored.key).catch(() => {});
    if (posterObject) await deps.storage.deleteObject(posterObject.key).catch(() => {});
  }
}

/** What the provider billed: its price for what was asked, once it delivered a result. */
export function chargeOf(run: GenerationRun): number | null {
  if (!run.delivered || !run.spec) return null;
  // Offline demo mode: the built-in mocks bill nothing.
  if (run.asset.metadata.demo === true) return 0;
  return estimateCostUsd(run.spec, resolveOptions(run.spec, run.asset.params as ModelOptionValues));
}

/**
 * Downloads the result into storage. A dropped connection or a 5xx while downloading says nothing
 * about the job (it finished and was billed), so the download is tried again with backoff until
 * the generation's deadline; then the asset fails with its job still `live`, and a Retry
 * downloads again instead of generating again.
 */
async function downloadUntilStored(
  run: GenerationRun,
  output: MediaOutput,
  model: MediaModel,
): Promise<StoredObject & { contentType: string }> {
  const { signal, policy } = run;
  let pause = policy.minIntervalMs;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadlineOf(run) - Date.now();
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
        assetId: run.assetId,
      });
      if (!media) throw new MediaGenError("PROVIDER_ERROR", "The provider returned no media.");
      const stored = await run.deps.storage.putObject({
        body: media.body,
        contentType: media.mimeType,
        prefix: run.asset.type,
      });
      return { ...stored, contentType: media.mimeType };
    } catch (error) {
      if (signal?.aborted) throw error;
      const transient =
        !(error instanceof MediaGenError) || error.retryable || error.code === "TIMEOUT";
      if (!transient || output.data) throw error; // bytes in hand: nothing to download again
      // Not an error line: the result is downloaded again, and only a failure that ends the
      // generation gets `[MediaGen] Error:`.
      (run.deps.warn ?? ((line: string) => logger.warn(line)))(
        redact(
          `[MediaGen] Warning: download of asset ${run.assetId} failed (attempt ${attempt}), trying again: ${
            error instanceof Error ? error.message : String(error)
          }`,
        ),
      );
      await sleep(Math.min(pause, Math.max(0, deadlineOf(run) - Date.now())), signal);
      pause = Math.min(policy.maxIntervalMs, pause * policy.factor);
    }
  }
}

/** The provider's poster frame, when it hands one back (a missing poster never fails a video). */
async function storeThumbnail(
  run: GenerationRun,
  output: MediaOutput,
  model: MediaModel,
): Promise<StoredObject | undefined> {
  if (!output.hasThumbnail) return undefined;
  const thumb = await model
    .fetchResult(output, { variant: "thumbnail", signal: run.signal, assetId: run.assetId })
    .catch(() => null);
  if (!thumb) return undefined;
  return run.deps.storage
    .putObject({ body: thumb.body, contentType: thumb.mimeType, prefix: "thumb" })
    .catch(() => undefined);
}
