// An msw stand-in for Gemini `models/{model}:generateContent` as caption models answer it (JSON text),
// for provider tests, server tests, e2e and the offline demo. Written from Google's reference:
//   ai.google.dev/api/generate-content (contents[].parts[] text | inlineData { mimeType, data };
//     generationConfig; candidates[].content.parts[].text, finishReason, usageMetadata with
//     promptTokenCount / candidatesTokenCount / thoughtsTokenCount)
//   ai.google.dev/gemini-api/docs/structured-output (responseMimeType application/json with
//     responseJsonSchema or responseSchema — not both; a schema needs the JSON mime type)
//   ai.google.dev/gemini-api/docs/thinking (thinkingLevel; not together with thinkingBudget)
//   ai.google.dev/gemini-api/docs/video-understanding and /image-understanding (inline mime types, size)
// Only caption models are answered here; any other model falls through to the next handler, so put
// these handlers BEFORE createGoogleMock's catch-all ones. Captions are derived from the <prompt>.
import { randomBytes } from "node:crypto";
import { CAPTION_MODELS } from "@streamline/providers";
import { HttpResponse, http } from "msw";
import sharp from "sharp";
import { GOOGLE_MOCK_API_KEY } from "./google";
import { demoValueFor } from "./openai-responses";

export const GOOGLE_CAPTION_MOCK_MODELS: readonly string[] = CAPTION_MODELS.filter(
  (m) => m.provider === "google",
).map((m) => m.id);

export type GoogleCaptionsFailure =
  | { status: number; message?: string; headers?: Record<string, string> }
  | { networkError: true }
  | { malformed: true }
  /** finishReason MAX_TOKENS with the JSON cut in half. */
  | { truncated: true }
  /** finishReason SAFETY and no text. */
  | { refusal: true }
  | { delayMs: number };

export interface RecordedCaptionRequest {
  model: string;
  path: string;
  headers: Record<string, string>;
  authorized: boolean;
  json: any;
  /** Every inlineData part, decoded. */
  inline: Array<{
    mimeType: string;
    bytes: number;
    width?: number;
    height?: number;
    format?: string;
  }>;
}

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"];
// biome-ignore format: a list reads better on one line
const VIDEO_TYPES = ["video/mp4", "video/mpeg", "video/mov", "video/avi", "video/x-flv", "video/mpg", "video/webm", "video/wmv", "video/3gpp"];
const THINKING_LEVELS = ["MINIMAL", "LOW", "MEDIUM", "HIGH", "XHIGH"];
const MAX_INLINE_BYTES = 100 * 1024 * 1024;
const RPC: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  403: "PERMISSION_DENIED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

const fail = (
  status: number,
  message: string,
  headers?: Record<string, string>,
  details?: unknown[],
) =>
  HttpResponse.json(
    {
      error: {
        code: status,
        message,
        status: RPC[status] ?? "UNKNOWN",
        ...(details ? { details } : {}),
      },
    },
    { status, headers },
  );

export function createGoogleCaptionsMock(
  options: { baseURL?: string; apiKey?: string; models?: readonly string[] } = {},
) {
  const base = (options.baseURL ?? "https://generativelanguage.googleapis.com").replace(/\/+$/, "");
  const apiKey = options.apiKey ?? GOOGLE_MOCK_API_KEY;
  const served = new Set(options.models ?? GOOGLE_CAPTION_MOCK_MODELS);
  const requests: RecordedCaptionRequest[] = [];
  const queued: GoogleCaptionsFailure[] = [];
  const route = new RegExp(
    `^${new URL(base).pathname.replace(/\/$/, "")}/(v1\\w*)/models/([^/:]+):generateContent$`,
  );

  async function inlineParts(parts: any[]) {
    const inline: RecordedCaptionRequest["inline"] = [];
    let total = 0;
    for (const part of parts) {
      if (!part?.inlineData) continue;
      const { mimeType, data } = part.inlineData;
      if (!(typeof data === "string" && data && typeof mimeType === "string"))
        throw fail(400, "Invalid inline_data: data and mime_type are required.");
      if (![...IMAGE_TYPES, ...VIDEO_TYPES].includes(mimeType))
        throw fail(400, `Unsupported MIME type: ${mimeType}`);
      const bytes = Buffer.from(data, "base64");
      total += bytes.length;
      const meta = mimeType.startsWith("image/")
        ? await sharp(bytes)
            .metadata()
            .catch(() => undefined)
        : undefined;
      if (mimeType.startsWith("image/") && !meta?.width)
        throw fail(
          400,
          "Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
        );
      inline.push({
        mimeType,
        bytes: bytes.length,
        width: meta?.width,
        height: meta?.height,
        format: meta?.format,
      });
    }
    if (total > MAX_INLINE_BYTES) throw fail(400, "Request payload size exceeds the limit.");
    return inline;
  }

  function checkConfig(config: any) {
    const schema = config.responseJsonSchema ?? config.responseSchema;
    if (config.responseJsonSchema && config.responseSchema)
      throw fail(400, "response_schema and response_json_schema cannot both be set.");
    if (schema && config.responseMimeType !== "application/json")
      throw fail(400, "response_mime_type must be application/json when a response schema is set.");
    if (schema && schema.type?.toString().toLowerCase() !== "object" && !schema.properties)
      throw fail(400, "Invalid JSON schema in response_json_schema.");
    const thinking = config.thinkingConfig ?? {};
    if (thinking.thinkingLevel !== undefined && !THINKING_LEVELS.includes(thinking.thinkingLevel))
      throw fail(
        400,
        `Invalid value at 'generation_config.thinking_config.thinking_level' (${thinking.thinkingLevel}).`,
      );
    if (thinking.thinkingLevel !== undefined && thinking.thinkingBudget !== undefined)
      throw fail(400, "thinking_budget and thinking_level cannot both be set.");
    return schema;
  }

  const handler = http.post(
    new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/`),
    async ({ request }) => {
      const url = new URL(request.url);
      const match = route.exec(url.pathname);
      // Not a caption model's generateContent: let the next handler (image models …) answer.
      if (!match || !served.has(match[2] as string)) return undefined;
      const model = match[2] as string;
      const key = request.headers.get("x-goog-api-key") ?? url.searchParams.get("key");
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = name === "x-goog-api-key" ? "[redacted]" : value;
      });
      const json: any = await request.json().catch(() => undefined);
      const record: RecordedCaptionRequest = {
        model,
        path: url.pathname,
        headers,
        authorized: key === apiKey,
        json,
        inline: [],
      };
      requests.push(record);

      const failure = queued.shift();
      if (failure && "networkError" in failure) return HttpResponse.error();
      if (failure && "status" in failure)
        return fail(
          failure.status,
          failure.message ??
            (failure.status === 429
              ? "Resource has been exhausted (e.g. check quota)."
              : "An internal error has occurred."),
          failure.headers,
        );
      if (failure && "delayMs" in failure) await new Promise((r) => setTimeout(r, failure.delayMs));
      if (!key) return fail(403, "Method doesn't allow unregistered callers. Please use API Key.");
      if (!record.authorized)
        return fail(400, "API key not valid. Please pass a valid API key.", undefined, [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "API_KEY_INVALID",
            domain: "googleapis.com",
          },
        ]);
      try {
        const parts: any[] = (json?.contents ?? []).flatMap((c: any) => c?.parts ?? []);
        if (parts.length === 0)
          return fail(400, "* GenerateContentRequest.contents: contents is not specified");
        record.inline = await inlineParts(parts);
        const schema = checkConfig(json?.generationConfig ?? {});
        const text = parts.map((p) => p.text ?? "").join("\n");
        const prompt = (
          /<prompt>([\s\S]*?)<\/prompt>/.exec(text)?.[1] ??
          /<caption>([\s\S]*?)<\/caption>/.exec(text)?.[1] ??
          text
        )
          .replace(/\s+/g, " ")
          .trim();
        let answer = schema
          ? JSON.stringify(demoValueFor(normalize(schema), prompt, text))
          : `[Demo] ${prompt.slice(0, 80)}`;
        let finishReason = "STOP";
        if (failure && "malformed" in failure) answer = `{"captions": [unterminated`;
        if (failure && "truncated" in failure) {
          answer = answer.slice(0, Math.floor(answer.length / 2));
          finishReason = "MAX_TOKENS";
        }
        const refused = failure && "refusal" in failure;
        const promptTokens =
          Math.ceil(text.length / 4) +
          record.inline.reduce((n, p) => n + (p.mimeType.startsWith("video/") ? 1_200 : 258), 0);
        const outputTokens = refused ? 0 : Math.ceil(answer.length / 4);
        const thoughts = 64;
        return HttpResponse.json({
          candidates: [
            refused
              ? { finishReason: "SAFETY", index: 0 }
              : { content: { role: "model", parts: [{ text: answer }] }, finishReason, index: 0 },
          ],
          usageMetadata: {
            promptTokenCount: promptTokens,
            candidatesTokenCount: outputTokens,
            thoughtsTokenCount: thoughts,
            totalTokenCount: promptTokens + outputTokens + thoughts,
          },
          modelVersion: model,
          responseId: randomBytes(8).toString("hex"),
        });
      } catch (refusal) {
        if (refusal instanceof Response) return refusal;
        throw refusal;
      }
    },
  );

  return {
    handlers: [handler],
    requests,
    failNext(...failures: GoogleCaptionsFailure[]) {
      queued.push(...failures);
    },
    reset() {
      requests.length = 0;
      queued.length = 0;
    },
  };
}

/** responseSchema uses upper-case OpenAPI types ("OBJECT"); the demo value builder reads JSON Schema. */
function normalize(schema: any): any {
  if (!schema || typeof schema !== "object") return schema;
  const out: any = {
    ...schema,
    type: typeof schema.type === "string" ? schema.type.toLowerCase() : schema.type,
  };
  if (schema.properties)
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, normalize(v)]),
    );
  if (schema.items) out.items = normalize(schema.items);
  return out;
}

export type GoogleCaptionsMock = ReturnType<typeof createGoogleCaptionsMock>;
