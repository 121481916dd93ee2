// OpenAI media models on the official `openai` SDK: GPT Image (images.generate / images.edit) and
// Sora 2 (the Videos API, served today only by gateways that kept /v1/videos). The SDK does the HTTP;
// this layer owns retries (exactly `settings.retry.attempts`, default 3), error mapping and logging.
import OpenAI from "openai";
import type { ModelSpec } from "../catalog";
import { formatFailureLine, MediaGenError } from "../errors";
import { withRetry } from "../retry";
import type { MediaModel, ProviderSettings } from "../types";
import { type FailureContext, toMediaGenError } from "./errors";
import { createImageModel } from "./images";
import { createVideoModel } from "./videos";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** What the image and video models share: one SDK client and one way to call it. */
export interface OpenAIRuntime {
  client: OpenAI;
  /**
   * Runs one SDK call with retries and error mapping. A final failure is logged once and thrown as
   * MediaGenError; an abort by the caller is rethrown untouched and not logged.
   */
  call<T>(
    request: (signal: AbortSignal | undefined) => Promise<T>,
    options: FailureContext & { signal?: AbortSignal | undefined; assetId?: string | undefined },
  ): Promise<T>;
  /** Local work around a call (reading or fitting images): failures are mapped and logged, never retried. */
  prepare<T>(
    work: () => Promise<T>,
    options: FailureContext & { assetId?: string | undefined },
  ): Promise<T>;
  /** Logs a failure the provider reported without throwing (a failed video job). */
  logFailure(error: MediaGenError, assetId?: string | undefined): void;
}

function readKey(settings: ProviderSettings): string | undefined {
  const key = typeof settings.apiKey === "function" ? settings.apiKey() : settings.apiKey;
  return key?.trim() || undefined;
}

export function createOpenAI(settings: ProviderSettings): { model(spec: ModelSpec): MediaModel } {
  const log = settings.logger ?? ((line: string) => console.error(line));
  const client = new OpenAI({
    // Read per request, so a rotated key is picked up without a restart.
    apiKey: async () => readKey(settings) ?? "",
    baseURL: settings.baseURL ?? OPENAI_DEFAULT_BASE_URL,
    // Looked up per call, so a fetch patched after start-up (proxies, msw) is honoured.
    fetch: settings.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    // withRetry is the only retry loop: the SDK's own (2 retries by default) would multiply attempts.
    maxRetries: 0,
    // Configuration comes from our env.ts, never from OPENAI_* variables the SDK would read itself.
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    // OPENAI_LOG=debug would make the SDK print request bodies, base64 images included.
    logLevel: "off",
  });

  const logFailure: OpenAIRuntime["logFailure"] = (error, assetId) =>
    log(formatFailureLine(error, assetId));

  const runtime: OpenAIRuntime = {
    client,
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
    async call(request, { signal, assetId, ...context }) {
      try {
        if (!readKey(settings)) {
          throw new MediaGenError(
            "PROVIDER_AUTH",
            "OpenAI is not configured — add OPENAI_API_KEY.",
            {
              provider: "openai",
              model: context.model,
            },
          );
        }
        return await withRetry(
          async () => {
            try {
              return await request(signal);
            } catch (error) {
              if (signal?.aborted) throw signal.reason;
              throw toMediaGenError(error, context);
            }
          },
          { policy: settings.retry, signal, createsJob: context.createsJob },
        );
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const failure = toMediaGenError(error, context);
        logFailure(failure, assetId);
        throw failure;
      }
    },
  };

  return {
    model(spec) {
      if (spec.provider !== "openai") {
        throw new MediaGenError("MODEL_UNAVAILABLE", `${spec.id} is not an OpenAI model.`, {
          model: spec.id,
          provider: spec.provider,
        });
      }
      if (spec.api === "openai-images") return createImageModel(spec, runtime);
      if (spec.api === "openai-videos") return createVideoModel(spec, runtime);
      throw new MediaGenError(
        "MODEL_UNAVAILABLE",
        `OpenAI has no adapter for the ${spec.api} API.`,
        {
          model: spec.id,
          provider: "openai",
        },
      );
    },
  };
}
