// An msw stand-in for OpenAI's Responses API (`POST /v1/responses`) as the caption calls use it, for
// provider tests, server tests, e2e and the offline demo. Written from the reference, not our adapter:
//   developers.openai.com/api/reference/resources/responses/methods/create (input message items with
//     input_text / input_image { image_url | file_id, detail } parts; text.format json_schema; the
//     response object: output[] message with output_text / refusal parts, status, incomplete_details, usage)
//   developers.openai.com/api/docs/guides/structured-outputs (strict: every object lists all its
//     properties in `required` and sets additionalProperties: false)
//   openai-node 7.57 src/resources/responses/responses.ts (ImageDetail: low | high | auto | original)
// Its captions are derived from the request (the <prompt> context and the schema's keys) and say
// they are demo text, so the offline demo shows something that follows what the user typed.
import { randomBytes } from "node:crypto";
import { CAPTION_MODELS } from "@streamline/providers";
import { HttpResponse, http } from "msw";
import sharp from "sharp";
import { OPENAI_MOCK_API_KEY } from "./openai";

export const OPENAI_RESPONSES_MOCK_MODELS: readonly string[] = CAPTION_MODELS.filter(
  (m) => m.provider === "openai",
).map((m) => m.id);

export type OpenAIResponsesFailure =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { networkError: true }
  /** Answers 200 with output_text that is not JSON. */
  | { malformed: true }
  /** Answers 200 `incomplete` (max_output_tokens) with the JSON cut in half. */
  | { truncated: true }
  /** Answers 200 with a refusal content part instead of output_text. */
  | { refusal: string }
  /** Waits this long before answering normally (timeouts). */
  | { delayMs: number };

export interface RecordedResponsesRequest {
  path: string;
  /** Lower-cased; Authorization is replaced by "Bearer [redacted]". */
  headers: Record<string, string>;
  authorized: boolean;
  json: any;
  /** Every input_image, decoded, so tests can see what was really attached. */
  images: Array<{
    detail: string;
    mimeType: string;
    bytes: number;
    width?: number;
    height?: number;
    format?: string;
  }>;
}

export interface OpenAIResponsesMockOptions {
  baseURL?: string;
  apiKey?: string;
  models?: readonly string[];
}

const DETAILS = ["low", "high", "auto", "original"];
const DATA_URL = /^data:(image\/(?:png|jpeg|webp|gif));base64,([A-Za-z0-9+/=]+)$/;
const ERROR_DEFAULTS: Record<number, [string, string | null, string]> = {
  401: ["invalid_request_error", "invalid_api_key", "Incorrect API key provided."],
  429: ["requests", "rate_limit_exceeded", "Rate limit reached for requests."],
  500: ["server_error", null, "The server had an error while processing your request."],
  503: ["server_error", null, "The server is overloaded or not ready yet."],
};

class Refusal extends Error {
  constructor(readonly response: Response) {
    super("refused");
  }
}
const invalid = (message: string, param: string | null, code: string | null = "invalid_value") =>
  new Refusal(
    HttpResponse.json(
      { error: { message, type: "invalid_request_error", param, code } },
      { status: 400 },
    ),
  );
function check(ok: unknown, message: string, param: string): asserts ok {
  if (!ok) throw invalid(message, param);
}

/** Strict mode's rules, checked on every object of the schema. */
function checkStrictSchema(schema: any, at: string) {
  if (!schema || typeof schema !== "object") return;
  if (schema.type === "object") {
    const keys = Object.keys(schema.properties ?? {});
    check(
      schema.additionalProperties === false,
      `Invalid schema for response_format: In context=${at}, 'additionalProperties' is required to be supplied and to be false.`,
      "text.format.schema",
    );
    const required: string[] = schema.required ?? [];
    const missing = keys.filter((k) => !required.includes(k));
    check(
      missing.length === 0,
      `Invalid schema for response_format: In context=${at}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`,
      "text.format.schema",
    );
    for (const key of keys) checkStrictSchema(schema.properties[key], `${at}.${key}`);
  }
  if (schema.type === "array") checkStrictSchema(schema.items, `${at}[]`);
}

/** The generation prompt the caption request quotes as context, or the whole text. */
function promptOf(text: string): string {
  const quoted =
    /<prompt>([\s\S]*?)<\/prompt>/.exec(text)?.[1] ??
    /<caption>([\s\S]*?)<\/caption>/.exec(text)?.[1];
  return (quoted ?? text).replace(/\s+/g, " ").trim();
}
function excerpt(text: string, max = 80): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), 1))}…`;
}
function tagsOf(prompt: string): string[] {
  const words = prompt.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? [];
  return ["demo", ...new Set(words)].slice(0, 4);
}

/**
 * A value for a JSON schema, derived from the prompt: what the offline demo shows as captions.
 * Top-level keys are platforms (`{ instagram: { text, hashtags } }`) or a lone `text` (a shorten re-ask,
 * cut to the "at most N" the request names).
 */
export function demoValueFor(
  schema: any,
  prompt: string,
  text: string,
  path: string[] = [],
): unknown {
  if (schema?.type === "object") {
    const out: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(schema.properties ?? {}))
      out[name] = demoValueFor(sub, prompt, text, [...path, name]);
    return out;
  }
  if (schema?.type === "array") return tagsOf(prompt);
  if (schema?.type === "string") {
    const platform = path.length > 1 ? path[0] : undefined;
    if (path.at(-1) === "title") return `[Demo] ${excerpt(prompt, 60)}`;
    if (platform) return `[Demo ${platform} caption] ${excerpt(prompt, 140)}`;
    const limit = Number(/at most (\d+)/.exec(text)?.[1] ?? 87);
    return `[Demo] ${excerpt(prompt, Math.max(3, limit - 7))}`;
  }
  if (schema?.type === "number" || schema?.type === "integer") return 1;
  if (schema?.type === "boolean") return true;
  return null;
}

export function createOpenAIResponsesMock(options: OpenAIResponsesMockOptions = {}) {
  const base = (options.baseURL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
  const apiKey = options.apiKey ?? OPENAI_MOCK_API_KEY;
  const models = new Set(options.models ?? OPENAI_RESPONSES_MOCK_MODELS);
  const requests: RecordedResponsesRequest[] = [];
  const queued: OpenAIResponsesFailure[] = [];

  async function readImages(body: any): Promise<RecordedResponsesRequest["images"]> {
    const images: RecordedResponsesRequest["images"] = [];
    const items = Array.isArray(body?.input) ? body.input : [];
    for (const item of items) {
      for (const part of Array.isArray(item?.content) ? item.content : []) {
        if (part?.type !== "input_image") continue;
        check(
          DETAILS.includes(part.detail ?? "auto"),
          `Invalid value for 'detail': ${part.detail}.`,
          "input.content.detail",
        );
        const url: string = part.image_url ?? "";
        check(
          part.file_id || url,
          "An input_image needs image_url or file_id.",
          "input.content.image_url",
        );
        if (!url || /^https?:\/\//.test(url)) {
          images.push({ detail: part.detail ?? "auto", mimeType: "url", bytes: 0 });
          continue;
        }
        const m = DATA_URL.exec(url);
        check(
          m,
          "Invalid image_url: expected a URL or a base64 data URL of a png, jpeg, webp or gif image.",
          "input.content.image_url",
        );
        const bytes = Buffer.from(m[2] as string, "base64");
        const meta = await sharp(bytes)
          .metadata()
          .catch(() => undefined);
        check(meta?.width, "The image data is not a valid image.", "input.content.image_url");
        images.push({
          detail: part.detail ?? "auto",
          mimeType: m[1] as string,
          bytes: bytes.length,
          width: meta.width,
          height: meta.height,
          format: meta.format,
        });
      }
    }
    return images;
  }

  function validate(body: any): string {
    if (typeof body?.model !== "string")
      throw invalid("Missing required parameter: 'model'.", "model", "missing_required_parameter");
    if (!models.has(body.model))
      throw new Refusal(
        HttpResponse.json(
          {
            error: {
              message: `The model \`${body.model}\` does not exist or you do not have access to it.`,
              type: "invalid_request_error",
              param: "model",
              code: "model_not_found",
            },
          },
          { status: 404 },
        ),
      );
    const input = body.input;
    check(
      typeof input === "string" || Array.isArray(input),
      "Invalid type for 'input': expected a string or an array of input items.",
      "input",
    );
    const texts: string[] = typeof input === "string" ? [input] : [];
    for (const item of Array.isArray(input) ? input : []) {
      check(
        ["user", "system", "developer", "assistant"].includes(item?.role),
        "Invalid value for 'input[].role'.",
        "input.role",
      );
      const content =
        typeof item.content === "string"
          ? [{ type: "input_text", text: item.content }]
          : item.content;
      check(Array.isArray(content), "Invalid type for 'input[].content'.", "input.content");
      for (const part of content) {
        check(
          ["input_text", "input_image", "input_file"].includes(part?.type),
          `Invalid content type '${part?.type}'.`,
          "input.content.type",
        );
        if (part.type === "input_text") {
          check(typeof part.text === "string", "input_text needs text.", "input.content.text");
          texts.push(part.text);
        }
      }
    }
    const format = body.text?.format;
    if (format && format.type !== "text") {
      check(
        format.type === "json_schema",
        `Invalid value for 'text.format.type': ${format.type}.`,
        "text.format.type",
      );
      check(
        /^[a-zA-Z0-9_-]{1,64}$/.test(format.name ?? ""),
        "Invalid 'text.format.name': letters, digits, _ and -, at most 64.",
        "text.format.name",
      );
      check(
        format.schema?.type === "object",
        "'text.format.schema' must be a JSON schema of type object.",
        "text.format.schema",
      );
      if (format.strict) checkStrictSchema(format.schema, format.name);
    }
    return texts.join("\n");
  }

  function answer(body: any, text: string, failure?: OpenAIResponsesFailure): Response {
    const format = body.text?.format;
    const value =
      format?.type === "json_schema"
        ? demoValueFor(format.schema, promptOf(text), text)
        : undefined;
    let outputText =
      value === undefined ? `[Demo] ${excerpt(promptOf(text))}` : JSON.stringify(value);
    let status = "completed";
    let incomplete: { reason: string } | null = null;
    if (failure && "malformed" in failure)
      outputText = `Here are your captions: {"${Object.keys(value ?? {})[0] ?? "x"}": {"text": "unfinished`;
    if (failure && "truncated" in failure) {
      outputText = outputText.slice(0, Math.floor(outputText.length / 2));
      status = "incomplete";
      incomplete = { reason: "max_output_tokens" };
    }
    const content =
      failure && "refusal" in failure
        ? [{ type: "refusal", refusal: failure.refusal }]
        : [{ type: "output_text", text: outputText, annotations: [], logprobs: [] }];
    const imageCount = (body.input ?? [])
      .flatMap((i: any) => (Array.isArray(i.content) ? i.content : []))
      .filter((p: any) => p.type === "input_image").length;
    const inputTokens = Math.ceil(text.length / 4) + imageCount * 765;
    const outputTokens = Math.ceil(outputText.length / 4);
    return HttpResponse.json({
      id: `resp_${randomBytes(12).toString("hex")}`,
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      status,
      error: null,
      incomplete_details: incomplete,
      model: body.model,
      output: [
        {
          type: "message",
          id: `msg_${randomBytes(12).toString("hex")}`,
          status,
          role: "assistant",
          content,
        },
      ],
      parallel_tool_calls: true,
      store: body.store ?? true,
      text: body.text ?? { format: { type: "text" } },
      tools: [],
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
    });
  }

  const handlers = [
    http.post(`${base}/responses`, async ({ request }) => {
      const given = request.headers.get("authorization") ?? "";
      const headers = Object.fromEntries(request.headers);
      if (headers.authorization) headers.authorization = "Bearer [redacted]";
      const json: any = await request.json().catch(() => undefined);
      const record: RecordedResponsesRequest = {
        path: new URL(request.url).pathname,
        headers,
        authorized: given === `Bearer ${apiKey}`,
        json,
        images: [],
      };
      requests.push(record);
      const failure = queued.shift();
      if (failure && "networkError" in failure) return HttpResponse.error();
      if (failure && "status" in failure) {
        const [type, code, message] = ERROR_DEFAULTS[failure.status] ?? [
          "server_error",
          null,
          "Request failed.",
        ];
        const body = failure.body ?? { error: { message, type, param: null, code } };
        return HttpResponse.json(body as Record<string, unknown>, {
          status: failure.status,
          headers: failure.headers,
        });
      }
      if (failure && "delayMs" in failure) await new Promise((r) => setTimeout(r, failure.delayMs));
      if (!record.authorized) {
        const key = given.replace(/^Bearer\s*/, "");
        const message = key
          ? `Incorrect API key provided: ${key.slice(0, 3)}****${key.slice(-4)}.`
          : "You didn't provide an API key.";
        return HttpResponse.json(
          {
            error: {
              message,
              type: "invalid_request_error",
              param: null,
              code: key ? "invalid_api_key" : null,
            },
          },
          { status: 401 },
        );
      }
      try {
        const text = validate(json);
        record.images = await readImages(json);
        return answer(json, text, failure);
      } catch (refusal) {
        if (refusal instanceof Refusal) return refusal.response;
        throw refusal;
      }
    }),
  ];

  return {
    handlers,
    requests,
    /** The next requests get these answers, in order, before normal service resumes. */
    failNext(...failures: OpenAIResponsesFailure[]) {
      queued.push(...failures);
    },
    reset() {
      requests.length = 0;
      queued.length = 0;
    },
  };
}

export type OpenAIResponsesMock = ReturnType<typeof createOpenAIResponsesMock>;
