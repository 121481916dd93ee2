import type { ModelAvailability, ModelSpec } from "./catalog";
import { findModelSpec, modelAvailability } from "./catalog";
import { MediaGenError } from "./errors";
import { createGoogle, type GoogleProviderSettings } from "./google";
import { createOpenAI } from "./openai";
import type { MediaModel, ProviderId, ProviderSettings } from "./types";

export interface MediaProvidersConfig {
  openai?: ProviderSettings | undefined;
  google?: GoogleProviderSettings | undefined;
  /** Model ids the operator re-enabled (MEDIA_ENABLE_MODELS): retired, shut down or gated ones. */
  enabledModels?: Iterable<string> | undefined;
  /** Model ids the operator turned off (MEDIA_DISABLE_MODELS); wins over enabledModels. */
  disabledModels?: Iterable<string> | undefined;
  /** The clock shutdown dates are compared with; tests inject one. */
  now?: (() => Date) | undefined;
}

const PROVIDER_NAMES: Record<ProviderId, { label: string; keyVariable: string }> = {
  openai: { label: "OpenAI", keyVariable: "OPENAI_API_KEY" },
  google: { label: "Google Gemini", keyVariable: "GEMINI_API_KEY" },
};

export interface MediaProviders {
  /** Whether the provider has an API key. */
  isConfigured(provider: ProviderId): boolean;
  /** Why a provider cannot be used ("OpenAI is not configured — add OPENAI_API_KEY"), or undefined. */
  unconfiguredReason(provider: ProviderId): string | undefined;
  readonly enabledModels: ReadonlySet<string>;
  readonly disabledModels: ReadonlySet<string>;
  /** Whether a model may be chosen now: catalog lifecycle, shutdown date (clock), gating, config. */
  availability(id: string): ModelAvailability;
  /**
   * The model behind a catalog id, ready to call. Throws before any provider request:
   * MODEL_UNAVAILABLE for an unknown or retired id (naming the replacement), PROVIDER_AUTH when
   * its provider has no key.
   */
  getModel(id: string): MediaModel;
}

function keyOf(settings: ProviderSettings | undefined): string | undefined {
  const key = typeof settings?.apiKey === "function" ? settings.apiKey() : settings?.apiKey;
  return key?.trim() || undefined;
}

export function createMediaProviders(config: MediaProvidersConfig): MediaProviders {
  const enabledModels = new Set(config.enabledModels ?? []);
  const disabledModels = new Set(config.disabledModels ?? []);
  const availability = (id: string) =>
    modelAvailability(id, {
      enabled: enabledModels,
      disabled: disabledModels,
      now: config.now?.() ?? new Date(),
    });
  const openai = config.openai && keyOf(config.openai) ? createOpenAI(config.openai) : undefined;
  const google = config.google && keyOf(config.google) ? createGoogle(config.google) : undefined;
  const factories: Record<ProviderId, { model(spec: ModelSpec): MediaModel } | undefined> = {
    openai,
    google,
  };
  const cache = new Map<string, MediaModel>();

  const unconfiguredReason = (provider: ProviderId) => {
    if (factories[provider]) return undefined;
    const { label, keyVariable } = PROVIDER_NAMES[provider];
    return `${label} is not configured — add ${keyVariable}`;
  };

  return {
    enabledModels,
    disabledModels,
    availability,
    isConfigured: (provider) => factories[provider] !== undefined,
    unconfiguredReason,
    getModel(id) {
      const verdict = availability(id);
      if (!verdict.available) {
        throw new MediaGenError("MODEL_UNAVAILABLE", verdict.message, {
          model: id,
          provider: findModelSpec(id)?.provider,
        });
      }
      const spec = findModelSpec(id) as ModelSpec;
      const factory = factories[spec.provider];
      if (!factory) {
        throw new MediaGenError("PROVIDER_AUTH", `${unconfiguredReason(spec.provider)}.`, {
          provider: spec.provider,
          model: id,
        });
      }
      let model = cache.get(id);
      if (!model) {
        model = factory.model(spec);
        cache.set(id, model);
      }
      return model;
    },
  };
}
