// Turns whatever a Google call threw — the SDK's ApiError (models.*), its Interactions APIError,
// our own REST errors, network failures — into one MediaGenError. Google answers errors as
// `{ error: { code, message, status, details } }` (google.rpc.Status, cloud.google.com/apis/design/errors).
import { codeForHttpStatus, type MediaErrorCode, MediaGenError, parseRetryAfter } from "../errors";

/** A non-2xx answer to a request we send ourselves (predictLongRunning, video downloads). */
export class GoogleHttpError extends Error {
  override name = "GoogleHttpError";
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

interface GoogleErrorBody {
  code?: number | string;
  message?: string;
  status?: string;
  details?: Array<Record<string, unknown>>;
}

/** google.rpc.Code numbers, for operation errors that carry only a number. */
const RPC_CODE_NAMES: Record<number, string> = {
  1: "CANCELLED",
  3: "INVALID_ARGUMENT",
  4: "DEADLINE_EXCEEDED",
  5: "NOT_FOUND",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  9: "FAILED_PRECONDITION",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  16: "UNAUTHENTICATED",
};

const CODE_FOR_RPC_STATUS: Record<string, MediaErrorCode> = {
  RESOURCE_EXHAUSTED: "RATE_LIMITED",
  UNAVAILABLE: "PROVIDER_UNAVAILABLE",
  INTERNAL: "PROVIDER_UNAVAILABLE",
  DEADLINE_EXCEEDED: "TIMEOUT",
  PERMISSION_DENIED: "PROVIDER_AUTH",
  UNAUTHENTICATED: "PROVIDER_AUTH",
};

// "This model only supports Interactions API", "models/x is not found for API version v1beta,
// or is not supported for generateContent", shutdown notices.
const MODEL_GONE =
  /only supports? (the )?interactions api|is not found for api version|not supported for (generateContent|predictLongRunning)|no longer (available|supported)|has been (shut down|retired|deprecated)/i;
const KEY_REJECTED = /api key (not valid|expired|invalid)/i;
const SAFETY = /\b(safety|prohibited|responsible ai|blocked|policy|policies)\b/i;

export interface GoogleErrorContext {
  model: string;
  /** The key in use, so it can be cut out of any message that echoes it. */
  apiKey?: string | undefined;
  /** Headers of the failed response, when the thrower did not keep them (the SDK's ApiError). */
  headers?: Headers | undefined;
  /** What a 404 means: the model (start) or the operation (status, download). */
  missing?: "model" | "operation" | undefined;
}

export function toGoogleError(error: unknown, context: GoogleErrorContext): MediaGenError {
  if (error instanceof MediaGenError) {
    if (error.model) return error;
    // Raised before the model was known (a missing key): name it, as the log line needs.
    return new MediaGenError(error.code, error.message, {
      provider: "google",
      model: context.model,
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      retryable: error.retryable,
      cause: error.cause,
    });
  }
  const base = { provider: "google" as const, model: context.model, cause: error };
  const status = numberProp(error, "status") ?? numberProp(error, "statusCode");
  if (status === undefined) {
    const timedOut = /timeout|timed out/i.test(`${nameOf(error)} ${messageOf(error)}`);
    if (timedOut) return new MediaGenError("TIMEOUT", "Google did not answer in time.", base);
    if (isNetworkError(error)) {
      const detail = clean(messageOf(error), context.apiKey);
      return new MediaGenError("PROVIDER_UNAVAILABLE", `Could not reach Google: ${detail}`, base);
    }
    return new MediaGenError("PROVIDER_ERROR", clean(messageOf(error), context.apiKey), base);
  }

  const body = googleErrorBody(error);
  const message = clean(body?.message ?? messageOf(error), context.apiKey) || `HTTP ${status}`;
  const headers = headersOf(error) ?? context.headers;
  const retryAfterMs = parseRetryAfter(headers) ?? retryInfoDelayMs(body);
  const options = { ...base, status, retryAfterMs };
  const rpcStatus = typeof body?.status === "string" ? body.status : undefined;
  const reasons = (body?.details ?? []).map((detail) => detail.reason).filter(Boolean);

  if (reasons.includes("API_KEY_INVALID") || KEY_REJECTED.test(message))
    return new MediaGenError("PROVIDER_AUTH", `Google rejected the API key: ${message}`, options);
  if (MODEL_GONE.test(message)) return new MediaGenError("MODEL_UNAVAILABLE", message, options);
  // An unknown interaction id is a 400 "Invalid interaction name"; an unknown operation a 404.
  if (
    context.missing === "operation" &&
    (status === 404 || /invalid interaction name/i.test(message))
  )
    return new MediaGenError("PROVIDER_ERROR", `Google no longer knows this job: ${message}`, {
      ...options,
      retryable: false,
    });
  const code =
    (rpcStatus ? CODE_FOR_RPC_STATUS[rpcStatus] : undefined) ?? codeForHttpStatus(status, message);
  return new MediaGenError(code, message, options);
}

/**
 * A google.rpc.Status found inside an operation or interaction that failed on Google's side. The
 * job is over whatever its code says (INTERNAL, UNAVAILABLE …): PROVIDER_ERROR, never retryable,
 * as for a Sora job that ends `failed` (MEDIA_ERROR_MEANINGS); safety and bad arguments say so.
 */
export function operationError(
  status: { code?: unknown; message?: unknown } | undefined,
  model: string,
): MediaGenError {
  const message = typeof status?.message === "string" && status.message ? status.message : "";
  const rpc = typeof status?.code === "number" ? RPC_CODE_NAMES[status.code] : undefined;
  const options = { provider: "google" as const, model, retryable: false };
  if (SAFETY.test(message)) return new MediaGenError("CONTENT_REJECTED", message, options);
  const code: MediaErrorCode = rpc === "INVALID_ARGUMENT" ? "INVALID_REQUEST" : "PROVIDER_ERROR";
  return new MediaGenError(
    code,
    message || `Google reported the job failed (${rpc ?? "unknown"}).`,
    options,
  );
}

export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  const name = nameOf(error);
  return name === "AbortError" || name === "APIUserAbortError" || name === "RequestAbortedError";
}

/** The `{ error: {...} }` payload, wherever this kind of error keeps it. */
function googleErrorBody(error: unknown): GoogleErrorBody | undefined {
  const candidates: unknown[] = [
    (error as { body?: unknown }).body,
    (error as { error?: unknown }).error,
  ];
  const message = messageOf(error);
  if (message.trimStart().startsWith("{")) candidates.push(message); // ApiError: JSON text
  for (let candidate of candidates) {
    if (typeof candidate === "string") {
      try {
        candidate = JSON.parse(candidate);
      } catch {
        continue;
      }
    }
    const first = Array.isArray(candidate) ? candidate[0] : candidate; // some front ends wrap in [ ]
    if (!first || typeof first !== "object") continue;
    const inner = (first as { error?: unknown }).error ?? first;
    if (inner && typeof inner === "object" && "message" in inner) return inner as GoogleErrorBody;
  }
  return undefined;
}

/** google.rpc.RetryInfo `retryDelay: "37s"`, which Google sends on quota errors instead of a header. */
function retryInfoDelayMs(body: GoogleErrorBody | undefined): number | undefined {
  const info = body?.details?.find((detail) => String(detail["@type"]).endsWith("RetryInfo"));
  const seconds = Number.parseFloat(String(info?.retryDelay ?? ""));
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

function isNetworkError(error: unknown): boolean {
  const text = `${nameOf(error)} ${messageOf(error)} ${messageOf((error as { cause?: unknown })?.cause)}`;
  return /fetch failed|network|ECONN|ENOTFOUND|EAI_AGAIN|socket|connection|terminated/i.test(text);
}

function headersOf(error: unknown): Headers | undefined {
  const headers = (error as { headers?: unknown })?.headers;
  return headers instanceof Headers ? headers : undefined;
}

/** Drops the key (Google sometimes echoes request URLs, which may carry `?key=`) and trims. */
function clean(message: string, apiKey: string | undefined): string {
  const text = apiKey ? message.split(apiKey).join("***") : message;
  return text.replace(/\s+/g, " ").trim().slice(0, 500);
}

function numberProp(value: unknown, key: string): number | undefined {
  const prop =
    value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return typeof prop === "number" ? prop : undefined;
}

function nameOf(value: unknown): string {
  return value instanceof Error ? value.name : "";
}

function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  return typeof value === "string" ? value : "";
}
