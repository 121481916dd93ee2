// A timeout on every provider call, per kind of call: a create may legitimately take minutes (a
// high-quality GPT Image), a status poll should answer in seconds, and a download is bounded by how
// long it goes without a byte (an idle timeout), not by its total length.
import { MediaGenError } from "./errors";
import type { MediaType, ProviderId } from "./types";

export interface ProviderTimeouts {
  /** One create request (the call that starts a billed job), by media type. */
  createMs: Record<MediaType, number>;
  /** One status request of a long-running job. */
  statusMs: number;
  /** A download: the longest wait for headers or for the next bytes of the body. */
  downloadIdleMs: number;
}

export type ProviderTimeoutSettings = Partial<
  Omit<ProviderTimeouts, "createMs"> & { createMs: Partial<Record<MediaType, number>> }
>;

export const DEFAULT_PROVIDER_TIMEOUTS: ProviderTimeouts = {
  createMs: { image: 5 * 60_000, video: 60_000 },
  statusMs: 30_000,
  downloadIdleMs: 60_000,
};

export function resolveTimeouts(settings: ProviderTimeoutSettings | undefined): ProviderTimeouts {
  return {
    createMs: { ...DEFAULT_PROVIDER_TIMEOUTS.createMs, ...settings?.createMs },
    statusMs: settings?.statusMs ?? DEFAULT_PROVIDER_TIMEOUTS.statusMs,
    downloadIdleMs: settings?.downloadIdleMs ?? DEFAULT_PROVIDER_TIMEOUTS.downloadIdleMs,
  };
}

export type CallKind = "create" | "status" | "download";

/** What a TIMEOUT names: a kind of media call, a caption request, or the model list (start-up check). */
export type TimeoutKind = CallKind | "caption" | "models";

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The TIMEOUT a call that got no answer ends with (a create's "not re-sent" is added by withRetry). */
export function timeoutError(
  kind: TimeoutKind,
  ms: number,
  context: { provider: ProviderId; model: string },
): MediaGenError {
  const what =
    kind === "create"
      ? `did not answer the create request within ${seconds(ms)}.`
      : kind === "status"
        ? `did not answer a status request within ${seconds(ms)}.`
        : kind === "caption"
          ? `did not answer the caption request within ${seconds(ms)}.`
          : kind === "models"
            ? `did not answer the model list request within ${seconds(ms)}.`
            : `sent no bytes of the download for ${seconds(ms)}.`;
  const label = context.provider === "openai" ? "OpenAI" : "Google";
  return new MediaGenError("TIMEOUT", `${label} ${what}`, context);
}

/** An AbortSignal for one attempt: the caller's, plus a timer that fires `onTimeout`'s error. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** The timeout error once the timer fired, else undefined. */
  timedOut(): MediaGenError | undefined;
  /** Restarts the timer (idle timeouts: called on every chunk). */
  touch(): void;
  clear(): void;
  /** Aborts the attempt now (a stream consumer cancelled). */
  abort(reason?: unknown): void;
}

export function attemptSignal(
  parent: AbortSignal | undefined,
  ms: number,
  onTimeout: () => MediaGenError,
): AttemptSignal {
  const controller = new AbortController();
  let fired: MediaGenError | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      fired = onTimeout();
      controller.abort(fired);
    }, ms);
  };
  const onParentAbort = () => {
    if (timer) clearTimeout(timer);
    controller.abort(parent?.reason);
  };
  if (parent?.aborted) controller.abort(parent.reason);
  else {
    parent?.addEventListener("abort", onParentAbort, { once: true });
    arm();
  }
  return {
    signal: controller.signal,
    timedOut: () => fired,
    touch: () => {
      if (!controller.signal.aborted) arm();
    },
    clear: () => {
      if (timer) clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
    abort: (reason) => {
      if (timer) clearTimeout(timer);
      controller.abort(reason);
    },
  };
}

/**
 * Settles with `signal`'s reason the moment it aborts, whatever `work` does meanwhile (its late
 * outcome is dropped). An abort can be lost on its way to the socket: @google/genai's Interactions
 * client sends `new Request(url, { signal })`, and undici's Request follows that signal through a
 * weak reference only, so after a garbage collection the request never hears the abort and waits
 * for undici's own 300 s headers timeout (forever under an in-process mock). Timeouts and
 * deadlines must not depend on that, or a hung call outlasts them with its job left 'running'.
 */
export function settleOnAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Runs one attempt of a request under a timeout; the timeout surfaces as its TIMEOUT error. */
export async function withTimeout<T>(
  run: (signal: AbortSignal) => Promise<T>,
  options: { signal?: AbortSignal | undefined; ms: number; onTimeout: () => MediaGenError },
): Promise<T> {
  const attempt = attemptSignal(options.signal, options.ms, options.onTimeout);
  try {
    return await settleOnAbort(run(attempt.signal), attempt.signal);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw attempt.timedOut() ?? error;
  } finally {
    attempt.clear();
  }
}

/**
 * Wraps a download's body so that (a) it errors with a retryable TIMEOUT when no bytes come for the
 * idle timeout (and aborts the request), and (b) a connection lost mid-body errors it with a
 * retryable PROVIDER_UNAVAILABLE, so whoever reads it can download again. The caller's abort
 * passes through as is.
 */
export function guardDownload(
  body: ReadableStream<Uint8Array>,
  attempt: AttemptSignal,
  context: { provider: ProviderId; model: string; parent?: AbortSignal | undefined },
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const lost = (cause: unknown) =>
    new MediaGenError(
      "PROVIDER_UNAVAILABLE",
      `The connection to ${context.provider === "openai" ? "OpenAI" : "Google"} was lost during the download; download it again.`,
      { provider: context.provider, model: context.model, cause },
    );
  // Some transports (in-process mocks) do not error a body when its request is aborted.
  const aborted = new Promise<never>((_, reject) => {
    const signal = attempt.signal;
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  attempt.touch();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await Promise.race([reader.read(), aborted]);
        if (done) {
          attempt.clear();
          controller.close();
          return;
        }
        attempt.touch();
        controller.enqueue(value);
      } catch (error) {
        attempt.clear();
        reader.cancel().catch(() => {});
        if (context.parent?.aborted) controller.error(context.parent.reason);
        else controller.error(attempt.timedOut() ?? lost(error));
      }
    },
    async cancel(reason) {
      attempt.clear();
      attempt.abort(reason);
      await reader.cancel(reason).catch(() => {});
    },
  });
}
