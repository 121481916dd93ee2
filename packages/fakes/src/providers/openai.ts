// An msw stand-in for the OpenAI Images and Videos APIs, for provider tests, server tests, e2e and the
// offline demo. Written from the API reference and the SDK generated from the same OpenAPI spec:
//   developers.openai.com/api/reference/resources/images/methods/{generate,edit}
//   developers.openai.com/api/reference/resources/videos/methods/{create,retrieve,download_content}
//   developers.openai.com/api/docs/guides/video-generation (variants: video mp4, thumbnail webp,
//     spritesheet jpg; input_reference must match `size`), /api/docs/models/sora-2 (sora-2 is 720p only)
//   developers.openai.com/api/reference/resources/models/methods/{list,retrieve} and
//     /api/docs/deprecations (`shutdown_date`: YYYY-MM-DD, or null when none is announced)
//   openai-node 7.57 src/resources/images.ts, src/resources/videos.ts, src/resources/models.ts,
//     src/core/error.ts
// Error bodies follow OpenAI's `{ error: { message, type, param, code } }`. Each route can be told to
// fail next; prompts containing a marker exercise moderation (see OPENAI_MOCK_MARKERS).
import { randomBytes } from "node:crypto";
import { CAPTION_MODELS } from "@streamline/providers";
import { HttpResponse, http } from "msw";
import sharp from "sharp";
import { hangUntilAborted, type MockTransportFault, truncated } from "./faults";
import { gradientPng, samplePosterJpeg, sampleVideoMp4 } from "./fixtures";

export const OPENAI_MOCK_API_KEY = "sk-mock-openai-0000";
/** Put one of these in a prompt: `moderation` is refused like OpenAI's safety system refuses
 * (images: 400 moderation_blocked; videos: the job ends `failed` with code moderation_blocked);
 * `videoFailure` makes a video job end `failed` for a non-policy reason. */
export const OPENAI_MOCK_MARKERS = {
  moderation: "[blocked]",
  videoFailure: "[render-fails]",
} as const;
/** Models the mock serves; anything else answers 404 model_not_found, as OpenAI does. */
export const OPENAI_MOCK_MODELS: readonly string[] = [
  ..."gpt-image-2 gpt-image-2-2026-04-21 gpt-image-2.6-sunburst gpt-image-2.6-flare".split(" "),
  ..."gpt-image-2.5-sunburst gpt-image-2.5-sunburst-2026-09-08 gpt-image-2.5-flare".split(" "),
  ..."gpt-image-2.5-flare-2026-09-08 gpt-image-1.5 gpt-image-1-mini chatgpt-image-latest".split(
    " ",
  ),
  ..."sora-2 sora-2-pro sora-2-2025-10-06 sora-2-2025-12-08 sora-2-pro-2025-10-06".split(" "),
];

export type OpenAIMockRoute =
  | "images.generate"
  | "images.edit"
  | "videos.create"
  | "videos.retrieve"
  | "videos.content"
  | "models.list"
  | "models.retrieve";
export interface UploadedFileRecord {
  filename: string;
  type: string;
  size: number;
  width?: number;
  height?: number;
}
export type FieldValue = string | UploadedFileRecord;
export interface RecordedOpenAIRequest {
  route: OpenAIMockRoute;
  method: string;
  /** Below the base URL, e.g. "/videos/video_abc/content". */
  path: string;
  query: Record<string, string>;
  /** Lower-cased; the Authorization value is replaced by "Bearer [redacted]". */
  headers: Record<string, string>;
  /** Whether the Bearer key matched. */
  authorized: boolean;
  json?: Record<string, unknown> | undefined;
  /** Multipart fields; repeated fields (image[]) become arrays. */
  fields?: Record<string, FieldValue | FieldValue[]> | undefined;
}
/** An HTTP error answer (`status`, default 500), or a transport fault (see testing/faults.ts). */
export interface OpenAIMockFailure extends MockTransportFault {
  status?: number;
  /** Defaults to OpenAI's error JSON for the status. */
  body?: unknown;
  headers?: Record<string, string>;
}
export interface OpenAIMockOptions {
  baseURL?: string;
  apiKey?: string;
  /** Retrieves until a video completes: queued, then in_progress with rising progress (default 3). */
  videoPollsToComplete?: number;
  models?: readonly string[];
  /**
   * What GET /models lists (and GET /models/{model} knows): default `models` plus OpenAI's caption
   * models in the catalog (the Responses API's, served by the same account).
   */
  listedModels?: readonly string[] | undefined;
  /**
   * `shutdown_date` per listed model: a YYYY-MM-DD date, or null (none announced). A model not named
   * here answers `shutdown_date: null`; `omitShutdownDate` leaves the optional field out instead.
   */
  shutdownDates?: Readonly<Record<string, string | null>> | undefined;
  omitShutdownDate?: boolean | undefined;
  /** Draws the PNG an image request answers with (the offline demo shows the prompt); default a gradient. */
  renderImage?: RenderMockImage | undefined;
  /** Makes the MP4 a finished video serves (the offline demo renders the prompt); default the sample. */
  renderVideo?: RenderMockVideo | undefined;
}

/** Makes the MP4 a mocked video generation returns, at the asked size and duration. */
export type RenderMockVideo = (request: {
  prompt: string;
  width: number;
  height: number;
  seconds: number;
}) => Promise<Uint8Array>;

/** Makes the PNG a mocked image generation returns. */
export type RenderMockImage = (request: {
  prompt: string;
  width: number;
  height: number;
}) => Promise<Uint8Array> | Uint8Array;

type ErrorFields = { message: string; type: string; param?: string | null; code?: string | null };
const errorJson = (status: number, e: ErrorFields, headers?: Record<string, string>) =>
  HttpResponse.json({ error: { param: null, code: null, ...e } }, { status, headers });
const invalid = (message: string, param: string | null, code = "invalid_value") =>
  errorJson(400, { message, type: "invalid_request_error", param, code });
/** Validation reads as a list of rules: a broken one throws the 400 the route answers with. */
function check(ok: unknown, message: string, param: string | null, code?: string): asserts ok {
  if (!ok) throw invalid(message, param, code);
}
const missing = (param: string) =>
  invalid(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
const oneOf = (param: string, value: string, allowed: readonly string[]) =>
  check(
    allowed.includes(value),
    `Invalid value '${value}' for ${param}: one of ${allowed}.`,
    param,
  );

type ErrorDefault = [type: string, code: string | null, message: string];
const CLIENT_ERROR: ErrorDefault = ["invalid_request_error", null, "Invalid request."];
const SERVER_ERROR: ErrorDefault = ["server_error", null, "The server had an error."];
const ERROR_DEFAULTS: Record<number, ErrorDefault> = {
  401: ["invalid_request_error", "invalid_api_key", "Incorrect API key provided."],
  404: ["invalid_request_error", "model_not_found", "The model does not exist."],
  429: ["requests", "rate_limit_exceeded", "Rate limit reached for requests."],
  503: ["server_error", null, "The server is overloaded or not ready yet."],
};
function failureBody(status: number) {
  const [type, code, message] =
    ERROR_DEFAULTS[status] ?? (status < 500 ? CLIENT_ERROR : SERVER_ERROR);
  return { error: { message, type, param: null, code } };
}

const STANDARD_SIZES = ["1024x1024", "1536x1024", "1024x1536", "auto"];
/** Per the `size` doc, these take any WIDTHxHEIGHT within the limits checked in checkImageSize. */
const FLEXIBLE_SIZE = /^gpt-image-2(-2026-04-21|\.5-(sunburst|flare)(-2026-09-08)?)?$/;
const EXTRA_QUALITY = /^gpt-image-2\.5-/;
const SORA_SIZES = ["720x1280", "1280x720"];
const SORA_PRO_SIZES = [...SORA_SIZES, "1024x1792", "1792x1024"];
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"];

function dimensions(size: string): [number, number] | undefined {
  const m = /^(\d+)x(\d+)$/.exec(size);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}
function checkImageSize(model: string, size: string) {
  if (STANDARD_SIZES.includes(size)) return;
  const [w, h] = dimensions(size) ?? [0, 0];
  check(FLEXIBLE_SIZE.test(model) && w, `Invalid size '${size}'. Use ${STANDARD_SIZES}.`, "size");
  const pixels = w * h;
  const fits =
    w % 16 === 0 && h % 16 === 0 && Math.max(w, h) <= 3840 && Math.max(w / h, h / w) <= 3;
  check(fits && pixels >= 655_360 && pixels <= 8_294_400, `Invalid size '${size}'.`, "size");
}

const pngBySize = new Map<string, Uint8Array>();
async function imageBytes(
  size: string,
  format: string,
  render?: { draw: RenderMockImage; prompt: string },
): Promise<Uint8Array> {
  const [w, h] = dimensions(size) ?? [1024, 1024];
  const png = render
    ? await render.draw({ prompt: render.prompt, width: w, height: h })
    : (pngBySize.get(size) ?? gradientPng(w, h));
  if (!render) pngBySize.set(size, png);
  if (format === "png") return png;
  return new Uint8Array(
    await sharp(png)
      .toFormat(format === "jpeg" ? "jpeg" : "webp")
      .toBuffer(),
  );
}
let thumbnailWebp: Promise<Uint8Array> | undefined;
/** The guide documents the thumbnail variant as WebP, so the JPEG poster is converted once. */
const posterAsWebp = () =>
  (thumbnailWebp ??= sharp(samplePosterJpeg)
    .webp()
    .toBuffer()
    .then((b) => new Uint8Array(b)));

async function readFields(form: FormData) {
  const fields: Record<string, FieldValue | FieldValue[]> = {};
  for (const [name, value] of form.entries()) {
    let field: FieldValue = value as string;
    if (typeof value !== "string") {
      const meta = await sharp(new Uint8Array(await value.arrayBuffer()))
        .metadata()
        .catch(() => undefined);
      const { name: filename, type, size } = value;
      field = { filename, type, size, width: meta?.width, height: meta?.height };
    }
    const key = name.replace(/\[\]$/, "");
    const prior = fields[key] ?? [];
    fields[key] = name.endsWith("[]") ? [prior, field].flat() : field;
  }
  return fields;
}
const isImageFile = (value: unknown): value is UploadedFileRecord =>
  typeof value === "object" &&
  value !== null &&
  "type" in value &&
  IMAGE_TYPES.includes((value as UploadedFileRecord).type) &&
  Boolean((value as UploadedFileRecord).width);

export interface OpenAIMockVideo {
  video: Record<string, unknown>;
  polls: number;
  failure?: ErrorFields;
  /** The rendered MP4 (renderVideo), started when the job is created. */
  rendered?: Promise<Uint8Array> | undefined;
}
const now = () => Math.floor(Date.now() / 1000);
const MODERATION: ErrorFields = {
  code: "moderation_blocked",
  type: "invalid_request_error",
  message: "Your request was blocked by our moderation system.",
};
const RENDER_FAILURE: ErrorFields = {
  code: "video_generation_failed",
  type: "server_error",
  message: "Video generation failed. Please try again.",
};

export function createOpenAIMock(options: OpenAIMockOptions = {}) {
  const base = (options.baseURL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
  const basePath = new URL(base).pathname.replace(/\/+$/, "");
  const apiKey = options.apiKey ?? OPENAI_MOCK_API_KEY;
  const pollsToComplete = Math.max(1, options.videoPollsToComplete ?? 3);
  const models = new Set(options.models ?? OPENAI_MOCK_MODELS);
  const requests: RecordedOpenAIRequest[] = [];
  const queued = new Map<OpenAIMockRoute, OpenAIMockFailure[]>();
  const videos = new Map<string, OpenAIMockVideo>();
  const listed = [
    ...new Set(
      options.listedModels ?? [
        ...models,
        ...CAPTION_MODELS.filter((m) => m.provider === "openai").map((m) => m.id),
      ],
    ),
  ];
  /** A Model object as the reference documents it; `created` is fixed so answers are stable. */
  const modelObject = (id: string) => ({
    id,
    object: "model",
    created: 1_767_225_600,
    owned_by: "system",
    ...(options.omitShutdownDate ? {} : { shutdown_date: options.shutdownDates?.[id] ?? null }),
  });
  function retrieveModel(id: string): Response {
    if (listed.includes(id)) return HttpResponse.json(modelObject(id));
    const message = `The model '${id}' does not exist`;
    throw errorJson(404, {
      message,
      type: "invalid_request_error",
      param: "model",
      code: "model_not_found",
    });
  }

  type Answer = (r: RecordedOpenAIRequest, param: string) => Promise<Response> | Response;
  type Info = { request: Request; params: Record<string, string | readonly string[] | undefined> };
  /** Records the request, then answers a queued failure or a 401 before the route's own rules. */
  const route =
    (name: OpenAIMockRoute, answer: Answer) =>
    async ({ request, params }: Info) => {
      const url = new URL(request.url);
      const given = request.headers.get("authorization") ?? "";
      const headers = Object.fromEntries(request.headers);
      if (headers.authorization) headers.authorization = "Bearer [redacted]";
      const type = request.headers.get("content-type") ?? "";
      const record: RecordedOpenAIRequest = {
        route: name,
        method: request.method,
        path: url.pathname.slice(basePath.length),
        query: Object.fromEntries(url.searchParams),
        headers,
        authorized: given === `Bearer ${apiKey}`,
      };
      // Counted (and its queued fault taken) when it arrives, as a server would: reading an upload
      // takes real work (sharp), and a client that gives up meanwhile has still sent its request.
      requests.push(record);
      const failure = queued.get(name)?.shift();
      if (failure?.networkError) return HttpResponse.error();
      if (failure?.hang) return hangUntilAborted(request);
      if (type.includes("json")) record.json = await request.json();
      if (type.includes("multipart/")) record.fields = await readFields(await request.formData());
      if (failure && !failure.partial) {
        const { status = 500, headers: extra, body = failureBody(status) } = failure;
        return HttpResponse.json(body as Record<string, unknown>, { status, headers: extra });
      }
      if (!record.authorized) {
        const key = given.replace(/^Bearer\s*/, "");
        // OpenAI echoes a masked key; the adapter must never pass this message on.
        const message = key
          ? `Incorrect API key provided: ${key.slice(0, 3)}****${key.slice(-4)}.`
          : "You didn't provide an API key. Use an Authorization header with Bearer auth.";
        const code = key ? "invalid_api_key" : null;
        return errorJson(401, { message, type: "invalid_request_error", code });
      }
      // A caller's own request id (API reference, "Debugging requests"): ASCII, ≤ 512 characters.
      const clientRequestId = request.headers.get("x-client-request-id");
      if (clientRequestId !== null && !/^[\x20-\x7e]{1,512}$/.test(clientRequestId)) {
        return invalid("X-Client-Request-Id must be at most 512 ASCII characters.", null);
      }
      let response: Response;
      try {
        response = await answer(record, String(params.videoId ?? params.model ?? ""));
      } catch (refusal) {
        if (!(refusal instanceof Response)) throw refusal;
        response = refusal;
      }
      return failure?.partial ? truncated(response) : response;
    };

  const text = (r: RecordedOpenAIRequest, name: string): string | undefined => {
    const value = r.json?.[name] ?? r.fields?.[name];
    return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  };
  const modelOf = (r: RecordedOpenAIRequest, family: string, fallback?: string) => {
    const model = text(r, "model") ?? fallback;
    if (!model) throw missing("model");
    if (models.has(model) && model.startsWith(family)) return model;
    const message = `The model \`${model}\` does not exist or you do not have access to it.`;
    throw errorJson(404, { message, type: "invalid_request_error", code: "model_not_found" });
  };

  async function images(r: RecordedOpenAIRequest, edit: boolean): Promise<Response> {
    const prompt = text(r, "prompt");
    if (!prompt) throw missing("prompt");
    const model = modelOf(r, "");
    const [n, size, quality, background, format] = [
      Number(text(r, "n") ?? 1),
      text(r, "size") ?? "auto",
      text(r, "quality") ?? "auto",
      text(r, "background") ?? "auto",
      text(r, "output_format") ?? "png",
    ];
    check(
      text(r, "response_format") === undefined,
      "GPT image models always return base64.",
      "response_format",
    );
    check(Number.isInteger(n) && n >= 1 && n <= 10, "'n' must be between 1 and 10.", "n");
    checkImageSize(model, size);
    const extra = EXTRA_QUALITY.test(model) ? ["xhigh", "max"] : [];
    oneOf("quality", quality, ["low", "medium", "high", "auto", ...extra]);
    oneOf("background", background, ["transparent", "opaque", "auto"]);
    oneOf("output_format", format, ["png", "jpeg", "webp"]);
    if (edit) {
      const files = [r.fields?.image ?? []].flat();
      if (files.length === 0) throw missing("image");
      check(files.length <= 16, "At most 16 images can be edited at once.", "image");
      const ok = files.every((f) => isImageFile(f) && f.size <= 50 * 1024 * 1024);
      check(
        ok,
        "Each image must be a png, webp or jpg file under 50MB.",
        "image",
        "invalid_image_format",
      );
    }
    if (prompt.includes(OPENAI_MOCK_MARKERS.moderation)) {
      const message = "Your request was rejected by the safety system. safety_violations=[mock].";
      return errorJson(400, {
        message,
        type: "image_generation_user_error",
        code: "moderation_blocked",
      });
    }
    const outputSize = size === "auto" ? "1024x1024" : size;
    const render = options.renderImage ? { draw: options.renderImage, prompt } : undefined;
    const b64 = Buffer.from(await imageBytes(outputSize, format, render)).toString("base64");
    const textTokens = Math.ceil(prompt.length / 4);
    return HttpResponse.json({
      created: now(),
      background: background === "transparent" ? "transparent" : "opaque",
      data: Array.from({ length: n }, () => ({ b64_json: b64 })),
      output_format: format,
      quality: quality === "auto" ? "medium" : quality,
      size: outputSize,
      usage: {
        input_tokens: textTokens,
        input_tokens_details: { image_tokens: edit ? 323 : 0, text_tokens: textTokens },
        output_tokens: 1056 * n,
        total_tokens: textTokens + 1056 * n,
      },
    });
  }

  function createVideo(r: RecordedOpenAIRequest): Response {
    const prompt = text(r, "prompt");
    if (!prompt) throw missing("prompt");
    const model = modelOf(r, "sora", "sora-2");
    const seconds = text(r, "seconds") ?? "4";
    const size = text(r, "size") ?? "720x1280";
    oneOf("seconds", seconds, ["4", "8", "12"]);
    oneOf("size", size, model.startsWith("sora-2-pro") ? SORA_PRO_SIZES : SORA_SIZES);
    // A JSON body may name the reference by image_url / file_id instead; only uploads are measured.
    const reference = r.fields?.input_reference;
    if (reference !== undefined) {
      check(
        isImageFile(reference),
        "input_reference must be a jpeg, png or webp image file.",
        "input_reference",
        "invalid_image_format",
      );
      const got = `${reference.width}x${reference.height}`;
      check(
        got === size,
        `Inpaint image must match the requested width and height (${size}, got ${got}).`,
        "input_reference",
      );
    }
    const id = `video_${randomBytes(16).toString("hex")}`;
    const video = {
      ...{ id, object: "video", model, status: "queued", progress: 0, created_at: now() },
      ...{ completed_at: null, expires_at: null, error: null, prompt, remixed_from_video_id: null },
      ...{ seconds, size },
    };
    const failure = prompt.includes(OPENAI_MOCK_MARKERS.moderation)
      ? MODERATION
      : prompt.includes(OPENAI_MOCK_MARKERS.videoFailure)
        ? RENDER_FAILURE
        : undefined;
    const [w, h] = dimensions(size) ?? [720, 1280];
    const rendered =
      options.renderVideo && !failure
        ? options.renderVideo({ prompt, width: w, height: h, seconds: Number(seconds) })
        : undefined;
    // Awaited on download; a failed render must not be an unhandled rejection meanwhile.
    rendered?.catch(() => undefined);
    videos.set(id, { video, polls: 0, failure, rendered });
    return HttpResponse.json(video);
  }

  function jobOf(id: string): OpenAIMockVideo {
    const job = videos.get(id);
    if (job) return job;
    const message = `Video with id '${id}' not found.`;
    throw errorJson(404, {
      message,
      type: "invalid_request_error",
      param: "video_id",
      code: "video_not_found",
    });
  }

  /** Poll k of N: 1 → queued, then in_progress with rising progress, N → completed (or failed). */
  function retrieveVideo(id: string): Response {
    const job = jobOf(id);
    const v = job.video;
    job.polls += 1;
    if (v.status === "completed" || v.status === "failed") return HttpResponse.json(v);
    if (job.polls >= pollsToComplete) {
      const { failure } = job;
      Object.assign(
        v,
        failure
          ? { status: "failed", error: { ...failure, param: null } }
          : { status: "completed", progress: 100, completed_at: now(), expires_at: now() + 3600 },
      );
    } else if (job.polls > 1 || pollsToComplete === 2) {
      const progress = Math.round((100 * (job.polls - 1)) / (pollsToComplete - 1)) || 5;
      Object.assign(v, { status: "in_progress", progress });
    }
    return HttpResponse.json(v);
  }

  async function videoContent(id: string, variant: string): Promise<Response> {
    const job = jobOf(id);
    oneOf("variant", variant, ["video", "thumbnail", "spritesheet"]);
    const ready = job.video.status === "completed";
    check(
      ready,
      `Video ${id} is not ready: it is ${job.video.status}.`,
      "video_id",
      "video_not_ready",
    );
    const [bytes, type] =
      variant === "video"
        ? [(await job.rendered) ?? sampleVideoMp4, "video/mp4"]
        : variant === "thumbnail"
          ? [await posterAsWebp(), "image/webp"]
          : [samplePosterJpeg, "image/jpeg"]; // one frame stands in for the sprite sheet
    const headers = { "content-type": type, "content-length": String(bytes.byteLength) };
    return new HttpResponse(bytes as Uint8Array<ArrayBuffer>, { headers });
  }

  const handlers = [
    http.post(
      `${base}/images/generations`,
      route("images.generate", (r) => images(r, false)),
    ),
    http.post(
      `${base}/images/edits`,
      route("images.edit", (r) => images(r, true)),
    ),
    http.post(`${base}/videos`, route("videos.create", createVideo)),
    http.get(
      `${base}/videos/:videoId`,
      route("videos.retrieve", (_r, id) => retrieveVideo(id)),
    ),
    http.get(
      `${base}/videos/:videoId/content`,
      route("videos.content", (r, id) => videoContent(id, r.query.variant ?? "video")),
    ),
    http.get(
      `${base}/models`,
      route("models.list", () =>
        HttpResponse.json({ object: "list", data: listed.map(modelObject) }),
      ),
    ),
    http.get(
      `${base}/models/:model`,
      route("models.retrieve", (_r, id) => retrieveModel(id)),
    ),
  ];

  return {
    handlers,
    /** Every request the mock saw, oldest first. */
    requests,
    /** The mock's video jobs by id, for assertions. */
    videos,
    /** Answers the next requests on `route` with these failures, in order, before any validation. */
    failNext(routeName: OpenAIMockRoute, ...failures: OpenAIMockFailure[]) {
      queued.set(routeName, [...(queued.get(routeName) ?? []), ...failures]);
    },
    requestsTo: (routeName: OpenAIMockRoute) => requests.filter((r) => r.route === routeName),
    reset() {
      requests.length = 0;
      queued.clear();
      videos.clear();
    },
  };
}

export type OpenAIMock = ReturnType<typeof createOpenAIMock>;
