// Veo 3.1 on the Gemini REST shape (ai.google.dev/gemini-api/docs/video, REST tab):
//   POST {base}/v1beta/models/{model}:predictLongRunning
//        { instances: [{ prompt, image?: { bytesBase64Encoded, mimeType } }],
//          parameters: { aspectRatio, durationSeconds, resolution } }          → { name: "models/…/operations/…" }
//   GET  {base}/v1beta/{name} → { done, error?, response: { generateVideoResponse: { generatedSamples: [{ video: { uri } }] } } }
//   GET  {uri} with x-goog-api-key                                            → the MP4
// @google/genai 3.x refuses `models.generateVideos` with an API key ("only supported by the Gemini
// Enterprise Agent Platform"), so the start request is sent here with the SDK's base URL, version and
// key header; polling stays on the SDK (`operations.getVideosOperation`), which still supports it.
import { GenerateVideosOperation } from "@google/genai";
import type { ModelSpec } from "../catalog";
import { MediaGenError } from "../errors";
import type { GenerationInput, MediaModel, OperationStatus } from "../types";
import { fetchVideoResult, type GoogleConnection, pollJobStatus } from "./connection";
import { operationError } from "./errors";

export function veoVideoModel(connection: GoogleConnection, spec: ModelSpec): MediaModel {
  return {
    id: spec.id,
    provider: "google",
    type: "video",

    async start(input) {
      try {
        const operation = await connection.request(
          spec.id,
          (probe) =>
            connection.postJson(
              `models/${spec.id}:predictLongRunning`,
              requestBody(input),
              probe,
              probe.signal,
            ),
          { signal: input.signal, createsJob: true, kind: "create", type: "video" },
        );
        const name = (operation as { name?: unknown } | undefined)?.name;
        if (typeof name !== "string" || !name)
          throw new MediaGenError("PROVIDER_ERROR", "Google returned no operation name.");
        return { operationId: name };
      } catch (error) {
        throw connection.fail(error, {
          model: spec.id,
          assetId: input.assetId,
          signal: input.signal,
        });
      }
    },

    status: (operationId, options) => {
      const pending = new GenerateVideosOperation();
      pending.name = operationId;
      return pollJobStatus(
        connection,
        spec.id,
        options,
        (probe) =>
          connection.sdk().operations.getVideosOperation({
            operation: pending,
            config: { abortSignal: probe.signal, httpOptions: { fetch: probe.fetch } },
          }),
        (operation) => statusOf(operation, spec.id),
      );
    },

    // The API hands out no poster frame; the worker cuts one from the video.
    fetchResult: (output, options) => fetchVideoResult(connection, spec.id, output, options),
  };
}

function requestBody(input: GenerationInput) {
  const { aspectRatio, durationSeconds, resolution } = input.options;
  const reference = input.referenceImage;
  const image = reference
    ? {
        bytesBase64Encoded: Buffer.from(reference.data).toString("base64"),
        mimeType: reference.mimeType,
      }
    : undefined;
  return {
    instances: [{ prompt: input.prompt, ...(image ? { image } : {}) }],
    parameters: {
      ...(aspectRatio !== undefined ? { aspectRatio: String(aspectRatio) } : {}),
      ...(durationSeconds !== undefined ? { durationSeconds: Number(durationSeconds) } : {}),
      ...(resolution !== undefined ? { resolution: String(resolution) } : {}),
    },
  };
}

export function statusOf(operation: GenerateVideosOperation, model: string): OperationStatus {
  // An operation that is not done carries no progress figure; callers estimate from typicalSeconds.
  if (!operation.done) return { state: "running" };
  if (operation.error) return { state: "failed", error: operationError(operation.error, model) };
  const response = operation.response;
  const video = response?.generatedVideos?.find(
    (sample) => sample.video?.uri || sample.video?.videoBytes,
  )?.video;
  if (!video) {
    const reasons = response?.raiMediaFilteredReasons?.join(" ");
    const filtered = (response?.raiMediaFilteredCount ?? 0) > 0 || Boolean(reasons);
    const error = filtered
      ? new MediaGenError(
          "CONTENT_REJECTED",
          `Google filtered the video${reasons ? `: ${reasons}` : "."}`,
          {
            provider: "google",
            model,
          },
        )
      : new MediaGenError("PROVIDER_ERROR", "Google finished the job without a video.", {
          provider: "google",
          model,
          retryable: false,
        });
    return { state: "failed", error };
  }
  const bytes = video.videoBytes
    ? new Uint8Array(Buffer.from(video.videoBytes, "base64"))
    : undefined;
  return {
    state: "succeeded",
    output: {
      mimeType: video.mimeType ?? "video/mp4",
      locator: video.uri,
      data: video.uri ? undefined : bytes,
      hasThumbnail: false,
    },
  };
}
