// What the caption models are shown: each image downscaled with sharp to at most 1024 px on its long
// side and re-encoded as JPEG. A caption needs the gist of a picture, not its pixels: a smaller image
// costs fewer input tokens and keeps the request far below the providers' size limits.
import sharp from "sharp";
import { MediaGenError } from "../errors";
import type { ProviderId } from "../types";
import type { CaptionImage } from "./types";

export const CAPTION_IMAGE_MAX_SIDE = 1024;

export interface PreparedImage {
  data: Uint8Array;
  mimeType: "image/jpeg";
  width: number;
  height: number;
}

export async function prepareCaptionImage(
  image: CaptionImage,
  context: { provider: ProviderId; model: string },
): Promise<PreparedImage> {
  try {
    const { data, info } = await sharp(image.data, { limitInputPixels: 100_000_000 })
      .rotate() // honour EXIF orientation before the EXIF is dropped
      .resize({
        width: CAPTION_IMAGE_MAX_SIDE,
        height: CAPTION_IMAGE_MAX_SIDE,
        fit: "inside",
        withoutEnlargement: true,
      })
      .flatten({ background: "#ffffff" }) // JPEG has no alpha: transparent areas become white
      .jpeg({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(data),
      mimeType: "image/jpeg",
      width: info.width,
      height: info.height,
    };
  } catch (error) {
    throw new MediaGenError(
      "INVALID_REQUEST",
      `The ${image.mimeType || "image"} to caption could not be read as an image.`,
      { ...context, retryable: false, cause: error },
    );
  }
}

export function dataUrl(image: PreparedImage): string {
  return `data:${image.mimeType};base64,${Buffer.from(image.data).toString("base64")}`;
}
