// Gemini Omni Flash through the Interactions API (ai.google.dev/gemini-api/docs/omni, /interactions):
//   POST {base}/{version}/interactions      { model, input, background: true, response_format: { type: "video", … } }
//   GET  {base}/{version}/interactions/{id} → { id, status, steps: [{ type: "model_output", content: [{ type: "video", uri }] }] }
// @google/genai 3.3 implements both calls (`ai.interactions.create/get`), so the SDK sends them;
// its own retry layer is switched off per request so withRetry's count is the only one.
import type { GoogleGenAIInteraction } from "@google/genai";
import type { ModelSpec } from "../catalog";
import { MediaGenError } from "../errors";
import type { GenerationInput, MediaModel, MediaOutput, OperationStatus } from "../types";
import { fetchVideoResult, type GoogleConnection, pollJobStatus } from "./connection";
import { operationError } from "./errors";

const NO_SDK_RETRIES = { retries: { strategy: "none" } } as const;

/** Frame sizes per resolution tier, landscape; portrait swaps them. */
const FRAME: Record<string, [number, number]> = {
  "360p": [640, 360],
  "720p": [1280, 720],
  "1080p": [1920, 1080],
  "4k": [3840, 2160],
};

interface ContentBlock {
  type?: string;
  uri?: string;
  data?: string;
  mime_type?: string;
  text?: string;
}

export function omniVideoModel(connection: GoogleConnection, spec: ModelSpec): MediaModel {
  return {
    id: spec.id,
    provider: "google",
    type: "video",

    async start(input) {
      try {
        const interaction = await connection.request(
          spec.id,
          (probe) =>
            connection.sdk().interactions.create(
              {
                model: spec.id,
                input: interactionInput(input),
                // Without background the POST holds the connection for the whole render.
                background: true,
                response_format: videoFormat(input),
              },
              { ...NO_SDK_RETRIES, signal: probe.signal },
            ),
          { signal: input.signal, createsJob: true, kind: "create", type: "video" },
        );
        if (!interaction.id)
          throw new MediaGenError("PROVIDER_ERROR", "Google returned no interaction id.");
        return { operationId: interaction.id };
      } catch (error) {
        throw connection.fail(error, {
          model: spec.id,
          assetId: input.assetId,
          signal: input.signal,
        });
      }
    },

    status: (operationId, options) =>
      pollJobStatus(
        connection,
        spec.id,
        options,
        (probe) =>
          connection.sdk().interactions.get(operationId, undefined, {
            ...NO_SDK_RETRIES,
            signal: probe.signal,
          }),
        (interaction) => statusOf(interaction, spec.id),
      ),

    // "Cancels an interaction by id. This only applies to background interactions that are still
    // running" (@google/genai 3.3 `interactions.cancel` → POST /{version}/interactions/{id}/cancel).
    // Errors come back as MediaGenError (connection.request) and are not logged as a generation
    // failure: the asset was canceled either way; the caller records whether the stop reached Google.
    async cancel(operationId, options = {}) {
      await connection.request(
        spec.id,
        (probe) =>
          connection.sdk().interactions.cancel(operationId, undefined, {
            ...NO_SDK_RETRIES,
            signal: probe.signal,
          }),
        { signal: options.signal, kind: "status", measureAs: "cancel" },
      );
    },

    // The API hands out no poster frame; the worker cuts one from the video.
    fetchResult: (output, options) => fetchVideoResult(connection, spec.id, output, options),
  };
}

function interactionInput(input: GenerationInput) {
  const reference = input.referenceImage;
  if (!reference) return input.prompt;
  return [
    {
      type: "image" as const,
      data: Buffer.from(reference.data).toString("base64"),
      mime_type: reference.mimeType,
    },
    { type: "text" as const, text: input.prompt },
  ];
}

function videoFormat(input: GenerationInput) {
  const { aspectRatio, durationSeconds, resolution } = input.options;
  return {
    type: "video" as const,
    // A URI keeps multi-megabyte videos out of every status poll; fetchResult downloads it once.
    delivery: "uri" as const,
    ...(aspectRatio !== undefined ? { aspect_ratio: String(aspectRatio) } : {}),
    // A google.protobuf.Duration string ("8s"); the API refuses a bare number.
    ...(durationSeconds !== undefined ? { duration: `${durationSeconds}s` } : {}),
    ...(resolution !== undefined ? { resolution: String(resolution) } : {}),
  };
}

export function statusOf(interaction: GoogleGenAIInteraction, model: string): OperationStatus {
  const fail = (code: "PROVIDER_ERROR" | "CONTENT_REJECTED", message: string): OperationStatus => ({
    state: "failed",
    error: new MediaGenError(code, message, { provider: "google", model, retryable: false }),
  });
  switch (interaction.status) {
    case "queued":
      return { state: "queued" };
    case "in_progress":
      return { state: "running" };
    case "completed": {
      const outputs = modelOutputs(interaction);
      const video = outputs.find((block) => block.type === "video" && (block.uri || block.data));
      if (video) return { state: "succeeded", output: outputOf(video, interaction) };
      // A refusal arrives as a completed interaction whose only output is text.
      const said = outputs
        .map((block) => block.text ?? "")
        .join(" ")
        .trim()
        .slice(0, 300);
      return fail("CONTENT_REJECTED", `Google made no video${said ? `: ${said}` : "."}`);
    }
    case "failed": {
      const steps = (interaction.steps ?? []) as Array<{
        error?: { code?: number; message?: string };
      }>;
      const stepError = steps.find((step) => step.error)?.error;
      const fault = (interaction as { error?: { code?: number; message?: string } }).error;
      const diagnostic = interaction.errors?.[0];
      const error =
        stepError ?? fault ?? (diagnostic ? { message: diagnostic.message } : undefined);
      return { state: "failed", error: operationError(error, model) };
    }
    case "cancelled":
      return fail("PROVIDER_ERROR", "The video job was cancelled at Google.");
    case "incomplete":
    case "budget_exceeded":
    case "requires_action":
    case "requires_continuation":
      return fail("PROVIDER_ERROR", `Google stopped the video job (${interaction.status}).`);
    default:
      return { state: "running" }; // a status this code does not know yet; the poll deadline bounds it
  }
}

function modelOutputs(interaction: GoogleGenAIInteraction): ContentBlock[] {
  const steps = (interaction.steps ?? []) as Array<{ type?: string; content?: ContentBlock[] }>;
  const blocks = steps
    .filter((step) => step.type === "model_output")
    .flatMap((step) => step.content ?? []);
  const convenience = interaction.output_video as ContentBlock | undefined;
  return convenience && !blocks.includes(convenience) ? [convenience, ...blocks] : blocks;
}

/** The echoed response_format tells the clip's length and frame, which the output omits. */
function outputOf(video: ContentBlock, interaction: GoogleGenAIInteraction): MediaOutput {
  const formats = [interaction.response_format ?? []].flat() as Array<Record<string, unknown>>;
  const format = formats.find((entry) => entry.type === "video");
  const seconds = Number.parseFloat(String(format?.duration ?? ""));
  const frame = FRAME[String(format?.resolution ?? "720p")];
  const portrait = format?.aspect_ratio === "9:16";
  return {
    mimeType: video.mime_type ?? "video/mp4",
    locator: video.uri,
    data: !video.uri && video.data ? new Uint8Array(Buffer.from(video.data, "base64")) : undefined,
    durationSeconds: Number.isFinite(seconds) ? seconds : undefined,
    width: frame && format?.aspect_ratio ? (portrait ? frame[1] : frame[0]) : undefined,
    height: frame && format?.aspect_ratio ? (portrait ? frame[0] : frame[1]) : undefined,
    hasThumbnail: false,
  };
}
