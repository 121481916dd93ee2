import type { CaptionBackend } from "./captions/backend";
import type { ModelSpec } from "./catalog/types";
// The one interface every media model implements. It is split into start → status → fetchResult so
// that a job survives a crash: `start` returns a serializable operation id that the caller persists
// before anything else, and any process can later ask for its status and fetch its result.

export type ProviderId = "openai" | "google";

/**
 * A vendor kit (createOpenAI, createGoogle): one SDK client and one call wrapper behind every
 * model it hands out. `image` / `video` refuse a catalog row of the other media type or vendor.
 */
export interface ProviderKit<P extends ProviderId> {
  readonly provider: P;
  /** Whether a key is set now (the registry asks once, at start-up). */
  hasKey(): boolean;
  /** Where failure lines go (settings.logger); the process logger (level error) when unset. */
  readonly logger?: ((line: string) => void) | undefined;
  image(spec: ModelSpec): MediaModel;
  video(spec: ModelSpec): MediaModel;
  /** The model behind a catalog row, by the row's API shape. */
  model(spec: ModelSpec): MediaModel;
  /** Captions on the same client; `timeoutMs` bounds each request. */
  caption(options: { timeoutMs: number }): CaptionBackend;
}
export type MediaType = "image" | "video";

export type ImageMimeType = "image/png" | "image/jpeg" | "image/webp";

/** A reference photo whose real type and dimensions were already checked (see reference-image.ts). */
export interface ReferenceImage {
  data: Uint8Array;
  mimeType: ImageMimeType;
  width: number;
  height: number;
}

/** Option values a model accepts, keyed by option name (size, seconds, aspectRatio, quality …). */
export type ModelOptionValues = Record<string, string | number>;

export interface GenerationInput {
  prompt: string;
  /** Already validated against the model's catalog entry; missing options take the catalog default. */
  options: ModelOptionValues;
  referenceImage?: ReferenceImage | undefined;
  /** For log lines only. */
  assetId?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** Something the model produced. Synchronous APIs hand the bytes over at once; others a locator. */
export interface MediaOutput {
  mimeType: string;
  /** Bytes in hand (synchronous image APIs). Never stored in the database. */
  data?: Uint8Array | undefined;
  /** Provider-specific locator `fetchResult` understands: a download URI, a video id … */
  locator?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
  durationSeconds?: number | undefined;
  /** Whether the provider can also hand back a poster frame for this output. */
  hasThumbnail?: boolean | undefined;
}

export type OperationStatus =
  | {
      state: "queued" | "running";
      /** 0–100 when the provider reports it; undefined when it does not (callers estimate). */
      progress?: number | undefined;
    }
  | { state: "succeeded"; output: MediaOutput }
  | { state: "failed"; error: import("./errors").MediaGenError };

export interface StartedOperation {
  /** The provider's job / operation / interaction id: persist it before anything else. */
  operationId: string;
  /** Set when the provider answered synchronously (image APIs): no polling needed. */
  status?: OperationStatus | undefined;
}

export interface MediaStream {
  body: ReadableStream<Uint8Array>;
  mimeType: string;
  contentLength?: number | undefined;
}

export interface MediaModel {
  readonly id: string;
  readonly provider: ProviderId;
  readonly type: MediaType;
  start(input: GenerationInput): Promise<StartedOperation>;
  /**
   * One look at a job. Resolves `{ state: "failed", error }` for every definitive answer that the
   * job will never finish (the provider says failed / cancelled / filtered, or no longer knows the
   * job id). Throws only for problems that say nothing about the job: transient ones (429, 5xx,
   * connection lost, timeout: a retryable MediaGenError) and credentials (PROVIDER_AUTH).
   */
  status(
    operationId: string,
    options?: { signal?: AbortSignal | undefined; assetId?: string | undefined },
  ): Promise<OperationStatus>;
  /**
   * Streams an output's bytes (or its poster frame); null when that variant does not exist.
   * Transient failures before the body are retried (≤ 3 attempts); a download idle for
   * `timeouts.downloadIdleMs` or cut mid-body makes the returned stream error with a retryable
   * MediaGenError (TIMEOUT / PROVIDER_UNAVAILABLE): download again.
   */
  fetchResult(
    output: MediaOutput,
    options?: {
      variant?: "media" | "thumbnail";
      signal?: AbortSignal | undefined;
      assetId?: string | undefined;
    },
  ): Promise<MediaStream | null>;
  /**
   * Asks the provider to stop a running job — present only where the API documents a cancel
   * (Gemini Interactions: POST /interactions/{id}/cancel). OpenAI's videos API has no cancel (only
   * DELETE, which removes a video and is not documented to stop a render or its charge), Veo on the
   * Gemini API exposes no operations.cancel, and image calls end with their create. Throws a
   * MediaGenError when the provider refused or did not answer.
   */
  cancel?(operationId: string, options?: { signal?: AbortSignal | undefined }): Promise<void>;
}

/** What every provider factory takes. The API key is read lazily, when a request is made. */
export interface ProviderSettings {
  apiKey?: string | (() => string | undefined) | undefined;
  baseURL?: string | undefined;
  /** Injected fetch (tests, gateways, proxies). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Retry policy for each provider call (tests shorten the delays). */
  retry?: Partial<import("./retry").RetryPolicy> | undefined;
  /** Timeout of each provider call by kind (create per media type, status, download idle). */
  timeouts?: import("./timeouts").ProviderTimeoutSettings | undefined;
  /** Where log lines go; defaults to the process logger at level error (@streamline/log). */
  logger?: ((line: string) => void) | undefined;
  /**
   * Where warnings go — a status check or download that failed on all its attempts while the job
   * goes on (see formatTransientLine); defaults to the process logger at level warn.
   */
  warn?: ((line: string) => void) | undefined;
}
