// Turns whatever the openai SDK throws into the one MediaGenError the rest of the product understands.
// Error shapes from openai-node 7.57 core/error.ts (APIError.status/headers/code/type, generated from the
// OpenAPI spec) and the `{ error: { message, type, param, code } }` body of developers.openai.com/api/reference.
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from "openai";
import {
  codeForHttpStatus,
  isMediaGenError,
  type MediaErrorCode,
  MediaGenError,
  parseRetryAfter,
  redact,
} from "../errors";

export interface FailureContext {
  model: string;
  /** What a 404 means for this call: the model (create) or the video job (retrieve / download). */
  notFound?: "model" | "video" | undefined;
  /** A generation's start: see `createsJob` in retry.ts. */
  createsJob?: boolean | undefined;
}

/** OpenAI's own error codes that say more than the HTTP status does. */
const CONTENT_CODES = /moderation|content_policy|safety|content_filter/i;
const MODEL_CODES = /model_not_found|model_not_available|unsupported_model/i;
const MAX_MESSAGE = 300;

function tidy(message: string): string {
  const text = redact(message.replace(/\s+/g, " ").trim());
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

function options(
  context: FailureContext,
  extra: Partial<ConstructorParameters<typeof MediaGenError>[2]>,
) {
  return { provider: "openai" as const, model: context.model, ...extra };
}

function fromApiError(error: APIError, context: FailureContext): MediaGenError {
  const status = error.status;
  const body = error.error as { message?: unknown } | undefined;
  const providerMessage = typeof body?.message === "string" ? body.message : error.message;
  const openaiCode = `${error.code ?? ""} ${error.type ?? ""}`;
  const base = { status, retryAfterMs: parseRetryAfter(error.headers), cause: error };

  // A 401 message echoes part of the key ("Incorrect API key provided: sk-ab***wxyz"): never repeat it.
  if (status === 401) {
    return new MediaGenError(
      "PROVIDER_AUTH",
      "OpenAI rejected the API key; check OPENAI_API_KEY.",
      options(context, base),
    );
  }
  // Out of credit is a 429 too, but waiting will not fix it.
  if (status === 429 && /insufficient_quota|billing/i.test(openaiCode)) {
    return new MediaGenError(
      "RATE_LIMITED",
      `OpenAI quota exhausted: ${tidy(providerMessage)}`,
      options(context, { ...base, retryable: false }),
    );
  }
  let code: MediaErrorCode;
  // A 404 on a job's own path means the job is unknown or expired, whatever the body says.
  if (status === 404 && context.notFound === "video") {
    return new MediaGenError(
      "PROVIDER_ERROR",
      `OpenAI no longer knows this video job: ${tidy(providerMessage)}`,
      options(context, { ...base, retryable: false }),
    );
  }
  if (CONTENT_CODES.test(openaiCode)) code = "CONTENT_REJECTED";
  else if (MODEL_CODES.test(openaiCode)) code = "MODEL_UNAVAILABLE";
  else code = codeForHttpStatus(status, providerMessage);
  return new MediaGenError(code, tidy(providerMessage), options(context, base));
}

/** The MediaGenError for anything an OpenAI call threw. Abort errors are the caller's to handle. */
export function toMediaGenError(error: unknown, context: FailureContext): MediaGenError {
  if (isMediaGenError(error)) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new MediaGenError(
      "TIMEOUT",
      "OpenAI did not answer in time.",
      options(context, { cause: error }),
    );
  }
  if (error instanceof APIUserAbortError) {
    return new MediaGenError(
      "PROVIDER_ERROR",
      "The OpenAI request was cancelled.",
      options(context, { cause: error, retryable: false }),
    );
  }
  if (error instanceof APIConnectionError) {
    return new MediaGenError(
      "PROVIDER_UNAVAILABLE",
      "Could not reach OpenAI (connection error).",
      options(context, { cause: error }),
    );
  }
  if (error instanceof APIError) return fromApiError(error, context);
  if (isConnectionLoss(error)) {
    return new MediaGenError(
      "PROVIDER_UNAVAILABLE",
      "The connection to OpenAI was lost before the answer was complete.",
      options(context, { cause: error }),
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  const prefix = error instanceof OpenAIError ? "OpenAI client error" : "OpenAI adapter error";
  return new MediaGenError(
    "PROVIDER_ERROR",
    `${prefix}: ${tidy(message)}`,
    options(context, { cause: error }),
  );
}

/** undici's "terminated" (a body cut short), a reset socket: the answer never arrived whole. */
export function isConnectionLoss(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const text = `${error instanceof Error ? `${error.name} ${error.message}` : ""} ${String(cause?.code ?? "")} ${String(cause?.message ?? "")}`;
  return /\bterminated\b|ECONNRESET|UND_ERR_SOCKET|socket hang up|other side closed|fetch failed|network error/i.test(
    text,
  );
}

/** A Sora job that ended `failed`: its `error` object becomes the generation's error. */
export function videoJobError(
  failure: { code?: string | null; message?: string | null } | null | undefined,
  context: FailureContext,
): MediaGenError {
  const message = tidy(failure?.message || "Sora reported the video as failed without a reason.");
  const openaiCode = failure?.code ?? "";
  const code: MediaErrorCode = CONTENT_CODES.test(openaiCode)
    ? "CONTENT_REJECTED"
    : codeForHttpStatus(undefined, `${openaiCode} ${message}`);
  // The job is over either way; whether to submit again is the caller's decision, not a retry.
  return new MediaGenError(code, message, options(context, { retryable: false }));
}
