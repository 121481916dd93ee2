// Turns a user's reference photo (an upload or a URL) into a checked `ReferenceImage` before any
// provider sees it. Nothing the client says about the file is trusted: the type comes from the
// magic bytes (a PNG named photo.jpg is a PNG), the size is counted, the dimensions come from the
// image header, and the image is decoded once (into a thumbnail) only after its declared size
// passed the pixel limit, so a decompression bomb is refused from its header alone.
import { fileTypeFromBuffer } from "file-type";
import type { FormatEnum, Metadata } from "sharp";
import {
  describeSize,
  downloadReferenceImage,
  type ResolvedAddress,
} from "./reference-image-download";
import { ReferenceImageError } from "./reference-image-error";
import type { ImageMimeType, ReferenceImage } from "./types";

export {
  isReferenceImageError,
  REFERENCE_IMAGE_ERROR_CODES,
  ReferenceImageError,
  type ReferenceImageErrorCode,
} from "./reference-image-error";

export type ReferenceImageSource =
  | {
      bytes: Uint8Array;
      /** Shown back to the user at most; never used to decide the type. */
      filename?: string | undefined;
      /** What the browser claimed; never used to decide the type. */
      declaredType?: string | undefined;
    }
  | { url: string };

export interface ReferenceImageLimits {
  /** Default 10 MB. */
  maxBytes?: number;
  /** width × height; default 50 megapixels. Refuses decompression bombs before decoding. */
  maxPixels?: number;
  /** Smallest side; default 16 px. */
  minDimension?: number;
  /** Largest side; default 12 000 px. */
  maxDimension?: number;
  /** Whole download, redirects included; default 10 s. */
  timeoutMs?: number;
  /** Default 3. */
  maxRedirects?: number;
}

export interface ReferenceImageLoadOptions {
  signal?: AbortSignal | undefined;
  /** Injected DNS for URL sources (tests). */
  lookup?: ((hostname: string) => Promise<ResolvedAddress[]>) | undefined;
  /** TESTS ONLY: exact origins allowed to be private, e.g. a loopback test server. */
  allowPrivateOrigins?: readonly string[] | undefined;
}

export const DEFAULT_REFERENCE_IMAGE_LIMITS: Readonly<Required<ReferenceImageLimits>> = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 50_000_000,
  minDimension: 16,
  maxDimension: 12_000,
  timeoutMs: 10_000,
  maxRedirects: 3,
};

const SUPPORTED_TYPES: Record<string, ImageMimeType> = {
  "image/png": "image/png",
  "image/jpeg": "image/jpeg",
  "image/webp": "image/webp",
};
/** sharp's name for each supported type, to confirm the header really parses as that format. */
const SHARP_FORMAT: Record<ImageMimeType, keyof FormatEnum> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/webp": "webp",
};

export async function loadReferenceImage(
  source: ReferenceImageSource,
  limits: ReferenceImageLimits = {},
  options: ReferenceImageLoadOptions = {},
): Promise<ReferenceImage> {
  const checked = { ...DEFAULT_REFERENCE_IMAGE_LIMITS, ...limits };
  const data =
    "url" in source
      ? await downloadReferenceImage(source.url, {
          maxBytes: checked.maxBytes,
          timeoutMs: checked.timeoutMs,
          maxRedirects: checked.maxRedirects,
          signal: options.signal,
          lookup: options.lookup,
          allowPrivateOrigins: options.allowPrivateOrigins,
        })
      : source.bytes;
  return checkReferenceImage(data, checked);
}

async function checkReferenceImage(
  data: Uint8Array,
  limits: Required<ReferenceImageLimits>,
): Promise<ReferenceImage> {
  const sharp = await loadSharp();
  if (data.byteLength > limits.maxBytes) {
    throw new ReferenceImageError(
      "TOO_LARGE",
      `The image is larger than ${describeSize(limits.maxBytes)}.`,
    );
  }
  const detected = data.byteLength > 0 ? await fileTypeFromBuffer(data) : undefined;
  const mimeType = detected && SUPPORTED_TYPES[detected.mime];
  if (!mimeType) {
    const found = detected ? ` (this file is ${detected.ext.toUpperCase()})` : "";
    throw new ReferenceImageError(
      "UNSUPPORTED_TYPE",
      `The reference image must be a PNG, JPEG or WebP${found}.`,
    );
  }

  let metadata: Metadata;
  try {
    // Header only, so no pixel limit is needed yet: the dimensions are checked below first.
    metadata = await sharp(data, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw unreadable(error);
  }
  if (metadata.format !== SHARP_FORMAT[mimeType]) throw unreadable();
  const { width, height } = metadata;
  if (!width || !height) {
    throw new ReferenceImageError("BAD_DIMENSIONS", "The reference image has no pixels.");
  }
  if (width * height > limits.maxPixels) {
    throw new ReferenceImageError(
      "BAD_DIMENSIONS",
      `The reference image has too many pixels (at most ${Math.round(limits.maxPixels / 1e6)} megapixels).`,
    );
  }
  if (
    Math.min(width, height) < limits.minDimension ||
    Math.max(width, height) > limits.maxDimension
  ) {
    throw new ReferenceImageError(
      "BAD_DIMENSIONS",
      `The reference image must be between ${limits.minDimension} and ${limits.maxDimension} pixels on each side (it is ${width}×${height}).`,
    );
  }

  try {
    // A valid header says nothing of the rest: decode the whole image once (streamed, into a
    // thumbnail) so a truncated or damaged upload fails here, not at the provider.
    await sharp(data, { limitInputPixels: limits.maxPixels, failOn: "truncated" })
      .resize(32, 32, { fit: "inside" })
      .raw()
      .toBuffer();
  } catch (error) {
    throw unreadable(error);
  }

  // A phone photo stored sideways with an EXIF rotation flag: bake the rotation into the pixels so
  // the width and height we report are the ones every provider sees, whether it reads EXIF or not.
  if ((metadata.orientation ?? 1) !== 1) {
    const upright = await sharp(data, { limitInputPixels: limits.maxPixels })
      .autoOrient()
      .toFormat(SHARP_FORMAT[mimeType], encodeOptions(mimeType))
      .toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(upright.data),
      mimeType,
      width: upright.info.width,
      height: upright.info.height,
    };
  }
  return { data, mimeType, width, height };
}

/**
 * The image cover-cropped (centre) and resized to exactly `width`×`height`, same type: for models
 * that need the reference at the output size (Sora's input_reference).
 */
export async function fitReferenceImage(
  image: ReferenceImage,
  width: number,
  height: number,
): Promise<ReferenceImage> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`fitReferenceImage needs whole positive sizes, got ${width}×${height}.`);
  }
  const sharp = await loadSharp();
  const { data, info } = await sharp(image.data, {
    limitInputPixels: DEFAULT_REFERENCE_IMAGE_LIMITS.maxPixels,
  })
    .autoOrient()
    .resize(width, height, { fit: "cover", position: "centre" })
    .toFormat(SHARP_FORMAT[image.mimeType], encodeOptions(image.mimeType))
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data),
    mimeType: image.mimeType,
    width: info.width,
    height: info.height,
  };
}

/** Loaded on first use: importing the providers package must not load libvips (native code). */
async function loadSharp() {
  return (await import("sharp")).default;
}

function unreadable(cause?: unknown): ReferenceImageError {
  return new ReferenceImageError(
    "INVALID_IMAGE",
    "The reference image could not be read; the file may be damaged or incomplete.",
    { cause },
  );
}

/** High-quality lossy re-encodes; PNG stays lossless (its `quality` option would quantise colours). */
function encodeOptions(mimeType: ImageMimeType): { quality?: number } {
  return mimeType === "image/png" ? {} : { quality: 92 };
}
