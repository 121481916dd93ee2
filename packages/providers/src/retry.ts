import { inSpan, metrics } from "@streamline/telemetry";
import pRetry from "p-retry";
import { findCaptionModel } from "./catalog/captions";
import { findModelSpec } from "./catalog/index";
import { MediaGenError } from "./errors";
import type { ProviderId } from "./types";

export interface RetryPolicy {
  /** Total attempts per provider call, the first included. We promise 3. */
  attempts: number;
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** A retry-after longer than this is not waited for: the error is returned instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  minDelayMs: 1_000,
  maxDelayMs: 8_000,
  factor: 2,
  maxRetryAfterMs: 60_000,
};

/**
 * Runs one provider call with up to `attempts` tries: exponential backoff with jitter between them
 * (p-retry), and at least the provider's `retry-after` when it sent one. Only errors marked
 * `retryable` are tried again; anything else, or the last failure, is thrown as is.
 */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  options: {
    policy?: Partial<RetryPolicy> | undefined;
    signal?: AbortSignal | undefined;
    onRetry?: ((error: MediaGenError, attempt: number) => void) | undefined;
    /**
     * The call creates a billed job (a generation's start). Then only answers that prove nothing
     * was created are retried (429, HTTP 5xx); a timeout or a connection lost mid-request may have
     * created the job, and trying again could create and charge a second one.
     */
    createsJob?: boolean | undefined;
    /** What the call is, for its span and the provider-call metrics (README "Observability"). */
    measure?: ProviderCall | undefined;
  } = {},
): Promise<T> {
  const measure = options.measure;
  if (!measure) return retried(call, options);
  const attributes = callAttributes(measure);
  const started = performance.now();
  let outcome = "ok";
  return inSpan(`provider.${measure.kind}`, { kind: "client", attributes }, async (span) => {
    let attempts = 0;
    const counted = async (attempt: number) => {
      // Stopped before this attempt could send anything: not an attempt.
      if (options.signal?.aborted) throw options.signal.reason;
      attempts++;
      try {
        const result = await call(attempt);
        metrics().providerAttempts.add(1, { ...attributes, outcome: "ok" });
        return result;
      } catch (error) {
        metrics().providerAttempts.add(1, { ...attributes, outcome: outcomeOf(error) });
        throw error;
      }
    };
    try {
      return await retried(counted, options);
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      span.setAttribute("streamline.provider.attempts", attempts);
      metrics().providerCallDuration.record((performance.now() - started) / 1000, {
        ...attributes,
        outcome,
      });
    }
  });
}

/** One provider call as the metrics and spans name it. */
export interface ProviderCall {
  provider: ProviderId;
  model: string;
  /** create | status | download | caption | cancel | models (the start-up model list) */
  kind: string;
}

/** Provider, API shape (from the catalog) and call kind: low-cardinality attributes only. */
function callAttributes(call: ProviderCall) {
  const api = findModelSpec(call.model)?.api ?? findCaptionModel(call.model)?.api ?? "unknown";
  return {
    "streamline.provider": call.provider,
    "streamline.api": api,
    "streamline.call.kind": call.kind,
  };
}

/** An attempt's or call's outcome: ok, an error code, or aborted (the caller stopped it). */
function outcomeOf(error: unknown): string {
  return error instanceof MediaGenError ? error.code : "aborted";
}

async function retried<T>(
  call: (attempt: number) => Promise<T>,
  options: Parameters<typeof withRetry>[1] & object,
): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  try {
    return await pRetry(call, {
      retries: Math.max(0, policy.attempts - 1),
      minTimeout: policy.minDelayMs,
      maxTimeout: policy.maxDelayMs,
      factor: policy.factor,
      randomize: true,
      signal: options.signal,
      shouldRetry: ({ error }) =>
        error instanceof MediaGenError &&
        error.retryable &&
        (error.retryAfterMs ?? 0) <= policy.maxRetryAfterMs &&
        !(options.createsJob && mayHaveCreated(error)),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (!(error instanceof MediaGenError) || !error.retryable || retriesLeft === 0) return;
        options.onRetry?.(error, attemptNumber);
        // p-retry adds its own backoff after this; waiting out retry-after first honours the
        // provider's instruction without ever retrying sooner than it asked.
        if (error.retryAfterMs) await sleep(error.retryAfterMs, options.signal);
      },
    });
  } catch (error) {
    if (options.createsJob && error instanceof MediaGenError && mayHaveCreated(error))
      throw notResent(error);
    throw error;
  }
}

/** A create whose answer was lost: say it was not sent again, and that a billed job may exist. */
function notResent(error: MediaGenError): MediaGenError {
  if (error.jobMayExist) return error;
  return new MediaGenError(
    error.code,
    `${error.message} The request was not re-sent, to avoid a second charge: the provider may already have started (and billed) it.`,
    {
      provider: error.provider,
      model: error.model,
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      retryable: false,
      jobMayExist: true,
      cause: error.cause ?? error,
    },
  );
}

/** No HTTP answer came back (timeout, dropped connection): the provider may have done the work. */
function mayHaveCreated(error: MediaGenError): boolean {
  return error.code === "TIMEOUT" || error.status === undefined;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
