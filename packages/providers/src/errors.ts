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

/** What a code means, the same for every provider and API shape (README "Error codes"). */
export interface MediaErrorMeaning {
  meaning: string;
  /** Whether the same request may succeed later (an individual error can still say otherwise). */
  retryable: boolean;
  /**
   * Whether a billed provider job may exist when a call ends with this code: "no" (nothing was
   * started, or the job is over), "maybe" (the answer was lost: a create is never re-sent, a
   * known job is resumed), "alive" (a known job is running; only our view of it failed).
   */
  jobMayExist: "no" | "maybe" | "alive";
}

export const MEDIA_ERROR_MEANINGS: Readonly<Record<MediaErrorCode, MediaErrorMeaning>> = {
  PROVIDER_AUTH: {
    meaning: "The provider refused our credentials (401/403) or no key is configured.",
    retryable: false,
    jobMayExist: "alive",
  },
  RATE_LIMITED: {
    meaning:
      "The provider answered 429: too many requests (retried after retry-after), or out of quota (not retried).",
    retryable: true,
    jobMayExist: "no",
  },
  PROVIDER_UNAVAILABLE: {
    meaning:
      "No usable answer: HTTP 5xx, connection refused or reset, a body cut short. Transient.",
    retryable: true,
    jobMayExist: "maybe",
  },
  MODEL_UNAVAILABLE: {
    meaning:
      "The model is unknown, retired, disabled or not served on this access path (or the provider answered 404 for it).",
    retryable: false,
    jobMayExist: "no",
  },
  TIMEOUT: {
    meaning: "No answer in time: one call's timeout, or the generation's overall deadline.",
    retryable: true,
    jobMayExist: "maybe",
  },
  CONTENT_REJECTED: {
    meaning:
      "The provider's moderation or safety system refused the prompt, the reference or the output.",
    retryable: false,
    jobMayExist: "no",
  },
  INVALID_REQUEST: {
    meaning:
      "The provider refused the request as malformed (400/422) for a reason other than safety.",
    retryable: false,
    jobMayExist: "no",
  },
  PROVIDER_ERROR: {
    meaning:
      "The provider answered that the job failed, was cancelled, or is unknown/expired; or it answered something unusable.",
    retryable: false,
    jobMayExist: "no",
  },
};

/** Codes worth another attempt: the provider did not do the work and may do it later. */
const RETRYABLE: ReadonlySet<MediaErrorCode> = new Set(
  MEDIA_ERROR_CODES.filter((code) => MEDIA_ERROR_MEANINGS[code].retryable),
);

/**
 * Whether an error on a status call is the provider's verdict on the job (it will never finish):
 * the job failed, was refused, or is unknown. Transient problems, credentials and quota say
 * nothing about the job, so a status call throws those instead of reporting a failed job.
 */
export function isJobVerdict(error: MediaGenError): boolean {
  return (
    !error.retryable &&
    (error.code === "PROVIDER_ERROR" ||
      error.code === "CONTENT_REJECTED" ||
      error.code === "INVALID_REQUEST" ||
      error.code === "MODEL_UNAVAILABLE")
  );
}

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
  /**
   * Set when a billed provider job may exist although this call failed: a create whose answer was
   * lost (not re-sent), or a poll that gave up on a job that may still be running.
   */
  readonly jobMayExist: boolean;

  constructor(
    code: MediaErrorCode,
    message: string,
    options: {
      provider?: ProviderId | undefined;
      model?: string | undefined;
      status?: number | undefined;
      retryAfterMs?: number | undefined;
      retryable?: boolean | undefined;
      jobMayExist?: boolean | undefined;
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
    this.jobMayExist = options.jobMayExist ?? false;
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
 * The line for a transient failure that is ridden out — a status check or a download that failed on
 * all its attempts while the job goes on (polled again, or downloaded again, until the deadline).
 * A warning with its own wording, never `[MediaGen] Error:`: that line, the one operators alert on,
 * is for failures that end a generation. It does not mark the failure as logged, so if it does end
 * the generation after all, that still gets its one error line.
 */
export function formatTransientLine(
  error: MediaGenError,
  call: "status" | "download",
  assetId?: string,
): string {
  const what =
    call === "status"
      ? "status check failed, the job goes on (polled again until its deadline)"
      : "download failed, it can be downloaded again (no new generation)";
  const line = `[MediaGen] Warning: ${error.provider ?? "unknown"} ${error.model ?? "unknown"} ${error.code} ${what}: ${error.message}`;
  return redact(assetId ? `${line} (asset ${assetId})` : line);
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
