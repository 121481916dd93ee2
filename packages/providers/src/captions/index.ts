// Captions: one provider call writes every requested platform's caption from the media itself
// (the image, a video's poster and frames, or — for Gemini — the video), with the generation prompt as
// context. Same error codes, retry rules and log line as generation; the caller stores and checks limits.
import {
  CAPTION_MAX_OUTPUT_TOKENS,
  type CaptionModelSpec,
  captionCostUsd,
  findCaptionModel,
  SHORTEN_MAX_OUTPUT_TOKENS,
} from "../catalog/captions";
import { formatFailureLine, isMediaGenError, MediaGenError } from "../errors";
import { createMediaProviders } from "../registry";
import type { ProviderId } from "../types";
import type { CaptionBackend } from "./backend";
import { prepareCaptionImage } from "./images";
import {
  captionInstructions,
  captionSchema,
  shortenInstructions,
  shortenSchema,
  toCaptions,
  validateCaptionInput,
} from "./request";
import {
  CAPTION_LIMITS,
  type Captioner,
  type CaptionerSettings,
  type CaptionInput,
  type CaptionResult,
  type ShortenInput,
  type ShortenResult,
} from "./types";

export {
  CAPTION_MAX_OUTPUT_TOKENS,
  CAPTION_MODELS,
  type CaptionAvailability,
  type CaptionModelApi,
  type CaptionModelSpec,
  type CaptionPrice,
  type CaptionPricing,
  captionAvailability,
  captionCostUsd,
  captionEstimateUsd,
  captionModelStage,
  captionPriceOf,
  DEFAULT_CAPTION_MODELS,
  defaultCaptionModel,
  findCaptionModel,
  parseCaptionPrices,
  SHORTEN_MAX_OUTPUT_TOKENS,
  SHORTEN_RESERVED_CALLS,
  shortenEstimateUsd,
} from "../catalog/captions";
export {
  FRAME_POOL_SIZE,
  type VideoFrame,
  type VideoFramesOptions,
  type VideoFramesResult,
  videoFramesForCaption,
} from "./frames";
export { CAPTION_IMAGE_MAX_SIDE, prepareCaptionImage } from "./images";
export { captionSchema } from "./request";
export {
  CAPTION_LIMITS,
  CAPTION_PLATFORMS,
  type Captioner,
  type CaptionerSettings,
  type CaptionImage,
  type CaptionInput,
  type CaptionMedia,
  type CaptionResult,
  type CaptionUsage,
  type Platform,
  type PlatformCaption,
  type ShortenInput,
  type ShortenResult,
  TITLED_PLATFORMS,
} from "./types";

/** Gemini takes a video inline below this (Google documents ~100 MB for newer models; 20 MB is the
 * limit every model has honoured). A larger video is captioned from its poster and frames instead. */
export const INLINE_VIDEO_MAX_BYTES = 20 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

export function createCaptioner(settings: CaptionerSettings): Captioner {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // The one registry answers availability and "not configured" for captions as for media.
  const providers =
    settings.providers ??
    createMediaProviders({
      openai: settings.openai,
      google: settings.google,
      enabledModels: settings.enabledModels,
      disabledModels: settings.disabledModels,
      now: settings.now,
    });
  const backends = new Map<ProviderId, CaptionBackend>();
  const logFor = (id: string) => providers.logger(findCaptionModel(id)?.provider ?? "openai");

  /** The model and its provider's adapter, or the error that stops the request before it is sent. */
  function resolve(id: string): { spec: CaptionModelSpec; backend: CaptionBackend } {
    const { spec, kit } = providers.getCaptionModel(id);
    let backend = backends.get(spec.provider);
    if (!backend) {
      backend = kit.caption({ timeoutMs });
      backends.set(spec.provider, backend);
    }
    return { spec, backend };
  }

  /** Runs one request; any failure is logged once, redacted, and thrown as MediaGenError. */
  async function run<T>(
    input: { model: string; signal?: AbortSignal | undefined; assetId?: string | undefined },
    work: (spec: CaptionModelSpec, backend: CaptionBackend) => Promise<T>,
  ): Promise<T> {
    try {
      const { spec, backend } = resolve(input.model);
      return await work(spec, backend);
    } catch (error) {
      if (input.signal?.aborted) throw input.signal.reason;
      const failure = isMediaGenError(error)
        ? error
        : new MediaGenError("PROVIDER_ERROR", `Caption adapter error: ${String(error)}`, {
            provider: findCaptionModel(input.model)?.provider,
            model: input.model,
            retryable: false,
            cause: error,
          });
      logFor(input.model)(formatFailureLine(failure, input.assetId));
      throw failure;
    }
  }

  return {
    caption: (input: CaptionInput) =>
      run(input, (spec, backend) => captionWith(spec, backend, input)),
    shorten: (input: ShortenInput) =>
      run(input, (spec, backend) => shortenWith(spec, backend, input)),
  };
}

/** One caption request on a resolved model: the media prepared, one call, the answer checked. */
async function captionWith(
  spec: CaptionModelSpec,
  backend: CaptionBackend,
  input: CaptionInput,
): Promise<CaptionResult> {
  const platforms = validateCaptionInput(input, spec.provider);
  const context = { provider: spec.provider, model: spec.id };
  const { video } = input.media;
  const inlineVideo =
    spec.videoInput && video && video.data.byteLength <= INLINE_VIDEO_MAX_BYTES ? video : undefined;
  if (input.media.images.length === 0 && !inlineVideo) {
    throw new MediaGenError(
      "INVALID_REQUEST",
      `${spec.label} takes no video${video ? " this large" : ""}: attach the poster and a few frames.`,
      { ...context, retryable: false },
    );
  }
  const images = inlineVideo
    ? []
    : await Promise.all(input.media.images.map((image) => prepareCaptionImage(image, context)));
  const answer = await backend.generate({
    spec,
    text: captionInstructions(
      { ...input, media: { ...input.media, video: inlineVideo } },
      platforms,
    ),
    images,
    video: inlineVideo,
    detail: images.length > 1 ? "low" : "high",
    schema: captionSchema(platforms),
    schemaName: "captions",
    maxOutputTokens: CAPTION_MAX_OUTPUT_TOKENS,
    signal: input.signal,
  });
  let captions: ReturnType<typeof toCaptions>;
  try {
    captions = toCaptions(answer.parsed, platforms, input.hashtags);
  } catch (error) {
    throw new MediaGenError(
      "PROVIDER_ERROR",
      `${spec.label} returned unusable captions: ${(error as Error).message}.`,
      {
        ...context,
        retryable: false,
        cause: error,
      },
    );
  }
  return {
    captions,
    usage: answer.usage,
    costUsd: captionCostUsd(spec, answer.usage),
    model: spec.id,
  };
}

/** One shorten re-ask on a resolved model. */
async function shortenWith(
  spec: CaptionModelSpec,
  backend: CaptionBackend,
  input: ShortenInput,
): Promise<ShortenResult> {
  const context = { provider: spec.provider, model: spec.id, retryable: false };
  if (!(input.limit > 0) || input.text.length > CAPTION_LIMITS.shortenText)
    throw new MediaGenError(
      "INVALID_REQUEST",
      "Nothing sensible to shorten: check the text and the limit.",
      context,
    );
  const answer = await backend.generate({
    spec,
    text: shortenInstructions(input),
    images: [],
    detail: "low",
    schema: shortenSchema,
    schemaName: "shortened_caption",
    maxOutputTokens: SHORTEN_MAX_OUTPUT_TOKENS,
    signal: input.signal,
  });
  const parsed = shortenSchema.safeParse(answer.parsed);
  if (!parsed.success)
    throw new MediaGenError(
      "PROVIDER_ERROR",
      `${spec.label} returned no shortened caption.`,
      context,
    );
  return {
    text: parsed.data.text.trim(),
    usage: answer.usage,
    costUsd: captionCostUsd(spec, answer.usage),
    model: spec.id,
  };
}
