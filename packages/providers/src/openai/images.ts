// GPT Image models through the Images API. Facts from developers.openai.com/api/reference/resources/images
// (methods generate and edit) and openai-node 7.57 resources/images.ts: GPT image models always answer
// base64 in data[].b64_json; `image` on /images/edits is a multipart file (png, webp or jpg, < 50 MB);
// size, quality and background all document "auto" as an accepted value, so we send what the user chose.
import { randomUUID } from "node:crypto";
import { toFile } from "openai";
import type { ImageEditParamsBase, ImagesResponse } from "openai/resources/images";
import sharp from "sharp";
import type { ModelSpec } from "../catalog";
import { MediaGenError } from "../errors";
import type {
  GenerationInput,
  ImageMimeType,
  MediaModel,
  MediaOutput,
  MediaStream,
  ReferenceImage,
} from "../types";
import type { OpenAIRuntime } from "./index";

const EXTENSIONS: Record<ImageMimeType, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
};
const FORMAT_MIME: Record<string, ImageMimeType> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
};

/** The reference photo as the multipart file /images/edits expects, named so its type is unambiguous. */
export function referenceFile(reference: ReferenceImage, data = reference.data): Promise<File> {
  return toFile(data, `reference.${EXTENSIONS[reference.mimeType]}`, { type: reference.mimeType });
}

function optionText(value: string | number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** Decodes the one image an ImagesResponse carries and measures it: the bytes are the truth. */
async function imageOutput(response: ImagesResponse, model: string): Promise<MediaOutput> {
  const base64 = response.data?.[0]?.b64_json;
  if (!base64) {
    throw new MediaGenError("PROVIDER_ERROR", "OpenAI answered without an image.", {
      provider: "openai",
      model,
    });
  }
  const data = new Uint8Array(Buffer.from(base64, "base64"));
  const meta = await sharp(data)
    .metadata()
    .catch(() => undefined);
  const mimeType = FORMAT_MIME[meta?.format ?? response.output_format ?? ""];
  if (!meta?.width || !meta.height || !mimeType) {
    throw new MediaGenError("PROVIDER_ERROR", "OpenAI answered with bytes that are not an image.", {
      provider: "openai",
      model,
    });
  }
  return { mimeType, data, width: meta.width, height: meta.height };
}

export function createImageModel(spec: ModelSpec, runtime: OpenAIRuntime): MediaModel {
  const context = { model: spec.id, notFound: "model" as const };

  return {
    id: spec.id,
    provider: "openai",
    type: "image",

    async start(input: GenerationInput) {
      const params = {
        model: spec.id,
        prompt: input.prompt,
        n: 1,
        size: optionText(input.options.size),
        // The catalog already checked these against what this model accepts.
        quality: optionText(input.options.quality) as ImageEditParamsBase["quality"],
        background: optionText(input.options.background) as ImageEditParamsBase["background"],
      };
      const logged = { ...context, assetId: input.assetId };
      const creating = { ...logged, createsJob: true };
      const reference = input.referenceImage;
      const image = reference
        ? await runtime.prepare(() => referenceFile(reference), logged)
        : undefined;
      const response = await runtime.call(
        (signal) =>
          image
            ? runtime.client.images.edit({ ...params, image }, { signal })
            : runtime.client.images.generate(params, { signal }),
        { ...creating, signal: input.signal, kind: "create", type: "image" },
      );
      const output = await runtime.prepare(() => imageOutput(response, spec.id), logged);
      // The Images API is synchronous and has no job id; ours only names this result in logs and rows.
      return {
        operationId: `img_${response.created}_${randomUUID()}`,
        status: { state: "succeeded", output },
      };
    },

    async status(operationId) {
      // Nothing to ask: the bytes came with the start() answer and OpenAI keeps no copy to fetch.
      const error = new MediaGenError(
        "PROVIDER_ERROR",
        `Image ${operationId} came back synchronously from OpenAI and was not kept; generate it again.`,
        { provider: "openai", model: spec.id, retryable: false },
      );
      runtime.logFailure(error);
      return { state: "failed", error };
    },

    async fetchResult(output, options = {}): Promise<MediaStream | null> {
      if (options.variant === "thumbnail") return null;
      if (!output.data) {
        throw new MediaGenError("PROVIDER_ERROR", "This image's bytes are no longer in memory.", {
          provider: "openai",
          model: spec.id,
          retryable: false,
        });
      }
      return {
        body: new Blob([output.data as Uint8Array<ArrayBuffer>]).stream(),
        mimeType: output.mimeType,
        contentLength: output.data.byteLength,
      };
    },
  };
}
