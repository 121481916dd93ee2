// Captions through Gemini `models.generateContent`: media as inlineData parts, then the text, with
// `responseMimeType: "application/json"` + `responseJsonSchema` (ai.google.dev/gemini-api/docs/structured-output)
// and thinking level LOW (ai.google.dev/gemini-api/docs/thinking; @google/genai 3.3 ThinkingConfig.thinkingLevel).
// No temperature / topP / topK: deprecated for the latest models since 2026-07-21 (PROVIDERS.md).
import { type GenerateContentResponse, type Part, ThinkingLevel } from "@google/genai";
import { MediaGenError } from "../errors";
import type { GoogleConnection } from "../google/connection";
import { DEFAULT_PROVIDER_TIMEOUTS } from "../timeouts";
import type { CaptionBackend } from "./backend";
import { jsonSchemaOf } from "./request";

/** Finish reasons that mean Google refused to write, rather than failed to. */
const REFUSALS = new Set(["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION"]);

const base64 = (data: Uint8Array) => Buffer.from(data).toString("base64");

/** Captions on the Google kit's connection (its key, retries and log); `timeoutMs` bounds each call. */
export function googleCaptionBackend(
  connection: GoogleConnection,
  timeoutMs: number,
): CaptionBackend {
  return {
    log: connection.log,
    async generate({ spec, text, images, video, schema, maxOutputTokens, signal }) {
      const model = spec.id;
      const media: Part[] = video
        ? [{ inlineData: { mimeType: video.mimeType, data: base64(video.data) } }]
        : images.map((image) => ({
            inlineData: { mimeType: image.mimeType, data: base64(image.data) },
          }));
      const responseJsonSchema = jsonSchemaOf(schema);
      const response = await connection.request(
        model,
        async (probe) => {
          // Our own timer, so a timeout is told apart from the caller cancelling.
          const timer = AbortSignal.timeout(timeoutMs);
          try {
            return await connection.sdk().models.generateContent({
              model,
              // Media first, then the words: Google's guidance for prompts with one image or video.
              contents: [{ role: "user", parts: [...media, { text }] }],
              config: {
                responseMimeType: "application/json",
                responseJsonSchema,
                thinkingConfig: { thinkingLevel: ThinkingLevel.LOW },
                // Bounds what one call can bill (the caption estimate reserves exactly this).
                maxOutputTokens,
                automaticContinuation: false,
                abortSignal: signal ? AbortSignal.any([signal, timer]) : timer,
                httpOptions: { fetch: probe.fetch },
              },
            });
          } catch (error) {
            if (timer.aborted && !signal?.aborted)
              throw new MediaGenError("TIMEOUT", "Google did not answer in time.", {
                provider: "google",
                model,
                cause: error,
              });
            throw error;
          }
        },
        // Billed like a create: re-sent only after an answer proving nothing ran (429, HTTP 5xx).
        // Each attempt keeps the bound captions always had (the default status timeout), whatever
        // the media calls on the same connection are given: the caption's own timer is above.
        {
          signal,
          createsJob: true,
          timeoutMs: DEFAULT_PROVIDER_TIMEOUTS.statusMs,
          measureAs: "caption",
        },
      );
      return { parsed: readJson(response, model), usage: usageOf(response) };
    },
  };
}

function readJson(response: GenerateContentResponse, model: string): unknown {
  const options = { provider: "google" as const, model, retryable: false };
  const blocked = response.promptFeedback?.blockReason;
  if (blocked)
    throw new MediaGenError(
      "CONTENT_REJECTED",
      `Google blocked the request (${blocked}).`,
      options,
    );
  const candidate = response.candidates?.[0];
  const reason = candidate?.finishReason ? String(candidate.finishReason) : undefined;
  if (reason && REFUSALS.has(reason))
    throw new MediaGenError(
      "CONTENT_REJECTED",
      `Google declined to caption this (${reason}).`,
      options,
    );
  const text = (candidate?.content?.parts ?? [])
    .filter((part) => typeof part.text === "string" && !part.thought)
    .map((part) => part.text)
    .join("");
  const unusable = (why: string, cause?: unknown) =>
    new MediaGenError("PROVIDER_ERROR", `Gemini returned unusable captions: ${why}.`, {
      ...options,
      cause,
    });
  if (reason === "MAX_TOKENS")
    throw unusable("the answer stopped before the JSON was complete (MAX_TOKENS)");
  if (!text.trim())
    throw unusable(`the answer had no text${reason ? ` (finish reason ${reason})` : ""}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw unusable("the JSON is malformed", error);
  }
}

function usageOf(response: GenerateContentResponse) {
  const usage = response.usageMetadata;
  return {
    inputTokens: usage?.promptTokenCount ?? 0,
    // Thinking tokens are billed as output.
    outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
  };
}
