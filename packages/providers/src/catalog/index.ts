// The model catalog: the single source of truth for which models exist, what they accept, what they
// cost and where they are in their lifecycle. Validation, the worker and the UI all read it.
import type { MediaType, ModelOptionValues, ProviderId } from "../types";
import { googleModels } from "./google";
import { openaiModels } from "./openai";
import type { ModelSpec } from "./types";

export {
  type FormatMapping,
  SOCIAL_FORMATS,
  type SocialFormat,
  socialFormatsFor,
} from "./social-formats";
export type {
  LifecycleStage,
  ModelApi,
  ModelLifecycle,
  ModelOptionSpec,
  ModelPricing,
  ModelSpec,
} from "./types";

export const MODEL_CATALOG: readonly ModelSpec[] = [...openaiModels, ...googleModels];

export function findModelSpec(id: string): ModelSpec | undefined {
  return MODEL_CATALOG.find((m) => m.id === id);
}

/** Default model per provider and media type, when the environment does not override it. */
export const DEFAULT_MODELS: Readonly<Record<ProviderId, Partial<Record<MediaType, string>>>> = {
  openai: { image: "gpt-image-2", video: "sora-2" },
  google: { image: "gemini-3.1-flash-image", video: "gemini-omni-1.1-flash" },
};

export const PROVIDER_LABELS: Readonly<Record<ProviderId, string>> = {
  openai: "OpenAI",
  google: "Google",
};

export type ModelAvailability =
  | { available: true }
  | { available: false; reason: "retired"; replacement?: string | undefined; message: string }
  | { available: false; reason: "access"; message: string }
  | { available: false; reason: "unknown"; message: string };

export interface AvailabilityOptions {
  /** Operator re-enabled these (MEDIA_ENABLE_MODELS): retired, shut down or gated ones included. */
  enabled?: Iterable<string> | undefined;
  /** Operator turned these off (MEDIA_DISABLE_MODELS); wins over `enabled`. */
  disabled?: Iterable<string> | undefined;
  /** The clock shutdown dates are compared with (UTC date); defaults to now. */
  now?: Date | undefined;
}

/** Today's UTC date as YYYY-MM-DD, the form `shutdownOn` is written in. */
export function utcDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Whether a model may be chosen. Retired models, and models whose `shutdownOn` has come (by the
 * clock, on the day), stay listed (old assets still make sense) but are refused; so are models
 * gated off our access path and any the operator disabled. The operator can re-enable any of them
 * (a gateway that still serves it). A bare set is read as `enabled`, as before.
 */
export function modelAvailability(
  id: string,
  options: ReadonlySet<string> | AvailabilityOptions = {},
): ModelAvailability {
  const { enabled, disabled, now } =
    options instanceof Set
      ? { enabled: options, disabled: undefined, now: undefined }
      : (options as AvailabilityOptions);
  const spec = findModelSpec(id);
  if (!spec) return { available: false, reason: "unknown", message: `Unknown model "${id}".` };
  const { replacement, shutdownOn } = spec.lifecycle;
  const instead = replacement ? ` Use ${replacement} instead.` : "";
  if (disabled && new Set(disabled).has(id)) {
    return {
      available: false,
      reason: "retired",
      replacement,
      message: `${spec.label} (${id}) is turned off on this server (MEDIA_DISABLE_MODELS).${instead}`,
    };
  }
  if (enabled && new Set(enabled).has(id)) return { available: true };
  const shutDown =
    spec.lifecycle.stage === "retired" || (shutdownOn !== undefined && shutdownOn <= utcDate(now));
  if (shutDown) {
    const when = shutdownOn ? ` on ${shutdownOn}` : "";
    return {
      available: false,
      reason: "retired",
      replacement,
      message: `${spec.label} (${id}) was shut down by ${PROVIDER_LABELS[spec.provider]}${when}.${instead}`,
    };
  }
  if (spec.gated) return { available: false, reason: "access", message: spec.gated };
  return { available: true };
}

/** The options a generation will use: the catalog defaults overlaid with what the user chose. */
export function resolveOptions(spec: ModelSpec, chosen: ModelOptionValues = {}): ModelOptionValues {
  const resolved: ModelOptionValues = {};
  for (const [name, option] of Object.entries(spec.options)) {
    resolved[name] = chosen[name] ?? option.default;
  }
  return resolved;
}

/** Which chosen options the model does not accept, as `{ option: message }` (empty when valid). */
export function invalidOptions(spec: ModelSpec, chosen: ModelOptionValues): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const [name, value] of Object.entries(chosen)) {
    const option = spec.options[name];
    if (!option) problems[name] = `${spec.label} has no option "${name}".`;
    else if (!option.values.includes(value))
      problems[name] =
        `${option.label} must be one of ${option.values.join(", ")} for ${spec.label}.`;
  }
  return problems;
}

/** Estimated cost in US dollars of one generation with these (resolved) options. */
export function estimateCostUsd(spec: ModelSpec, options: ModelOptionValues): number {
  if (spec.pricing.unit === "image") return spec.pricing.usd;
  const seconds = Number(options.seconds ?? options.durationSeconds ?? spec.typicalSeconds);
  return Math.round(spec.pricing.usd * seconds * 10_000) / 10_000;
}
