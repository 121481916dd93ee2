import { ZernioApiError } from "@zernio/node";

export const SOCIAL_ERROR_CODES = [
  "AUTH",
  "ACCOUNT_DISCONNECTED",
  "ACCOUNT_NOT_ENABLED",
  "PROFILE_OVER_LIMIT",
  "FORBIDDEN",
  "VALIDATION",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "TIMEOUT",
  "ZERNIO_ERROR",
] as const;
export type SocialErrorCode = (typeof SOCIAL_ERROR_CODES)[number];

/** Worth another attempt: Zernio did not refuse the request itself and may take it later. */
const RETRYABLE: ReadonlySet<SocialErrorCode> = new Set(["RATE_LIMITED", "UNAVAILABLE", "TIMEOUT"]);

/** The one error every Zernio failure becomes. */
export class SocialError extends Error {
  override name = "SocialError";
  readonly code: SocialErrorCode;
  readonly retryable: boolean;
  /** HTTP status Zernio answered; undefined when no answer came back (timeout, connection lost). */
  readonly status: number | undefined;
  /** When a rate limit frees up (from X-RateLimit-Reset or Retry-After). */
  readonly resetAt: Date | undefined;
  /** Zernio's own machine-readable `code`, when it sent one. */
  readonly zernioCode: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: SocialErrorCode,
    message: string,
    options: {
      status?: number | undefined;
      resetAt?: Date | undefined;
      zernioCode?: string | undefined;
      details?: Record<string, unknown> | undefined;
      retryable?: boolean | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.status = options.status;
    this.resetAt = options.resetAt;
    this.zernioCode = options.zernioCode;
    this.details = options.details;
  }

  toJSON(): { code: SocialErrorCode; message: string; retryable: boolean; resetAt?: string } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.resetAt ? { resetAt: this.resetAt.toISOString() } : {}),
    };
  }
}

export function isSocialError(error: unknown): error is SocialError {
  return error instanceof SocialError;
}

/** 403 `code` values Zernio documents on POST /v1/posts. */
const FORBIDDEN_CODES: Record<string, SocialErrorCode> = {
  ACCOUNT_DISCONNECTED: "ACCOUNT_DISCONNECTED",
  ACCOUNT_NOT_ENABLED_FOR_POSTING: "ACCOUNT_NOT_ENABLED",
  PROFILE_OVER_LIMIT: "PROFILE_OVER_LIMIT",
};

export function codeForStatus(status: number, zernioCode?: string): SocialErrorCode {
  if (status === 401) return "AUTH";
  if (status === 403) return (zernioCode && FORBIDDEN_CODES[zernioCode]) || "FORBIDDEN";
  if (status === 400 || status === 422) return "VALIDATION";
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return "CONFLICT";
  if (status === 429) return "RATE_LIMITED";
  if (status === 408 || status === 504) return "TIMEOUT";
  if (status >= 500) return "UNAVAILABLE";
  return "ZERNIO_ERROR";
}

/**
 * When a 429 frees up. `X-RateLimit-Reset` is a Unix time in seconds (the spec's 429 headers);
 * `Retry-After` is seconds or an HTTP date. The later of the two wins: never retry sooner than asked.
 */
export function resetTimeFrom(headers: Headers | undefined, now = Date.now()): Date | undefined {
  if (!headers) return undefined;
  const candidates: number[] = [];
  const reset = Number.parseInt(headers.get("x-ratelimit-reset") ?? "", 10);
  if (Number.isFinite(reset)) candidates.push(reset * 1000);
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    const seconds = Number.parseFloat(retryAfter);
    if (Number.isFinite(seconds)) candidates.push(now + seconds * 1000);
    else if (!Number.isNaN(Date.parse(retryAfter))) candidates.push(Date.parse(retryAfter));
  }
  return candidates.length ? new Date(Math.max(...candidates)) : undefined;
}

/**
 * Turns whatever a call threw (the SDK's ZernioApiError / RateLimitError / ValidationError, a
 * fetch failure, an abort) into a SocialError. `response` is the raw answer, when one came, for
 * the headers the SDK drops (it reads X-RateLimit-Reset but not Retry-After).
 */
export function toSocialError(
  error: unknown,
  context: { response?: Response | undefined; timedOut?: boolean; action: string },
): SocialError {
  if (error instanceof SocialError) return error;
  if (context.timedOut || isTimeoutError(error)) {
    return new SocialError("TIMEOUT", `Zernio did not answer in time (${context.action})`, {
      cause: error,
    });
  }
  if (error instanceof ZernioApiError) {
    const status = error.statusCode;
    const code = codeForStatus(status, error.code);
    const resetAt =
      code === "RATE_LIMITED"
        ? (resetTimeFrom(context.response?.headers) ??
          (error as { resetAt?: Date }).resetAt ??
          undefined)
        : undefined;
    return new SocialError(code, `Zernio refused ${context.action}: ${error.message}`, {
      status,
      resetAt,
      zernioCode: error.code,
      details: error.details,
      cause: error,
    });
  }
  if (error instanceof Error && error.name === "AbortError") {
    return new SocialError("ZERNIO_ERROR", `${context.action} was cancelled`, {
      retryable: false,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SocialError("UNAVAILABLE", `Could not reach Zernio (${context.action}): ${message}`, {
    cause: error,
  });
}

function isTimeoutError(error: unknown): boolean {
  return error instanceof Error && error.name === "TimeoutError";
}
