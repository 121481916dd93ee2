// What every vendor kit and the registry share about configuration: the API key (read lazily, so a
// rotated key is picked up without a restart) and the one way to say a provider has none.
import { MediaGenError } from "./errors";
import type { ProviderId, ProviderSettings } from "./types";

/** Names as the setup instructions say them ("Google Gemini", beside GEMINI_API_KEY). */
const SETUP_LABELS: Record<ProviderId, string> = {
  openai: "OpenAI",
  google: "Google Gemini",
};

/** The environment variable that holds each provider's key (named in "not configured" messages). */
export const PROVIDER_KEY_VARIABLES: Record<ProviderId, string> = {
  openai: "OPENAI_API_KEY",
  google: "GEMINI_API_KEY",
};

/** The key as it is now, or undefined when none is set. */
export function readApiKey(settings: ProviderSettings | undefined): string | undefined {
  const key = typeof settings?.apiKey === "function" ? settings.apiKey() : settings?.apiKey;
  return key?.trim() || undefined;
}

/** "OpenAI is not configured — add OPENAI_API_KEY" (no full stop: callers add one in sentences). */
export function notConfiguredMessage(provider: ProviderId): string {
  return `${SETUP_LABELS[provider]} is not configured — add ${PROVIDER_KEY_VARIABLES[provider]}`;
}

/** The PROVIDER_AUTH error a request without a key stops with, before anything is sent. */
export function notConfiguredError(provider: ProviderId, model?: string): MediaGenError {
  return new MediaGenError("PROVIDER_AUTH", `${notConfiguredMessage(provider)}.`, {
    provider,
    ...(model === undefined ? {} : { model }),
  });
}
