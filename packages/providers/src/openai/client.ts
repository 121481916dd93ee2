// The one place the OpenAI SDK client is configured; the kit (openai/index.ts) builds it once and
// shares it between the media models and captions.
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
}
