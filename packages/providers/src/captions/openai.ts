// Captions through OpenAI's Responses API: `responses.parse` with `text.format: zodTextFormat(schema)`
// (strict JSON schema) and a user message of input_text + input_image parts, images as base64 data URLs.
// References: developers.openai.com/api/reference/resources/responses/methods/create, the structured
// outputs guide, openai-node 7.57 src/helpers/zod.ts (zodTextFormat) and lib/ResponsesParser.ts (parse
// throws on invalid JSON; incomplete responses and refusals stay unparsed).
import { zodTextFormat } from "openai/helpers/zod";
import type { ResponseInputContent } from "openai/resources/responses/responses";
import { MediaGenError } from "../errors";
import type { OpenAIRuntime } from "../openai";
import type { CaptionBackend } from "./backend";
import { dataUrl } from "./images";

/** The model answered, but not JSON we can use: billed, so never re-sent automatically. */
const unusable = (model: string, why: string, cause?: unknown) =>
  new MediaGenError("PROVIDER_ERROR", `OpenAI returned unusable captions: ${why}.`, {
    provider: "openai",
    model,
    retryable: false,
    cause,
  });

/** What the OpenAI kit lends captions: its runtime (the client, built once, and the call wrapper). */
export interface OpenAICaptionDeps {
  runtime: OpenAIRuntime;
  /** Bounds each request. */
  timeoutMs: number;
}

export function openaiCaptionBackend({ runtime, timeoutMs }: OpenAICaptionDeps): CaptionBackend {
  return {
    log: runtime.log,
    async generate({ spec, text, images, detail, schema, schemaName, maxOutputTokens, signal }) {
      const model = spec.id;
      const content: ResponseInputContent[] = [
        { type: "input_text", text },
        ...images.map((image) => ({
          type: "input_image" as const,
          image_url: dataUrl(image),
          detail,
        })),
      ];
      const format = zodTextFormat(schema, schemaName);
      // The kit's one wrapper: key check, retries, a timeout per attempt, error mapping. Billed like
      // a create: re-sent only after an answer proving nothing ran (429, HTTP 5xx).
      const response = await runtime.send(
        async (attempt) => {
          try {
            return await runtime.client.responses.parse(
              {
                model,
                input: [{ role: "user", content }],
                text: { format },
                store: false,
                // Bounds what one call can bill (the caption estimate reserves exactly this).
                max_output_tokens: maxOutputTokens,
              },
              { signal: attempt },
            );
          } catch (error) {
            // Thrown by the SDK's parser after a 200: the JSON text is broken or off-schema.
            if (error instanceof SyntaxError) throw unusable(model, "the JSON is malformed", error);
            if (error instanceof Error && error.name === "ZodError")
              throw unusable(model, "the JSON does not match the captions schema", error);
            throw error;
          }
        },
        {
          model,
          notFound: "model",
          createsJob: true,
          signal,
          kind: "caption",
          ms: timeoutMs,
        },
      );

      const parts = response.output.flatMap((item) =>
        item.type === "message" ? item.content : [],
      );
      const refusal = parts.find((part) => part.type === "refusal");
      if (refusal?.type === "refusal") {
        throw new MediaGenError(
          "CONTENT_REJECTED",
          `OpenAI declined to caption this: ${refusal.refusal}`,
          {
            provider: "openai",
            model,
          },
        );
      }
      if (response.status === "failed")
        throw unusable(model, response.error?.message ?? "the response failed");
      if (response.status === "incomplete") {
        const why = response.incomplete_details?.reason ?? "unknown reason";
        throw unusable(model, `the answer stopped before the JSON was complete (${why})`);
      }
      if (response.output_parsed == null) throw unusable(model, "the answer had no JSON text");
      return {
        parsed: response.output_parsed,
        usage: {
          inputTokens: response.usage?.input_tokens ?? 0,
          outputTokens: response.usage?.output_tokens ?? 0,
        },
      };
    },
  };
}
