// The one place the OpenAI SDK client is configured; the kit (openai/index.ts) builds it once and
// shares it between the media models and captions.
import { currentContext } from "@streamline/log";
import OpenAI from "openai";
import { readApiKey } from "../configuration";
import type { ProviderSettings } from "../types";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

export function createOpenAIClient(settings: ProviderSettings): OpenAI {
  return new OpenAI({
    // Read per request, so a rotated key is picked up without a restart.
    apiKey: async () => readApiKey(settings) ?? "",
    baseURL: settings.baseURL ?? OPENAI_DEFAULT_BASE_URL,
    // Looked up per call, so a fetch patched after start-up (proxies, msw) is honoured.
    // Each request carries the id of the HTTP call (or job) it serves, as X-Client-Request-Id.
    fetch: withClientRequestId(settings.fetch ?? ((input, init) => globalThis.fetch(input, init))),
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
}

/**
 * OpenAI takes a caller's own id for a request in `X-Client-Request-Id` (ASCII, at most 512
 * characters) and finds the request by it, even one that timed out before it answered. We send the
 * request id of the work in progress — the tRPC call, carried into the job it enqueued — so a
 * line in our logs and a request at OpenAI share an id. Outside any call or job nothing is added.
 */
export const CLIENT_REQUEST_ID_HEADER = "X-Client-Request-Id";

function withClientRequestId(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const requestId = currentContext()?.requestId;
    if (!requestId) return fetch(input, init);
    const headers = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    if (!headers.has(CLIENT_REQUEST_ID_HEADER)) headers.set(CLIENT_REQUEST_ID_HEADER, requestId);
    return fetch(input, { ...init, headers });
  };
}
