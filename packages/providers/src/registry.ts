import { logger } from "@streamline/log";
import type { ModelAvailability, ModelSpec } from "./catalog";
import { findModelSpec, modelAvailability } from "./catalog";
import {
  type CaptionAvailability,
  type CaptionModelSpec,
  captionAvailability,
  findCaptionModel,
} from "./catalog/captions";
import { notConfiguredError, notConfiguredMessage } from "./configuration";
import { MediaGenError } from "./errors";
import { createGoogle, type GoogleProvider, type GoogleProviderSettings } from "./google";
import { createOpenAI, type OpenAIProvider } from "./openai";
import type { MediaModel, ProviderId, ProviderSettings } from "./types";

export interface MediaProvidersConfig {
  /** The OpenAI kit (shared with captions), or the settings to build one from. */
  openai?: ProviderSettings | OpenAIProvider | undefined;
  /** The Google kit (shared with captions), or the settings to build one from. */
  google?: GoogleProviderSettings | GoogleProvider | undefined;
  /** Model ids the operator re-enabled (MEDIA_ENABLE_MODELS): retired, shut down or gated ones. */
  enabledModels?: Iterable<string> | undefined;
  /** Model ids the operator turned off (MEDIA_DISABLE_MODELS); wins over enabledModels. */
  disabledModels?: Iterable<string> | undefined;
  /** The clock shutdown dates are compared with; tests inject one. */
  now?: (() => Date) | undefined;
}

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
  /** The same for a caption model: catalog lifecycle, shutdown date (clock), enabled/disabled. */
  captionAvailability(id: string): CaptionAvailability;
  /**
   * The caption model behind a catalog id and the kit that runs it. Throws before any provider
   * request: MODEL_UNAVAILABLE for an unknown, retired or turned-off id, PROVIDER_AUTH when its
   * provider has no key.
   */
  getCaptionModel(id: string): { spec: CaptionModelSpec; kit: OpenAIProvider | GoogleProvider };
  /** Where a provider's failure lines go: its kit's logger, else the other kit's, else the process logger. */
  logger(provider: ProviderId): (line: string) => void;
}

/** The kit passed in, or one built from its settings (the server builds each kit once). */
export function openAIKit(given: ProviderSettings | OpenAIProvider): OpenAIProvider {
  return isKit(given) ? given : createOpenAI(given);
}

export function googleKit(given: GoogleProviderSettings | GoogleProvider): GoogleProvider {
  return isKit(given) ? given : createGoogle(given);
}

/** A kit whose provider has a key now: media models are only handed out for those. */
const withKey = <K extends OpenAIProvider | GoogleProvider>(kit: K | undefined) =>
  kit?.hasKey() ? kit : undefined;

function isKit<K extends OpenAIProvider | GoogleProvider>(given: object | K): given is K {
  return "hasKey" in given && typeof given.hasKey === "function";
}

export function createMediaProviders(config: MediaProvidersConfig): MediaProviders {
  const enabledModels = new Set(config.enabledModels ?? []);
  const disabledModels = new Set(config.disabledModels ?? []);
  const lifecycle = () => ({
    enabled: enabledModels,
    disabled: disabledModels,
    now: config.now?.() ?? new Date(),
  });
  const availability = (id: string) => modelAvailability(id, lifecycle());
  const kits = {
    openai: config.openai && openAIKit(config.openai),
    google: config.google && googleKit(config.google),
  };
  const factories: Record<ProviderId, OpenAIProvider | GoogleProvider | undefined> = {
    openai: withKey(kits.openai),
    google: withKey(kits.google),
  };
  const cache = new Map<string, MediaModel>();

  const unconfiguredReason = (provider: ProviderId) =>
    factories[provider] ? undefined : notConfiguredMessage(provider);

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
      if (!factory) throw notConfiguredError(spec.provider, id);
      let model = cache.get(id);
      if (!model) {
        model = factory.model(spec);
        cache.set(id, model);
      }
      return model;
    },
    captionAvailability: (id) => captionAvailability(id, lifecycle()),
    getCaptionModel(id) {
      const spec = findCaptionModel(id);
      const verdict = captionAvailability(id, lifecycle());
      if (!spec || !verdict.available) {
        const message = verdict.available ? `Unknown caption model "${id}".` : verdict.message;
        throw new MediaGenError("MODEL_UNAVAILABLE", message, {
          provider: spec?.provider,
          model: id,
          retryable: false,
        });
      }
      const kit = factories[spec.provider];
      if (!kit) throw notConfiguredError(spec.provider, id);
      return { spec, kit };
    },
    logger(provider) {
      const other = provider === "openai" ? kits.google : kits.openai;
      const own = kits[provider];
      return (own ? own.logger : other?.logger) ?? ((line: string) => logger.error(line));
    },
  };
}
