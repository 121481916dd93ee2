// What every Google model shares: the key (read lazily), one SDK client per key, the base URL and
// API version, retries around each request, error normalization and the one log line per failure.
import { GoogleGenAI } from "@google/genai";
import { logger } from "@streamline/log";
import { notConfiguredError, readApiKey } from "../configuration";
import { formatFailureLine, formatTransientLine, isJobVerdict, MediaGenError } from "../errors";
import { withRetry } from "../retry";
import {
  attemptSignal,
  guardDownload,
  type ProviderTimeouts,
  resolveTimeouts,
  settleOnAbort,
  timeoutError,
} from "../timeouts";
import type {
  MediaOutput,
  MediaStream,
  MediaType,
  OperationStatus,
  ProviderSettings,
} from "../types";
import { GoogleHttpError, isAbortError, toGoogleError } from "./errors";

export interface GoogleProviderSettings extends ProviderSettings {
  /**
   * API version path segment. The Gemini API reference's REST examples for image generation,
   * Interactions (Omni) and Veo all use `v1beta`; @google/genai 3.x would otherwise send `v1`.
   */
  apiVersion?: string | undefined;
}

export const GEMINI_API_BASE_URL = "https://generativelanguage.googleapis.com";
export const GEMINI_API_VERSION = "v1beta";

/** Keeps the last response the SDK saw, because its ApiError drops the headers (retry-after). */
export interface ResponseProbe {
  fetch: typeof globalThis.fetch;
  last?: Response | undefined;
  /** This attempt's signal: the caller's, plus the call's timeout. Pass it to the request. */
  signal: AbortSignal;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** Which timeout applies: a create (by media type) or a status call (default). */
  kind?: "create" | "status" | undefined;
  type?: MediaType | undefined;
  missing?: "model" | "operation" | undefined;
  /** A generation's start: see `createsJob` in retry.ts. */
  createsJob?: boolean | undefined;
  /** Bounds each attempt instead of the timeout `kind` picks (captions, which have their own). */
  timeoutMs?: number | undefined;
  /** The call kind metrics and spans name (default `kind`): caption, cancel. */
  measureAs?: string | undefined;
}

export interface GoogleConnection {
  /** Where log lines go (settings.logger, else the process logger at level error). */
  readonly log: (line: string) => void;
  readonly baseURL: string;
  readonly apiVersion: string;
  readonly timeouts: ProviderTimeouts;
  sdk(): GoogleGenAI;
  /** One provider request: up to `retry.attempts` tries, errors normalized to MediaGenError. */
  request<T>(
    model: string,
    send: (probe: ResponseProbe) => Promise<T>,
    options?: RequestOptions,
  ): Promise<T>;
  /** POSTs JSON to `{base}/{version}/{path}` with the key header; answers the parsed body. */
  postJson(
    path: string,
    body: unknown,
    probe: ResponseProbe,
    signal?: AbortSignal,
  ): Promise<unknown>;
  /** Streams a file the API handed out (video URI), with the key only for the API's own origin. */
  download(model: string, uri: string, signal?: AbortSignal): Promise<MediaStream>;
  /**
   * Logs a final failure once and returns what to throw (a cancellation passes through untouched).
   * With `ridesOut` (a status check or download the caller does again), a transient failure is
   * only a warning.
   */
  fail(
    error: unknown,
    context: {
      model: string;
      assetId?: string | undefined;
      signal?: AbortSignal | undefined;
      ridesOut?: "status" | "download" | undefined;
    },
  ): unknown;
  /** Logs a failure the provider reported (a failed job) without throwing it. */
  report(error: MediaGenError, assetId?: string): MediaGenError;
}

export function createGoogleConnection(settings: GoogleProviderSettings): GoogleConnection {
  const baseURL = (settings.baseURL ?? GEMINI_API_BASE_URL).replace(/\/+$/, "");
  const apiVersion = settings.apiVersion ?? GEMINI_API_VERSION;
  const baseFetch = settings.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const log = settings.logger ?? ((line: string) => logger.error(line));
  const warn = settings.warn ?? ((line: string) => logger.warn(line));
  const clients = new Map<string, GoogleGenAI>();

  const apiKey = (): string => {
    const key = readApiKey(settings);
    if (!key) throw notConfiguredError("google");
    return key;
  };
  const currentKey = () => {
    try {
      return apiKey();
    } catch {
      return undefined;
    }
  };

  const sdk = (): GoogleGenAI => {
    const key = apiKey();
    let client = clients.get(key);
    if (!client) {
      client = new GoogleGenAI({
        vertexai: false, // never let GOOGLE_GENAI_USE_VERTEXAI in the environment switch backends
        apiKey: key,
        apiVersion,
        // No retryOptions: the SDK then sends each request once and withRetry owns the count.
        httpOptions: { baseUrl: baseURL, ...(settings.fetch ? { fetch: settings.fetch } : {}) },
      });
      clients.set(key, client);
    }
    return client;
  };

  const timeouts = resolveTimeouts(settings.timeouts);
  const request: GoogleConnection["request"] = (model, send, options = {}) => {
    const kind = options.kind ?? "status";
    const ms =
      options.timeoutMs ??
      (kind === "create" ? timeouts.createMs[options.type ?? "video"] : timeouts.statusMs);
    return withRetry(
      async () => {
        const timer = attemptSignal(options.signal, ms, () =>
          timeoutError(kind, ms, { provider: "google", model }),
        );
        const attempt = probe(baseFetch, timer.signal);
        try {
          return await settleOnAbort(send(attempt), timer.signal);
        } catch (error) {
          if (options.signal?.aborted) throw options.signal.reason;
          const timedOut = timer.timedOut();
          if (timedOut) throw timedOut;
          if (isAbortError(error, options.signal)) throw options.signal?.reason ?? error;
          throw toGoogleError(error, {
            model,
            apiKey: currentKey(),
            headers: attempt.last?.headers,
            missing: options.missing,
          });
        } finally {
          timer.clear();
        }
      },
      {
        policy: settings.retry,
        signal: options.signal,
        createsJob: options.createsJob,
        measure: { provider: "google", model, kind: options.measureAs ?? kind },
      },
    );
  };

  const report = (error: MediaGenError, assetId?: string) => {
    log(formatFailureLine(error, assetId));
    return error;
  };

  return {
    log,
    baseURL,
    apiVersion,
    timeouts,
    sdk,
    request,
    report,
    async postJson(path, body, attempt, signal) {
      const response = await attempt.fetch(`${baseURL}/${apiVersion}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": apiKey() },
        body: JSON.stringify(body),
        signal,
      });
      const parsed = await readBody(response);
      if (!response.ok) throw new GoogleHttpError(response.status, response.headers, parsed);
      return parsed;
    },
    download: (model, uri, signal) =>
      downloadFile(
        { baseURL, apiVersion, baseFetch, apiKey, currentKey, timeouts, retry: settings.retry },
        model,
        uri,
        signal,
      ),
    fail(error, { model, assetId, signal, ridesOut }) {
      if (!(error instanceof MediaGenError) && isAbortError(error, signal)) return error;
      const failure = toGoogleError(error, { model, apiKey: currentKey() });
      if (ridesOut && failure.retryable && !isJobVerdict(failure)) {
        warn(formatTransientLine(failure, ridesOut, assetId));
        return failure;
      }
      return report(failure, assetId);
    },
  };
}

/** A fetch for one attempt that keeps the last response (the SDK's ApiError drops its headers). */
function probe(baseFetch: typeof globalThis.fetch, signal: AbortSignal): ResponseProbe {
  const state: ResponseProbe = {
    signal,
    fetch: async (input, init) => {
      const response = await baseFetch(input, init);
      state.last = response;
      return response;
    },
  };
  return state;
}

/** What a file download needs from its connection. */
interface DownloadContext {
  baseURL: string;
  apiVersion: string;
  baseFetch: typeof globalThis.fetch;
  apiKey(): string;
  currentKey(): string | undefined;
  timeouts: ProviderTimeouts;
  retry: ProviderSettings["retry"];
}

/** Streams a file the API handed out (video URI), with the key only for the API's own origin. */
async function downloadFile(
  c: DownloadContext,
  model: string,
  uri: string,
  signal: AbortSignal | undefined,
): Promise<MediaStream> {
  const { baseURL, apiVersion, baseFetch, apiKey, currentKey, timeouts } = c;
  const ms = timeouts.downloadIdleMs;
  const { response, body } = await withRetry(
    async () => {
      const timer = attemptSignal(signal, ms, () =>
        timeoutError("download", ms, { provider: "google", model }),
      );
      try {
        const url = downloadUrl(uri, baseURL, apiVersion);
        // Only the API's own origin gets the key; a redirect to storage is followed without it.
        const sameOrigin = url.origin === new URL(baseURL).origin;
        const headers: Record<string, string> = sameOrigin ? { "x-goog-api-key": apiKey() } : {};
        let answer = await baseFetch(url, {
          headers,
          redirect: "manual",
          signal: timer.signal,
        });
        const location = answer.headers.get("location");
        if (answer.status >= 300 && answer.status < 400 && location) {
          await answer.body?.cancel();
          answer = await baseFetch(new URL(location, url), { signal: timer.signal });
        }
        if (!answer.ok)
          throw new GoogleHttpError(answer.status, answer.headers, await readBody(answer));
        if (!answer.body)
          throw new MediaGenError("PROVIDER_ERROR", "Google sent an empty video file.");
        const guarded = guardDownload(answer.body, timer, {
          provider: "google",
          model,
          parent: signal,
        });
        return { response: answer, body: guarded };
      } catch (error) {
        timer.clear();
        if (signal?.aborted) throw signal.reason;
        const timedOut = timer.timedOut();
        if (timedOut) throw timedOut;
        throw toGoogleError(error, { model, apiKey: currentKey(), missing: "operation" });
      }
    },
    { policy: c.retry, signal, measure: { provider: "google", model, kind: "download" } },
  );
  const length = Number(response.headers.get("content-length"));
  return {
    body,
    mimeType: response.headers.get("content-type")?.split(";")[0] || "video/mp4",
    contentLength: Number.isFinite(length) && length > 0 ? length : undefined,
  };
}

/** The asset a status or download call serves, for log lines (when the caller passes it). */
export function assetIdOf(options: object | undefined): string | undefined {
  const assetId = (options as { assetId?: unknown } | undefined)?.assetId;
  return typeof assetId === "string" ? assetId : undefined;
}

/** Google hands out file URIs (`…/files/abc:download?alt=media`) or bare names (`files/abc`). */
export function downloadUrl(uri: string, baseURL: string, apiVersion: string): URL {
  const url = /^https?:\/\//i.test(uri)
    ? new URL(uri)
    : new URL(
        `${baseURL}/${apiVersion}/${uri.replace(/^\/+/, "")}${uri.includes(":download") ? "" : ":download"}`,
      );
  // Without alt=media the files endpoint answers the file's metadata, not its bytes.
  if (url.pathname.endsWith(":download") && !url.searchParams.has("alt"))
    url.searchParams.set("alt", "media");
  return url;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** Bytes already in hand (inline image or video data) as the stream fetchResult promises. */
export function streamOf(data: Uint8Array, mimeType: string): MediaStream {
  return {
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(data);
        controller.close();
      },
    }),
    mimeType,
    contentLength: data.byteLength,
  };
}

/** Streams a finished video (inline bytes, or the download URI with the key); no thumbnails exist. */
export async function fetchVideoResult(
  connection: GoogleConnection,
  model: string,
  output: MediaOutput,
  options?: {
    variant?: "media" | "thumbnail";
    signal?: AbortSignal | undefined;
    assetId?: string | undefined;
  },
): Promise<MediaStream | null> {
  if (options?.variant === "thumbnail") return null;
  try {
    if (output.data) return streamOf(output.data, output.mimeType);
    if (!output.locator)
      throw new MediaGenError("PROVIDER_ERROR", "This video has no download address.");
    return await connection.download(model, output.locator, options?.signal);
  } catch (error) {
    throw connection.fail(error, {
      model,
      assetId: assetIdOf(options),
      signal: options?.signal,
      ridesOut: "download",
    });
  }
}

/**
 * One status poll of a long-running job: fetch it (retried, with a lost job reported as such),
 * map it to an OperationStatus, and log a failed job once.
 */
export async function pollJobStatus<T>(
  connection: GoogleConnection,
  model: string,
  options: { signal?: AbortSignal | undefined; assetId?: string | undefined } | undefined,
  send: (probe: ResponseProbe) => Promise<T>,
  toStatus: (job: T) => OperationStatus,
): Promise<OperationStatus> {
  let job: T;
  try {
    job = await connection.request(model, send, {
      signal: options?.signal,
      missing: "operation",
      kind: "status",
    });
  } catch (error) {
    const failure = connection.fail(error, {
      model,
      assetId: assetIdOf(options),
      signal: options?.signal,
      ridesOut: "status",
    });
    // The provider's verdict on the job (unknown / expired id) is a failed job, not an outage.
    if (failure instanceof MediaGenError && isJobVerdict(failure))
      return { state: "failed", error: failure };
    throw failure;
  }
  const status = toStatus(job);
  if (status.state === "failed") connection.report(status.error, assetIdOf(options));
  return status;
}
