import { isSocialError, type SocialError } from "./errors";

export interface RetryPolicy {
  /** Total attempts per call, the first included (≤ 3 is what we promise). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A rate-limit reset further away than this is not waited for: the error is returned instead. */
  maxResetWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxResetWaitMs: 60_000,
};

/** Zernio replays the same x-request-id "within ~5 minutes"; we stay well inside that. */
export const REQUEST_ID_REPLAY_WINDOW_MS = 4 * 60_000;

export interface RetryRuntime {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
}

export const realRuntime: RetryRuntime = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: Math.random,
};

export interface RetryOptions {
  policy: RetryPolicy;
  runtime: RetryRuntime;
  /**
   * Whether a failure with no answer (timeout, connection lost) may be sent again. Such a request
   * may have been carried out. Only calls that are safe to repeat say yes: reads, PUT/DELETE of a
   * known id, and a create that carries an x-request-id (see `createPost`).
   */
  resendAfterNoAnswer: boolean;
  /** Every retry must start within this time of the first attempt (the x-request-id window). */
  windowMs?: number | undefined;
  onRetry?: ((error: SocialError, attempt: number, delayMs: number) => void) | undefined;
}

/**
 * Runs `call` up to `policy.attempts` times. Only SocialErrors marked retryable are tried again,
 * after exponential backoff with full jitter, and never before the rate-limit reset Zernio named.
 */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { policy, runtime } = options;
  const startedAt = runtime.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!isSocialError(error) || !error.retryable || attempt >= policy.attempts) throw error;
      if (!options.resendAfterNoAnswer && error.status === undefined) throw error;
      const delay = retryDelay(error, attempt, options);
      if (delay === undefined) throw error;
      if (options.windowMs !== undefined && runtime.now() + delay - startedAt > options.windowMs) {
        throw error;
      }
      options.onRetry?.(error, attempt, delay);
      await runtime.sleep(delay);
    }
  }
}

function retryDelay(
  error: SocialError,
  attempt: number,
  options: RetryOptions,
): number | undefined {
  const { policy, runtime } = options;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter, floored at half the step so retries never bunch up at zero.
  const backoff = ceiling / 2 + runtime.random() * (ceiling / 2);
  if (!error.resetAt) return backoff;
  const untilReset = error.resetAt.getTime() - runtime.now();
  if (untilReset > policy.maxResetWaitMs) return undefined;
  return Math.max(backoff, untilReset);
}
