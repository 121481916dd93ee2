import { MediaGenError } from "./errors";
import { sleep } from "./retry";
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
  } = {},
): Promise<MediaOutput> {
  const policy = { ...DEFAULT_POLL_POLICY, ...options.policy };
  const timeoutMs = policy.timeoutMs[model.type];
  const deadline = (options.startedAt ?? Date.now()) + timeoutMs;
  let interval = policy.minIntervalMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const status = await model.status(operationId, {
      signal: options.signal,
      assetId: options.assetId,
    });
    await options.onStatus?.(status);
    if (status.state === "succeeded") return status.output;
    if (status.state === "failed") throw status.error;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new MediaGenError(
        "TIMEOUT",
        `${model.id} did not finish within ${Math.round(timeoutMs / 1000)} s.`,
        { provider: model.provider, model: model.id },
      );
    }
    await sleep(Math.min(interval, remaining), options.signal);
    interval = Math.min(policy.maxIntervalMs, interval * policy.factor);
  }
}
