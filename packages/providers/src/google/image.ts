// Gemini image models (Nano Banana family) through `models.generateContent`, which answers
// synchronously with the image as inline base64 (ai.google.dev/gemini-api/docs/image-generation).
import { randomUUID } from "node:crypto";
import { type GenerateContentResponse, Modality, type Part } from "@google/genai";
import sharp from "sharp";
import type { ModelSpec } from "../catalog";
import { MediaGenError } from "../errors";
import type { GenerationInput, MediaModel, MediaOutput } from "../types";
import { assetIdOf, type GoogleConnection, streamOf } from "./connection";

/** Finish reasons that mean Google refused to draw, rather than failed to. */
const REFUSALS = new Set([
  "SAFETY",
  "PROHIBITED_CONTENT",
  "BLOCKLIST",
  "SPII",
  "RECITATION",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

const MIME_FOR_FORMAT: Record<string, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
};

/** Ids of synchronous results; they cannot be looked up again, only recognized. */
const SYNC_PREFIX = "generateContent:";

export function geminiImageModel(connection: GoogleConnection, spec: ModelSpec): MediaModel {
  const rejected = (message: string) =>
    new MediaGenError("CONTENT_REJECTED", message, { provider: "google", model: spec.id });

  return {
    id: spec.id,
    provider: "google",
    type: "image",

    async start(input) {
      try {
        const response = await connection.request(
          spec.id,
          (probe) =>
            connection.sdk().models.generateContent({
              model: spec.id,
              contents: [{ role: "user", parts: promptParts(input) }],
              config: {
                responseModalities: [Modality.TEXT, Modality.IMAGE],
                imageConfig: imageConfigOf(input, spec),
                // One request per attempt: withRetry owns the count, so no SDK follow-up hops.
                automaticContinuation: false,
                abortSignal: probe.signal,
                httpOptions: { fetch: probe.fetch },
              },
            }),
          { signal: input.signal, createsJob: true, kind: "create", type: "image" },
        );
        const output = await readImage(imagePartOf(response, rejected));
        const operationId = `${SYNC_PREFIX}${response.responseId ?? randomUUID()}`;
        return { operationId, status: { state: "succeeded", output } };
      } catch (error) {
        throw connection.fail(error, {
          model: spec.id,
          assetId: input.assetId,
          signal: input.signal,
        });
      }
    },

    async status() {
      // The bytes came back with start(); Google keeps no copy a later call could fetch.
      const error = new MediaGenError(
        "PROVIDER_ERROR",
        `${spec.label} answers at once and keeps no result to look up; generate the image again.`,
        { provider: "google", model: spec.id, retryable: false },
      );
      return { state: "failed", error };
    },

    async fetchResult(output, options) {
      if (options?.variant === "thumbnail") return null;
      if (!output.data) {
        throw connection.fail(
          new MediaGenError("PROVIDER_ERROR", "This image's bytes are no longer in hand.", {
            provider: "google",
            model: spec.id,
          }),
          { model: spec.id, assetId: assetIdOf(options) },
        );
      }
      return streamOf(output.data, output.mimeType);
    },
  };
}

function promptParts(input: GenerationInput): Part[] {
  const parts: Part[] = [{ text: input.prompt }];
  const reference = input.referenceImage;
  if (reference) {
    const data = Buffer.from(reference.data).toString("base64");
    parts.push({ inlineData: { mimeType: reference.mimeType, data } });
  }
  return parts;
}

function imageConfigOf(
  input: GenerationInput,
  spec: ModelSpec,
): { aspectRatio?: string; imageSize?: string } {
  const { imageSize } = input.options;
  let aspectRatio = input.options.aspectRatio;
  if (aspectRatio === "auto") {
    const offered = (spec.options.aspectRatio?.values ?? []).map(String);
    aspectRatio = nearestRatio(
      input.referenceImage,
      offered.filter((v) => v !== "auto"),
    );
  }
  return {
    ...(aspectRatio !== undefined ? { aspectRatio: String(aspectRatio) } : {}),
    ...(imageSize !== undefined ? { imageSize: String(imageSize) } : {}),
  };
}

/**
 * The ratio (of those offered) nearest the reference photo's shape, compared on a log scale so 2:3
 * and 3:2 are equally far from 1:1; 1:1 without a reference.
 */
export function nearestRatio(
  reference: { width: number; height: number } | undefined,
  offered: readonly string[],
): string {
  if (!reference?.width || !reference.height || offered.length === 0) return "1:1";
  const target = Math.log(reference.width / reference.height);
  let best = "1:1";
  let distance = Number.POSITIVE_INFINITY;
  for (const ratio of offered) {
    const [w, h] = ratio.split(":").map(Number);
    if (!w || !h) continue;
    const d = Math.abs(Math.log(w / h) - target);
    if (d < distance) [best, distance] = [ratio, d];
  }
  return best;
}

/** The image part of the first candidate, or why there is none. */
function imagePartOf(
  response: GenerateContentResponse,
  rejected: (message: string) => MediaGenError,
): { data: string; mimeType?: string | undefined } {
  const blocked = response.promptFeedback?.blockReason;
  if (blocked) {
    const why = response.promptFeedback?.blockReasonMessage;
    throw rejected(`Google blocked the prompt (${blocked})${why ? `: ${why}` : "."}`);
  }
  const candidate = response.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  const image = parts.find(
    (part) => part.inlineData?.data && part.inlineData.mimeType?.startsWith("image/"),
  );
  if (image?.inlineData?.data)
    return { data: image.inlineData.data, mimeType: image.inlineData.mimeType };

  const reason = candidate?.finishReason ? String(candidate.finishReason) : undefined;
  const said = [
    candidate?.finishMessage,
    ...parts.filter((p) => p.text && !p.thought).map((p) => p.text),
  ]
    .filter(Boolean)
    .join(" ")
    .slice(0, 300);
  if (reason && REFUSALS.has(reason))
    throw rejected(`Google declined to generate this image (${reason})${said ? `: ${said}` : "."}`);
  throw rejected(
    `Google returned no image${reason ? ` (finish reason ${reason})` : ""}${said ? `: ${said}` : "."}`,
  );
}

/** Decodes the image and reads its real size, so the stored asset never trusts a guess. */
async function readImage(part: {
  data: string;
  mimeType?: string | undefined;
}): Promise<MediaOutput> {
  const data = new Uint8Array(Buffer.from(part.data, "base64"));
  const metadata = await sharp(data)
    .metadata()
    .catch(() => undefined);
  if (!metadata?.width || !metadata.height) {
    throw new MediaGenError(
      "PROVIDER_ERROR",
      "Google returned image data that is not a readable image.",
    );
  }
  const mimeType = MIME_FOR_FORMAT[metadata.format ?? ""] ?? part.mimeType ?? "image/png";
  return { mimeType, data, width: metadata.width, height: metadata.height, hasThumbnail: false };
}
