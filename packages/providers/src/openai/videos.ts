// Sora 2 through the Videos API. Facts from developers.openai.com/api/reference/resources/videos (methods
// create, retrieve, download_content), the Sora video generation guide and openai-node 7.57
// resources/videos.ts: `seconds` is the string '4' | '8' | '12'; `size` is WIDTHxHEIGHT; an
// `input_reference` image must have exactly the requested size; status is queued | in_progress |
// completed | failed with a 0–100 `progress`; content comes as variant video (mp4) or thumbnail (webp).
import type { Video, VideoCreateParams } from "openai/resources/videos";
import sharp from "sharp";
import type { ModelSpec } from "../catalog";
import { isJobVerdict, isMediaGenError, MediaGenError } from "../errors";
import type {
  GenerationInput,
  MediaModel,
  MediaOutput,
  OperationStatus,
  ReferenceImage,
} from "../types";
import { videoJobError } from "./errors";
import { referenceFile } from "./images";
import type { OpenAIRuntime } from "./index";

const SECONDS = new Set(["4", "8", "12"]);

function parseSize(size: string): { width: number; height: number } | undefined {
  const match = /^(\d+)x(\d+)$/.exec(size);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

/**
 * Sora refuses a reference whose pixels differ from `size`, so the photo is cover-cropped to exactly
 * that: scaled until it fills the frame, centred, the overflow cut. Same format out as in.
 */
export async function fitReference(
  reference: ReferenceImage,
  width: number,
  height: number,
): Promise<Uint8Array> {
  if (reference.width === width && reference.height === height) return reference.data;
  const format =
    reference.mimeType === "image/jpeg"
      ? "jpeg"
      : reference.mimeType === "image/webp"
        ? "webp"
        : "png";
  const fitted = await sharp(reference.data)
    .rotate() // honour EXIF orientation before cropping, or portrait phone photos come out sideways
    .resize(width, height, { fit: "cover", position: "centre" })
    .toFormat(format)
    .toBuffer();
  return new Uint8Array(fitted);
}

/** A finished Sora job as our output: the size it made (else the catalog default) and its length. */
function videoOutput(spec: ModelSpec, video: Video): MediaOutput {
  const size = parseSize(String(video.size)) ?? parseSize(String(spec.options.size?.default));
  const seconds = Number(video.seconds);
  return {
    mimeType: "video/mp4",
    locator: video.id,
    width: size?.width,
    height: size?.height,
    durationSeconds: Number.isFinite(seconds) ? seconds : undefined,
    hasThumbnail: true,
  };
}

/** A Sora job's status as ours. */
function statusOf(spec: ModelSpec, video: Video): OperationStatus {
  switch (video.status) {
    case "queued":
      return { state: "queued", progress: video.progress ?? undefined };
    case "in_progress":
      return { state: "running", progress: video.progress ?? undefined };
    case "completed":
      return { state: "succeeded", output: videoOutput(spec, video) };
    case "failed":
      return { state: "failed", error: videoJobError(video.error, { model: spec.id }) };
    default:
      // An unknown status from a newer API is still work in progress, not a failure.
      return { state: "running", progress: video.progress ?? undefined };
  }
}

export function createVideoModel(spec: ModelSpec, runtime: OpenAIRuntime): MediaModel {
  const fail = (message: string) =>
    new MediaGenError("INVALID_REQUEST", message, { provider: "openai", model: spec.id });
  const defaultOf = (name: string) => spec.options[name]?.default;

  async function createParams(input: GenerationInput): Promise<VideoCreateParams> {
    const seconds = String(input.options.seconds ?? defaultOf("seconds"));
    const size = String(input.options.size ?? defaultOf("size"));
    const dimensions = parseSize(size);
    if (!SECONDS.has(seconds)) throw fail(`Sora clips last 4, 8 or 12 seconds, not "${seconds}".`);
    if (!dimensions) throw fail(`"${size}" is not a WIDTHxHEIGHT video size.`);
    const reference = input.referenceImage;
    const fitted =
      reference && (await fitReference(reference, dimensions.width, dimensions.height));
    return {
      model: spec.id,
      prompt: input.prompt,
      seconds: seconds as VideoCreateParams["seconds"],
      size: size as VideoCreateParams["size"],
      ...(reference && fitted ? { input_reference: await referenceFile(reference, fitted) } : {}),
    };
  }

  return {
    id: spec.id,
    provider: "openai",
    type: "video",

    async start(input: GenerationInput) {
      const logged = { model: spec.id, notFound: "model" as const, assetId: input.assetId };
      const creating = { ...logged, createsJob: true };
      const params = await runtime.prepare(() => createParams(input), logged);
      const video = await runtime.call(
        (signal) => runtime.client.videos.create(params, { signal }),
        { ...creating, signal: input.signal, kind: "create", type: "video" },
      );
      return { operationId: video.id };
    },
    async status(operationId, options = {}) {
      let video: Video;
      try {
        video = await runtime.call(
          (signal) => runtime.client.videos.retrieve(operationId, { signal }),
          {
            model: spec.id,
            notFound: "video",
            signal: options.signal,
            assetId: options.assetId,
            kind: "status",
            type: "video",
          },
        );
      } catch (error) {
        // The provider's verdict on the job (unknown / expired id) is a failed job, not an outage.
        if (isMediaGenError(error) && isJobVerdict(error)) return { state: "failed", error };
        throw error;
      }
      const status = statusOf(spec, video);
      if (status.state === "failed") runtime.logFailure(status.error, options.assetId);
      return status;
    },

    async fetchResult(output, options = {}) {
      if (!output.locator) {
        throw new MediaGenError("PROVIDER_ERROR", "This video has no Sora id to download.", {
          provider: "openai",
          model: spec.id,
          retryable: false,
        });
      }
      const videoId = output.locator;
      const variant = options.variant === "thumbnail" ? "thumbnail" : "video";
      if (variant === "thumbnail" && !output.hasThumbnail) return null;
      const { response, body } = await runtime.download(
        (signal) => runtime.client.videos.downloadContent(videoId, { variant }, { signal }),
        { model: spec.id, notFound: "video", signal: options.signal, assetId: options.assetId },
      );
      if (!body) {
        throw new MediaGenError("PROVIDER_ERROR", `Sora sent no ${variant} bytes for ${videoId}.`, {
          provider: "openai",
          model: spec.id,
        });
      }
      const length = Number(response.headers.get("content-length"));
      return {
        body,
        mimeType:
          response.headers.get("content-type")?.split(";")[0]?.trim() ||
          (variant === "video" ? "video/mp4" : "image/webp"),
        contentLength: Number.isFinite(length) && length > 0 ? length : undefined,
      };
    },
  };
}
