import type { ProviderId } from "./types";

export const MEDIA_ERROR_CODES = [
  "PROVIDER_AUTH",
  "RATE_LIMITED",
  "PROVIDER_UNAVAILABLE",
  "MODEL_UNAVAILABLE",
  "TIMEOUT",
  "CONTENT_REJECTED",
  "INVALID_REQUEST",
  "PROVIDER_ERROR",
] as const;
export type MediaErrorCode = (typeof MEDIA_ERROR_CODES)[number];

/** Codes worth another attempt: the provider did not do the work and may do it later. */
const RETRYABLE: ReadonlySet<MediaErrorCode> = new Set([
  "RATE_LIMITED",
  "PROVIDER_UNAVAILABLE",
  "TIMEOUT",
]);

/** The one error type every provider failure becomes. */
export class MediaGenError extends Error {
  override name = "MediaGenError";
  readonly code: MediaErrorCode;
  readonly retryable: boolean;
  readonly provider: ProviderId | undefined;
  readonly model: string | undefined;
  /** HTTP status the provider answered, when there was one. */
  readonly status: number | undefined;
  /** From a `retry-after` / `retry-after-ms` header, when the provider sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: MediaErrorCode,
    message: string,
    options: {
      provider?: ProviderId | undefined;
      model?: string | undefined;
      status?: number | undefined;
      retryAfterMs?: number | undefined;
      retryable?: boolean | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.provider = options.provider;
    this.model = options.model;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): { code: MediaErrorCode; message: string; retryable: boolean } {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

export function isMediaGenError(error: unknown): error is MediaGenError {
  return error instanceof MediaGenError;
}

/**
 * The code an HTTP status means, for providers whose SDK hands us a status and a message.
 * 404 is a missing model on every API we call by model id; 408/409/429/5xx are worth retrying.
 */
export function codeForHttpStatus(status: number | undefined, message = ""): MediaErrorCode {
  if (status === 401 || status === 403) return "PROVIDER_AUTH";
  if (status === 429) return "RATE_LIMITED";
  if (status === 408 || status === 504) return "TIMEOUT";
  if (status === 404) return "MODEL_UNAVAILABLE";
  if (status === 409 || (status !== undefined && status >= 500)) return "PROVIDER_UNAVAILABLE";
  if (
    /model.*(not found|does not exist|no longer available|not supported|deprecated)/i.test(message)
  )
    return "MODEL_UNAVAILABLE";
  if (/safety|policy|moderation|blocked|prohibited/i.test(message)) return "CONTENT_REJECTED";
  if (status === 400 || status === 422) return "INVALID_REQUEST";
  return "PROVIDER_ERROR";
}

/** Parses `retry-after-ms` / `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(headers: Headers | undefined | null): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Redacts anything that looks like a credential or inline base64 from text bound for a log line. */
export function redact(text: string): string {
  return text
    .replace(/\b(sk|rk|pk)-[A-Za-z0-9_-]{8,}/g, "$1-***")
    .replace(/\bAIza[0-9A-Za-z_-]{20,}/g, "AIza***")
    .replace(/([?&](key|api_key|apikey|token)=)[^&\s"]+/gi, "$1***")
    .replace(/(bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, "$1***")
    .replace(/[A-Za-z0-9+/]{200,}={0,2}/g, "[base64 omitted]");
}

const loggedFailures = new WeakSet<MediaGenError>();

/** Whether a failure's line was already written (adapters log their own; the worker logs the rest). */
export function wasFailureLogged(error: MediaGenError): boolean {
  return loggedFailures.has(error);
}

/**
 * The one log line a provider failure gets: `[MediaGen] Error: <provider> <model> <code> <message>`.
 * Formatting it marks the failure as logged, so it is never written twice.
 */
export function formatFailureLine(error: MediaGenError, assetId?: string): string {
  loggedFailures.add(error);
  const line = `[MediaGen] Error: ${error.provider ?? "unknown"} ${error.model ?? "unknown"} ${error.code} ${error.message}`;
  return redact(assetId ? `${line} (asset ${assetId})` : line);
}
