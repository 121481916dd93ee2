import { isMediaGenError, MediaGenError } from "./errors";
import { sleep } from "./retry";
import { settleOnAbort } from "./timeouts";
import type { MediaModel, MediaOutput, MediaType, OperationStatus } from "./types";

export interface PollPolicy {
  /** First wait between status calls; grows by `factor` up to `maxIntervalMs`. */
  minIntervalMs: number;
  maxIntervalMs: number;
  factor: number;
  /** Overall limit for one generation, by media type. */
  timeoutMs: Record<MediaType, number>;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  minIntervalMs: 2_000,
  maxIntervalMs: 10_000,
  factor: 1.5,
  timeoutMs: { image: 2 * 60_000, video: 20 * 60_000 },
};

/**
 * Asks for an operation's status with growing pauses until it succeeds, fails, times out or is
 * aborted. `startedAt` lets a resumed job keep its original deadline.
 *
 * A live billed job is never abandoned over a transient problem: a status call that throws a
 * retryable error (after its own ≤ 3 attempts) is asked again after a pause (at least the
 * provider's retry-after), until the overall deadline. It throws on:
 * - a definitive failed status (the provider's error: the job is over);
 * - a non-retryable thrown error (PROVIDER_AUTH …): the job may still be alive; `jobMayExist`;
 * - the deadline, enforced during a call too (the request in flight is aborted): TIMEOUT with
 *   `jobMayExist`, saying the provider job may still finish and is not sent again;
 * - the caller's abort (its reason, untouched).
 * The first status call comes one interval after the call, never right after the create.
 */
export async function pollUntilDone(
  model: MediaModel,
  operationId: string,
  options: {
    policy?: Partial<PollPolicy> | undefined;
    signal?: AbortSignal | undefined;
    startedAt?: number | undefined;
    /** For log lines. */
    assetId?: string | undefined;
    onStatus?: ((status: OperationStatus) => void | Promise<void>) | undefined;
    /** Told about each transient status failure the loop rides out (for logs and metrics). */
    onTransientError?: ((error: MediaGenError) => void) | undefined;
  } = {},
): Promise<MediaOutput> {
  const policy = { ...DEFAULT_POLL_POLICY, ...options.policy };
  const timeoutMs = policy.timeoutMs[model.type];
  const deadline = (options.startedAt ?? Date.now()) + timeoutMs;
  const deadlineError = () =>
    new MediaGenError(
      "TIMEOUT",
      `${model.id} did not finish within ${Math.round(timeoutMs / 1000)} s. The provider job may still finish; it was not sent again and will be resumed, not re-created.`,
      { provider: model.provider, model: model.id, jobMayExist: true },
    );

  // One signal for the whole loop: the caller's abort, or the deadline (aborting the call in flight).
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) throw options.signal.reason;
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let expired = false;
  const timer = setTimeout(
    () => {
      expired = true;
      controller.abort(deadlineError());
    },
    Math.max(0, deadline - Date.now()),
  );
  const signal = controller.signal;
  const stop = (error: unknown): never => {
    if (options.signal?.aborted) throw options.signal.reason;
    if (expired) throw deadlineError();
    throw error;
  };

  try {
    let interval = policy.minIntervalMs;
    let wait = interval;
    for (;;) {
      await sleep(Math.min(wait, Math.max(0, deadline - Date.now())), signal).catch(stop);
      if (Date.now() >= deadline) stop(deadlineError());
      let status: OperationStatus;
      try {
        // Settled by the deadline even if the adapter's request never hears the abort.
        status = await settleOnAbort(
          model.status(operationId, { signal, assetId: options.assetId }),
          signal,
        );
      } catch (error) {
        if (signal.aborted) stop(error);
        if (!isMediaGenError(error) || !error.retryable) {
          // Nothing said the job is over (credentials revoked, quota …): it may still be running.
          if (isMediaGenError(error) && !error.jobMayExist) throw withJobAlive(error);
          throw error;
        }
        options.onTransientError?.(error);
        interval = Math.min(policy.maxIntervalMs, interval * policy.factor);
        wait = Math.max(interval, error.retryAfterMs ?? 0);
        continue;
      }
      await options.onStatus?.(status);
      if (status.state === "succeeded") return status.output;
      if (status.state === "failed") throw status.error;
      wait = interval;
      interval = Math.min(policy.maxIntervalMs, interval * policy.factor);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function withJobAlive(error: MediaGenError): MediaGenError {
  return new MediaGenError(error.code, error.message, {
    provider: error.provider,
    model: error.model,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    retryable: error.retryable,
    jobMayExist: true,
    cause: error.cause ?? error,
  });
}
