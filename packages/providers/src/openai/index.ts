// OpenAI media models on the official `openai` SDK: GPT Image (images.generate / images.edit) and
// Sora 2 (the Videos API, served today only by gateways that kept /v1/videos). The SDK does the HTTP;
// this layer owns retries (exactly `settings.retry.attempts`, default 3), error mapping and logging.
import { logger } from "@streamline/log";
import type OpenAI from "openai";
import { openaiCaptionBackend } from "../captions/openai";
import type { ModelSpec } from "../catalog";
import { notConfiguredError, readApiKey } from "../configuration";
import { formatFailureLine, formatTransientLine, MediaGenError } from "../errors";
import { withRetry } from "../retry";
import {
  attemptSignal,
  type CallKind,
  guardDownload,
  type ProviderTimeouts,
  resolveTimeouts,
  type TimeoutKind,
  timeoutError,
  withTimeout,
} from "../timeouts";
import type { MediaType, ProviderKit, ProviderSettings } from "../types";
import { createOpenAIClient } from "./client";
import { type FailureContext, toMediaGenError } from "./errors";
import { createImageModel } from "./images";
import { listOpenAIModels, type OpenAIListedModel } from "./models";
import { createVideoModel } from "./videos";

export { OPENAI_DEFAULT_BASE_URL } from "./client";
export type { OpenAIListedModel } from "./models";

/** What the image and video models share: one SDK client and one way to call it. */
export interface OpenAIRuntime {
  client: OpenAI;
  readonly timeouts: ProviderTimeouts;
  /** Where failure lines go (settings.logger, else the process logger at level error). */
  readonly log: (line: string) => void;
  /**
   * Runs one SDK call with retries, a timeout per attempt (by `kind`, and `type` for a create) and
   * error mapping. A final failure is logged once and thrown as MediaGenError; an abort by the
   * caller is rethrown untouched and not logged.
   */
  call<T>(
    request: (signal: AbortSignal) => Promise<T>,
    options: CallOptions & { kind: "create" | "status"; type: MediaType },
  ): Promise<T>;
  /**
   * The same wrapper (key check, retries, a timeout of `ms` per attempt, error mapping) without
   * the log line: for captions, whose captioner logs every failure once itself.
   */
  send<T>(
    request: (signal: AbortSignal) => Promise<T>,
    options: CallOptions & { kind: TimeoutKind; ms: number },
  ): Promise<T>;
  /**
   * A download: retried until the body starts, then guarded by the idle timeout (see
   * guardDownload). `body` is null when the answer had none.
   */
  download(
    request: (signal: AbortSignal) => Promise<Response>,
    options: CallOptions,
  ): Promise<{ response: Response; body: ReadableStream<Uint8Array> | null }>;
  /** Local work around a call (reading or fitting images): failures are mapped and logged, never retried. */
  prepare<T>(
    work: () => Promise<T>,
    options: FailureContext & { assetId?: string | undefined },
  ): Promise<T>;
  /** Logs a failure the provider reported without throwing (a failed video job). */
  logFailure(error: MediaGenError, assetId?: string | undefined): void;
}

type CallOptions = FailureContext & {
  signal?: AbortSignal | undefined;
  assetId?: string | undefined;
};

/**
 * The OpenAI vendor kit: GPT Image (images.generate / edit), Sora (the Videos API), captions
 * (Responses API), and the model list (GET /models) the start-up catalog check reads.
 */
export type OpenAIProvider = ProviderKit<"openai"> & {
  /**
   * Every model the key may use, with OpenAI's `shutdown_date`. Throws a MediaGenError (nothing is
   * logged): PROVIDER_AUTH before any request when no key is set, else what the call failed with.
   */
  listModels(options?: { signal?: AbortSignal | undefined }): Promise<OpenAIListedModel[]>;
};

export function createOpenAI(settings: ProviderSettings): OpenAIProvider {
  const client = createOpenAIClient(settings);
  const runtime = createOpenAIRuntime(settings, client);
  const image = (spec: ModelSpec) => createImageModel(ownSpec(spec, "image"), runtime);
  const video = (spec: ModelSpec) => createVideoModel(ownSpec(spec, "video"), runtime);
  return {
    provider: "openai",
    hasKey: () => readApiKey(settings) !== undefined,
    logger: settings.logger,
    image,
    video,
    model(spec) {
      if (ownSpec(spec).api === "openai-images") return image(spec);
      if (spec.api === "openai-videos") return video(spec);
      throw new MediaGenError(
        "MODEL_UNAVAILABLE",
        `OpenAI has no adapter for the ${spec.api} API.`,
        {
          model: spec.id,
          provider: "openai",
        },
      );
    },
    caption: ({ timeoutMs }) => openaiCaptionBackend({ runtime, timeoutMs }),
    listModels: (options) => listOpenAIModels(runtime, options),
  };
}

/** The kit's one client wrapped once: every media and caption call goes through it. */
function createOpenAIRuntime(settings: ProviderSettings, client: OpenAI): OpenAIRuntime {
  const log = settings.logger ?? ((line: string) => logger.error(line));
  const warn = settings.warn ?? ((line: string) => logger.warn(line));
  const logFailure: OpenAIRuntime["logFailure"] = (error, assetId) =>
    log(formatFailureLine(error, assetId));
  const timeouts = resolveTimeouts(settings.timeouts);
  const requireKey = (model: string) => {
    if (!readApiKey(settings)) throw notConfiguredError("openai", model);
  };
  /** Key check, retries and the final mapping around any kind of attempt; nothing is logged. */
  const retried = async <T>(
    attempt: () => Promise<T>,
    { signal, assetId: _assetId, ...context }: CallOptions,
    kind: string,
  ): Promise<T> => {
    try {
      requireKey(context.model);
      return await withRetry(attempt, {
        policy: settings.retry,
        signal,
        createsJob: context.createsJob,
        measure: { provider: "openai", model: context.model, kind },
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toMediaGenError(error, context);
    }
  };
  /**
   * The same, plus the one log line. A transient failure of a status check or download is only a
   * warning: the caller polls or downloads again.
   */
  const guarded = async <T>(
    attempt: () => Promise<T>,
    options: CallOptions,
    kind: CallKind = "create",
  ): Promise<T> => {
    try {
      return await retried(attempt, options, kind);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const failure = error as MediaGenError;
      if (kind !== "create" && failure.retryable)
        warn(formatTransientLine(failure, kind, options.assetId));
      else logFailure(failure, options.assetId);
      throw failure;
    }
  };
  /** One attempt under a timeout of `ms`; what the SDK throws is mapped. */
  const timed =
    <T>(
      request: (signal: AbortSignal) => Promise<T>,
      options: CallOptions,
      kind: TimeoutKind,
      ms: number,
    ) =>
    () =>
      withTimeout(
        async (signal) => {
          try {
            return await request(signal);
          } catch (error) {
            if (signal.aborted) throw signal.reason;
            throw toMediaGenError(error, options);
          }
        },
        { signal: options.signal, ms, onTimeout: timedOut(kind, ms, options.model) },
      );

  return {
    client,
    timeouts,
    log,
    logFailure,
    async prepare(work, { assetId, ...context }) {
      try {
        return await work();
      } catch (error) {
        const failure = toMediaGenError(error, context);
        logFailure(failure, assetId);
        throw failure;
      }
    },
    call(request, { kind, type, ...options }) {
      const ms = kind === "create" ? timeouts.createMs[type] : timeouts.statusMs;
      return guarded(timed(request, options, kind, ms), options, kind);
    },
    send(request, { kind, ms, ...options }) {
      return retried(timed(request, options, kind, ms), options, kind);
    },
    download(request, options) {
      return guarded(() => downloadAttempt(request, options, timeouts), options, "download");
    },
  };
}

const timedOut = (kind: TimeoutKind, ms: number, model: string) => () =>
  timeoutError(kind, ms, { provider: "openai", model });

/** One download attempt: the body is guarded by the idle timeout once it starts. */
async function downloadAttempt(
  request: (signal: AbortSignal) => Promise<Response>,
  options: CallOptions,
  timeouts: ProviderTimeouts,
): Promise<{ response: Response; body: ReadableStream<Uint8Array> | null }> {
  const ms = timeouts.downloadIdleMs;
  const attempt = attemptSignal(options.signal, ms, timedOut("download", ms, options.model));
  try {
    const response = await request(attempt.signal);
    if (!response.body) {
      attempt.clear();
      return { response, body: null };
    }
    const context = { provider: "openai" as const, model: options.model };
    const body = guardDownload(response.body as ReadableStream<Uint8Array>, attempt, {
      ...context,
      parent: options.signal,
    });
    return { response, body };
  } catch (error) {
    attempt.clear();
    if (options.signal?.aborted) throw options.signal.reason;
    throw attempt.timedOut() ?? toMediaGenError(error, options);
  }
}

/** The row itself, once it is known to be an OpenAI model (of `type`, when one is asked for). */
function ownSpec(spec: ModelSpec, type?: MediaType): ModelSpec {
  if (spec.provider !== "openai" || (type && spec.type !== type)) {
    throw new MediaGenError(
      "MODEL_UNAVAILABLE",
      `${spec.id} is not an OpenAI ${type ? `${type} ` : ""}model.`,
      { model: spec.id, provider: spec.provider },
    );
  }
  return spec;
}
