// An msw stand-in for the Gemini API, shared by the provider tests, the server tests, the e2e suite
// and the offline demo. Shapes follow Google's reference, not our adapter:
// - generateContent: ai.google.dev/api/generate-content (candidates[].content.parts[].inlineData,
//   finishReason, finishMessage, promptFeedback.blockReason, usageMetadata); image sizes from the
//   1K table in ai.google.dev/gemini-api/docs/image-generation (2K ×2, 4K ×4, 512 ×½).
// - Interactions: ai.google.dev/gemini-api/docs/omni and /interactions, @google/genai 3.3 types
//   (Interaction.status, steps[].type "model_output", content { type: "video", uri, mime_type },
//   response_format { type: "video", aspect_ratio, duration: "8s", resolution, delivery }).
// - Veo: ai.google.dev/gemini-api/docs/video, REST tab (models/{m}:predictLongRunning → { name };
//   GET {name} → { done, response.generateVideoResponse.generatedSamples[].video.uri }; the URI is
//   downloaded with the key).
// - Errors: google.rpc.Status JSON `{ error: { code, message, status, details } }`; a wrong key is the
//   400 INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID the API sends.

import { MODEL_CATALOG, type ModelSpec } from "@streamline/providers/catalog";
import { type HttpHandler, HttpResponse, http } from "msw";
import { hangUntilAborted, type MockTransportFault, truncated } from "./faults";
import { gradientPng, SAMPLE_VIDEO, sampleVideoMp4 } from "./fixtures";
import type { RenderMockImage, RenderMockVideo } from "./openai";

const googleModels = MODEL_CATALOG.filter((m) => m.provider === "google");

export const GOOGLE_MOCK_API_KEY = "test-google-key";

/** Put one of these in a prompt to get Google's refusal or failure (same words as the OpenAI mock):
 * `safetyBlock` — image: finishReason IMAGE_SAFETY and no image; Omni: a completed interaction whose
 * only output is a text refusal; Veo: raiMediaFilteredCount 1. `promptBlock` — image:
 * promptFeedback.blockReason PROHIBITED_CONTENT. `jobFails` — Omni: interaction `failed` with an
 * INTERNAL step error; Veo: operation done with error code 13. */
export const GOOGLE_MOCK_MARKERS = {
  safetyBlock: "[blocked]",
  promptBlock: "[prompt-blocked]",
  jobFails: "[render-fails]",
} as const;

/** Models the mock serves by default: every Google catalog row that is not retired. */
export const GOOGLE_MOCK_MODELS: readonly string[] = googleModels
  .filter((m) => m.lifecycle.stage !== "retired")
  .map((m) => m.id);

export type GoogleMockRoute =
  | "generateContent"
  | "interactions.create"
  | "interactions.get"
  | "interactions.cancel"
  | "predictLongRunning"
  | "operations.get"
  | "files.download";

/** An HTTP error answer, or a transport fault (see testing/faults.ts). */
export interface GoogleMockFailure extends MockTransportFault {
  /** HTTP status; defaults to 500. The body is the google.rpc.Status Google sends for it. */
  status?: number;
  /** Overrides the google.rpc.Status body; `code` is always the HTTP status. */
  error?: { message?: string; status?: string; details?: unknown[] };
  headers?: Record<string, string>;
}

export interface RecordedGoogleRequest {
  route: GoogleMockRoute | "unknown";
  method: string;
  /** Path after the base URL, e.g. `/v1beta/interactions`. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case; the key's value (header or `?key=`) is replaced by "[redacted]". */
  headers: Record<string, string>;
  /** Whether the key (x-goog-api-key header or ?key=) matched. */
  authorized: boolean;
  json?: any;
}

export interface GoogleMockOptions {
  baseURL?: string;
  apiKey?: string;
  /** Status polls of a video job that answer "still working" before it completes (default 2). */
  videoPollsToComplete?: number;
  /** Draws the PNG an image request answers with (the offline demo shows the prompt); default a gradient. */
  renderImage?: RenderMockImage | undefined;
  /** Makes the MP4 a finished video serves (the offline demo renders the prompt); default the sample. */
  renderVideo?: RenderMockVideo | undefined;
  /** Model ids the mock serves; defaults to every Google catalog row that is not retired. */
  models?: readonly string[];
}

export interface GoogleMock {
  readonly handlers: HttpHandler[];
  readonly requests: RecordedGoogleRequest[];
  requestsTo(route: GoogleMockRoute): RecordedGoogleRequest[];
  /** The next requests to `route` get these answers, in order, before normal service resumes. */
  failNext(route: GoogleMockRoute, ...failures: GoogleMockFailure[]): void;
  reset(): void;
}

const RPC_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};
const DEFAULT_MESSAGE: Record<number, string> = {
  429: "Resource has been exhausted (e.g. check quota).",
  500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  503: "The model is overloaded. Please try again later.",
  504: "Deadline expired before operation could complete.",
};
/** 1K frame per aspect ratio (image-generation guide); other sizes scale it. */
// biome-ignore format: a table reads better on few lines
const FRAME_1K: Record<string, [number, number]> = {
  "1:1": [1024, 1024], "2:3": [848, 1264], "3:2": [1264, 848], "3:4": [896, 1200],
  "4:3": [1200, 896], "4:5": [928, 1152], "5:4": [1152, 928], "9:16": [768, 1376],
  "16:9": [1376, 768], "21:9": [1584, 672], "1:4": [512, 2048], "4:1": [2048, 512],
  "1:8": [384, 3072], "8:1": [3072, 384],
};
const SIZE_SCALE: Record<string, number> = { "512": 0.5, "1K": 1, "2K": 2, "4K": 4 };
const IMAGE_TOKENS: Record<string, number> = { "512": 747, "1K": 1120, "2K": 1680, "4K": 2520 };
const VERSION = "(v1\\w*)";

interface VideoJob {
  model: string;
  prompt: string;
  polls: number;
  format?: Record<string, unknown> | undefined;
  created: string;
  /** Cancelled through POST …/interactions/{id}/cancel while it was still running. */
  cancelled?: boolean;
  /** The rendered MP4 (renderVideo), started when the job is created. */
  rendered?: Promise<Uint8Array> | undefined;
}

/** The frame the video guide gives each resolution, in the asked orientation (16:9 by default). */
const VIDEO_HEIGHT: Record<string, number> = {
  "360p": 360,
  "720p": 720,
  "1080p": 1080,
  "4k": 2160,
};
function videoFrame(aspectRatio: unknown, resolution: unknown): { width: number; height: number } {
  const short = VIDEO_HEIGHT[String(resolution ?? "720p")] ?? 720;
  const long = Math.round((short * 16) / 9);
  return aspectRatio === "9:16" ? { width: short, height: long } : { width: long, height: short };
}

export function createGoogleMock(options: GoogleMockOptions = {}): GoogleMock {
  const base = (options.baseURL ?? "https://generativelanguage.googleapis.com").replace(/\/+$/, "");
  const apiKey = options.apiKey ?? GOOGLE_MOCK_API_KEY;
  const pollsToComplete = options.videoPollsToComplete ?? 2;
  const served = new Set(options.models ?? GOOGLE_MOCK_MODELS);
  const requests: RecordedGoogleRequest[] = [];
  const failures = new Map<GoogleMockRoute, GoogleMockFailure[]>();
  const jobs = new Map<string, VideoJob>(); // interaction ids and operation names
  const pngs = new Map<string, string>();
  let serial = 0;
  /** Started at create (only for prompts that will succeed), awaited on download. */
  const render = (prompt: string, frame: { width: number; height: number }, seconds: number) => {
    if (!options.renderVideo || outcome(prompt) !== "ok") return undefined;
    const rendered = options.renderVideo({ prompt, ...frame, seconds });
    rendered.catch(() => undefined);
    return rendered;
  };

  const fail = (
    status: number,
    message: string,
    details?: unknown[],
    headers?: Record<string, string>,
    rpc = RPC_STATUS[status] ?? "UNKNOWN",
  ) =>
    HttpResponse.json(
      { error: { code: status, message, status: rpc, ...(details ? { details } : {}) } },
      { status, headers },
    );
  const notServed = (model: string, version: string, method: string) =>
    fail(
      404,
      `models/${model} is not found for API version ${version}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
    );
  const specOf = (model: string) =>
    served.has(model) ? googleModels.find((m) => m.id === model) : undefined;
  const invalidOption = (spec: ModelSpec, name: string, value: unknown) =>
    value !== undefined && spec.options[name] && !spec.options[name].values.includes(value as never)
      ? fail(
          400,
          `Unsupported ${name} "${String(value)}" for ${spec.id}. Supported values: ${spec.options[name].values.join(", ")}.`,
        )
      : undefined;
  const fileUri = (version: string, id: string) =>
    `${base}/${version}/files/${id}:download?alt=media`;
  const nextId = () => `mock${(++serial).toString(36)}${Date.now().toString(36)}`;
  const outcome = (prompt: string) =>
    prompt.includes(GOOGLE_MOCK_MARKERS.safetyBlock)
      ? "refused"
      : prompt.includes(GOOGLE_MOCK_MARKERS.jobFails)
        ? "failed"
        : "ok";

  async function generateContent(version: string, model: string, body: any) {
    const spec = specOf(model);
    if (spec?.api === "gemini-interactions")
      return fail(400, "This model only supports Interactions API.");
    if (spec?.api !== "gemini-generate-content")
      return notServed(model, version, "generateContent");
    const config = body?.generationConfig?.imageConfig ?? {};
    // "auto" is our catalog's choice ("nearest the reference"), not a value the API takes.
    if (config.aspectRatio === "auto") return fail(400, 'Unsupported aspectRatio "auto".');
    const invalid =
      invalidOption(spec, "aspectRatio", config.aspectRatio) ??
      invalidOption(spec, "imageSize", config.imageSize);
    if (invalid) return invalid;
    const parts: any[] = body?.contents?.flatMap((c: any) => c.parts ?? []) ?? [];
    if (parts.some((p) => p.inlineData && !(p.inlineData.data && p.inlineData.mimeType)))
      return fail(400, "Invalid inline_data: data and mime_type are required.");
    const prompt = parts.map((p) => p.text ?? "").join(" ");
    const usage = (image: number) => ({
      promptTokenCount: 12 + parts.filter((p) => p.inlineData).length * 258,
      candidatesTokenCount: image,
      totalTokenCount: 12 + image,
      candidatesTokensDetails: image ? [{ modality: "IMAGE", tokenCount: image }] : undefined,
    });
    const meta = { modelVersion: model, responseId: nextId() };
    if (prompt.includes(GOOGLE_MOCK_MARKERS.promptBlock))
      return HttpResponse.json({
        promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
        usageMetadata: usage(0),
        ...meta,
      });
    if (prompt.includes(GOOGLE_MOCK_MARKERS.safetyBlock))
      return HttpResponse.json({
        candidates: [
          {
            finishReason: "IMAGE_SAFETY",
            finishMessage:
              "Unable to show the generated image because it may violate Google's Generative AI Prohibited Use policy.",
            index: 0,
          },
        ],
        usageMetadata: usage(0),
        ...meta,
      });
    const size = String(config.imageSize ?? "1K");
    const [w, h] = FRAME_1K[String(config.aspectRatio ?? "1:1")] ?? [1024, 1024];
    const scale = SIZE_SCALE[size] ?? 1;
    const key = `${Math.round(w * scale)}x${Math.round(h * scale)}`;
    const width = Math.round(w * scale);
    const height = Math.round(h * scale);
    const drawn = options.renderImage
      ? Buffer.from(await options.renderImage({ prompt, width, height })).toString("base64")
      : undefined;
    if (!drawn && !pngs.has(key))
      pngs.set(key, Buffer.from(gradientPng(width, height)).toString("base64"));
    return HttpResponse.json({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Here is the image you asked for." },
              { inlineData: { mimeType: "image/png", data: drawn ?? pngs.get(key) } },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: usage(IMAGE_TOKENS[size] ?? 1120),
      ...meta,
    });
  }

  function interaction(id: string, job: VideoJob, version: string) {
    const done = job.polls >= pollsToComplete;
    const common = {
      id,
      model: job.model,
      created: job.created,
      updated: new Date().toISOString(),
      response_format: job.format,
    };
    if (job.cancelled) return { ...common, status: "cancelled", steps: [] };
    if (!done) return { ...common, status: "in_progress", steps: [] };
    const result = outcome(job.prompt);
    if (result === "failed")
      return {
        ...common,
        status: "failed",
        steps: [
          {
            type: "model_output",
            error: {
              code: 13,
              message: "Video generation failed due to an internal error. Please try again.",
            },
          },
        ],
      };
    if (result === "refused")
      return {
        ...common,
        status: "completed",
        steps: [
          {
            type: "model_output",
            content: [
              {
                type: "text",
                text: "I can't create that video because it may violate the Generative AI Prohibited Use policy.",
              },
            ],
          },
        ],
      };
    const seconds = Number.parseFloat(String(job.format?.duration ?? SAMPLE_VIDEO.durationSeconds));
    return {
      ...common,
      status: "completed",
      steps: [
        {
          type: "model_output",
          content: [{ type: "video", mime_type: "video/mp4", uri: fileUri(version, id) }],
        },
      ],
      usage: {
        total_output_tokens: Math.round(seconds * 5792),
        output_tokens_by_modality: [{ modality: "video", tokens: Math.round(seconds * 5792) }],
      },
    };
  }

  function createInteraction(version: string, body: any) {
    const model = String(body?.model ?? "");
    const spec = specOf(model);
    if (!spec) return notServed(model, version, "interactions");
    if (spec.api !== "gemini-interactions")
      return fail(400, `Model ${model} does not support video output in the Interactions API.`);
    const format = [body.response_format ?? []].flat().find((f: any) => f?.type === "video");
    const seconds = /^\d+(\.\d+)?s$/.test(String(format?.duration ?? "8s"))
      ? Number.parseFloat(format?.duration ?? "8")
      : Number.NaN;
    if (!(seconds >= 3 && seconds <= 10))
      return fail(
        400,
        `Invalid duration "${format?.duration}": use a duration string between "3s" and "10s".`,
      );
    const invalid =
      invalidOption(spec, "aspectRatio", format?.aspect_ratio) ??
      invalidOption(spec, "resolution", format?.resolution);
    if (invalid) return invalid;
    const blocks: any[] =
      typeof body.input === "string"
        ? [{ type: "text", text: body.input }]
        : [body.input ?? []].flat();
    if (blocks.some((b) => b.type === "image" && !(b.data || b.uri)))
      return fail(400, "Image content needs data or uri.");
    const id = nextId();
    const job: VideoJob = {
      model,
      prompt: blocks.map((b) => b.text ?? "").join(" "),
      polls: 0,
      format,
      created: new Date().toISOString(),
    };
    job.rendered = render(
      job.prompt,
      videoFrame(format?.aspect_ratio, format?.resolution),
      seconds,
    );
    jobs.set(id, job);
    if (body.background !== true) job.polls = pollsToComplete; // without background the POST waits for the video
    return HttpResponse.json(interaction(id, job, version));
  }

  function predictLongRunning(version: string, model: string, body: any) {
    const spec = specOf(model);
    if (spec?.api !== "veo-predict-long-running")
      return notServed(model, version, "predictLongRunning");
    const instance = body?.instances?.[0];
    if (typeof instance?.prompt !== "string") return fail(400, "instances[0].prompt is required.");
    if (instance.image && !(instance.image.bytesBase64Encoded && instance.image.mimeType))
      return fail(400, "instances[0].image needs bytesBase64Encoded and mimeType.");
    const p = body.parameters ?? {};
    const invalid =
      invalidOption(spec, "aspectRatio", p.aspectRatio) ??
      invalidOption(spec, "durationSeconds", p.durationSeconds) ??
      invalidOption(spec, "resolution", p.resolution);
    if (invalid) return invalid;
    if (
      (p.resolution === "1080p" || p.resolution === "4k") &&
      p.durationSeconds !== undefined &&
      p.durationSeconds !== 8
    )
      return fail(400, `${p.resolution} videos must be 8 seconds long.`);
    const name = `models/${model}/operations/${nextId()}`;
    const frame = videoFrame(p.aspectRatio, p.resolution);
    const rendered = render(instance.prompt, frame, Number(p.durationSeconds ?? 8));
    const created = new Date().toISOString();
    jobs.set(name, { model, prompt: instance.prompt, polls: 0, created, rendered });
    return HttpResponse.json({ name });
  }

  function operation(version: string, name: string, job: VideoJob) {
    if (job.polls < pollsToComplete) return { name };
    const result = outcome(job.prompt);
    if (result === "failed")
      return {
        name,
        done: true,
        error: { code: 13, message: "Video generation failed due to an internal error." },
      };
    const generateVideoResponse =
      result === "refused"
        ? {
            raiMediaFilteredCount: 1,
            raiMediaFilteredReasons: [
              "The video could not be generated because it may violate Google's Generative AI Prohibited Use policy.",
            ],
          }
        : {
            generatedSamples: [
              { video: { uri: fileUri(version, name.split("/").pop() as string) } },
            ],
          };
    return {
      name,
      done: true,
      response: {
        "@type":
          "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
        generateVideoResponse,
      },
    };
  }

  const routes: Array<
    [GoogleMockRoute, string, RegExp, (m: string[], body: any) => Response | Promise<Response>]
  > = [
    [
      "generateContent",
      "POST",
      new RegExp(`^/${VERSION}/models/([^/:]+):generateContent$`),
      ([, v, m], b) => generateContent(v as string, m as string, b),
    ],
    [
      "predictLongRunning",
      "POST",
      new RegExp(`^/${VERSION}/models/([^/:]+):predictLongRunning$`),
      ([, v, m], b) => predictLongRunning(v as string, m as string, b),
    ],
    [
      "interactions.create",
      "POST",
      new RegExp(`^/${VERSION}/interactions$`),
      ([, v], b) => createInteraction(v as string, b),
    ],
    [
      "interactions.get",
      "GET",
      new RegExp(`^/${VERSION}/interactions/([^/]+)$`),
      ([, v, id]) => {
        const job = jobs.get(id as string);
        if (!job) return fail(400, `Invalid interaction name: ${id}`);
        job.polls++;
        return HttpResponse.json(interaction(id as string, job, v as string));
      },
    ],
    [
      // "Cancels an interaction by id. This only applies to background interactions that are
      // still running" (@google/genai 3.3 `interactions.cancel`): a finished one is refused.
      "interactions.cancel",
      "POST",
      new RegExp(`^/${VERSION}/interactions/([^/]+)/cancel$`),
      ([, v, id]) => {
        const job = jobs.get(id as string);
        if (!job) return fail(400, `Invalid interaction name: ${id}`);
        if (job.polls >= pollsToComplete && !job.cancelled)
          return fail(400, `Interaction ${id} is not running.`);
        job.cancelled = true;
        return HttpResponse.json(interaction(id as string, job, v as string));
      },
    ],
    [
      "operations.get",
      "GET",
      new RegExp(`^/${VERSION}/(models/[^/]+/operations/[^/]+)$`),
      ([, v, name]) => {
        const job = jobs.get(name as string);
        if (!job) return fail(404, `Operation ${name} not found.`);
        job.polls++;
        return HttpResponse.json(operation(v as string, name as string, job));
      },
    ],
    [
      "files.download",
      "GET",
      new RegExp(`^/${VERSION}/files/([^/:]+):download$`),
      ([, , id]) => {
        const key = [...jobs.keys()].find((k) => k === id || k.endsWith(`/${id}`));
        if (!key) return fail(404, `File files/${id} not found.`);
        return (
          jobs.get(key)?.rendered?.then(
            (bytes) => mp4(bytes),
            () => fail(500, "Video generation failed due to an internal error."),
          ) ?? mp4(sampleVideoMp4)
        );
      },
    ],
  ];

  const handler = http.all(`${base}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const path = url.pathname.slice(new URL(base).pathname.replace(/\/$/, "").length);
    const route = routes.find(
      ([, method, pattern]) => method === request.method && pattern.test(path),
    );
    const key = request.headers.get("x-goog-api-key") ?? url.searchParams.get("key");
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = name === "x-goog-api-key" ? "[redacted]" : value;
    });
    const query = Object.fromEntries(url.searchParams);
    if (query.key) query.key = "[redacted]";
    const json =
      request.method === "POST" ? await request.json().catch(() => undefined) : undefined;
    const authorized = key === apiKey;
    const method = request.method;
    requests.push({
      route: route?.[0] ?? "unknown",
      method,
      path,
      query,
      headers,
      authorized,
      json,
    });
    if (!route) return fail(404, `Method not found: ${method} ${path}.`);

    const failure = failures.get(route[0])?.shift();
    if (failure?.networkError) return HttpResponse.error();
    if (failure?.hang) return hangUntilAborted(request);
    if (failure && !failure.partial) {
      const status = failure.status ?? 500;
      const { message, details, status: rpc } = failure.error ?? {};
      const text = message ?? DEFAULT_MESSAGE[status] ?? "Request failed.";
      return fail(status, text, details, failure.headers, rpc);
    }
    if (!key)
      return fail(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    if (!authorized)
      return fail(400, "API key not valid. Please pass a valid API key.", [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
        {
          "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
          locale: "en-US",
          message: "API key not valid. Please pass a valid API key.",
        },
      ]);
    const answer = await route[3](path.match(route[2]) as string[], json);
    return failure?.partial ? truncated(answer) : answer;
  });

  return {
    handlers: [handler],
    requests,
    requestsTo: (route) => requests.filter((r) => r.route === route),
    failNext(route, ...next) {
      failures.set(route, [...(failures.get(route) ?? []), ...next]);
    },
    reset() {
      requests.length = 0;
      failures.clear();
      jobs.clear();
    },
  };
}

const mp4 = (bytes: Uint8Array) =>
  new HttpResponse(bytes as Uint8Array<ArrayBuffer>, {
    headers: { "content-type": "video/mp4", "content-length": String(bytes.byteLength) },
  });
