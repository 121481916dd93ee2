// What social procedures need of an asset: its real media facts (for the pre-publish rules) and
// its bytes as caption models take them (the image; a video's poster + frames, or the video).
import type { MediaAsset } from "@streamline/db";
import {
  type CaptionMedia,
  type CaptionModelSpec,
  INLINE_VIDEO_MAX_BYTES,
  videoFramesForCaption,
} from "@streamline/providers";
import type { MediaFacts } from "@streamline/social";
import { type MediaStorage, readStoredObject, streamStoredObject } from "@streamline/storage";
import { storageKeysOf } from "../media/dto";
import { fieldError } from "../media/upload";

const IMAGE_MAX_BYTES = 50 * 1024 * 1024;

export function mimeTypeOf(asset: MediaAsset): string {
  const stored = asset.metadata.mimeType;
  if (typeof stored === "string" && stored) return stored;
  return asset.type === "video" ? "video/mp4" : "image/png";
}

/** The facts the platform rules check, from the row and what the worker read from the file. */
export function mediaFactsOf(asset: MediaAsset): MediaFacts {
  const mimeType = mimeTypeOf(asset);
  const bytes = Number(asset.metadata.bytes);
  return {
    type: asset.type === "video" ? "video" : mimeType === "image/gif" ? "gif" : "image",
    mimeType,
    width: asset.width ?? 0,
    height: asset.height ?? 0,
    durationSeconds: asset.duration_seconds ?? undefined,
    bytes: Number.isFinite(bytes) ? bytes : 0,
  };
}

/** Only a finished asset can be captioned or posted. */
export function assertPostable(asset: MediaAsset): void {
  if (asset.status !== "succeeded" || !storageKeysOf(asset).resultKey) {
    throw fieldError(
      "assetId",
      asset.status === "succeeded"
        ? "This asset's file is not stored here, so it cannot be captioned or posted."
        : `This asset is ${asset.status}: only finished images and videos can be captioned or posted.`,
    );
  }
}

/**
 * The media itself, for the caption call. An image as stored (the captioner downscales it); a
 * video as its poster plus three frames cut with ffmpeg, and — for a model that takes video
 * (Gemini) and a file small enough to send inline — the video itself too.
 */
export async function captionMediaOf(
  asset: MediaAsset,
  storage: MediaStorage,
  spec: CaptionModelSpec,
): Promise<CaptionMedia> {
  const keys = storageKeysOf(asset);
  const unreadable = () =>
    fieldError("assetId", "This asset's file could not be read, so it cannot be captioned.");
  if (!keys.resultKey) throw unreadable();
  if (asset.type === "image") {
    const data = await readStoredObject(storage, keys.resultKey, IMAGE_MAX_BYTES).catch(() => null);
    if (!data) throw unreadable();
    return { type: "image", images: [{ data, mimeType: mimeTypeOf(asset) }] };
  }
  const images: CaptionMedia["images"] = [];
  if (keys.thumbnailKey) {
    const poster = await readStoredObject(storage, keys.thumbnailKey).catch(() => null);
    if (poster) images.push({ data: poster, mimeType: "image/jpeg" });
  }
  const bytes = Number(asset.metadata.bytes);
  const inline =
    spec.videoInput && Number.isFinite(bytes) && bytes > 0 && bytes <= INLINE_VIDEO_MAX_BYTES;
  let video: CaptionMedia["video"];
  if (inline) {
    const data = await readStoredObject(storage, keys.resultKey, INLINE_VIDEO_MAX_BYTES).catch(
      () => null,
    );
    if (data) video = { data, mimeType: mimeTypeOf(asset) };
  }
  if (!video) {
    const stream = await streamStoredObject(storage, keys.resultKey).catch(() => null);
    if (stream) {
      const { frames } = await videoFramesForCaption(stream, {
        count: 3,
        durationSeconds: asset.duration_seconds ?? undefined,
      });
      for (const frame of frames) images.push({ data: frame.data, mimeType: frame.mimeType });
    }
  }
  if (images.length === 0 && !video) throw unreadable();
  return { type: "video", images, video };
}
