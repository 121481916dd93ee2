import type { MediaModel } from "../trpc";

const PROVIDER_NAMES: Record<string, string> = { openai: "OpenAI", google: "Google" };
export const providerName = (provider: string) => PROVIDER_NAMES[provider] ?? provider;

const PHASES: Record<string, string> = {
  queued: "Queued",
  submitting: "Sending to the provider",
  generating: "Generating",
  storing: "Saving the result",
  done: "Done",
};
export const phaseText = (phase: string) => PHASES[phase] ?? phase;

const STATUS: Record<string, string> = {
  queued: "Queued",
  running: "Generating",
  succeeded: "Ready",
  failed: "Failed",
  canceled: "Canceled",
};
export const statusText = (status: string) => STATUS[status] ?? status;

export function formatUsd(usd: number): string {
  const digits = usd > 0 && usd < 0.1 ? 3 : 2;
  return `$${usd.toFixed(digits)}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
export const formatDate = (date: Date) => dateFormat.format(date);

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
}

/** Ends a server message with a full stop, so two can be joined into one sentence pair. */
export const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

export type OptionValues = Record<string, string | number>;

/** The options a generation will use: the user's choices where the model allows them, else defaults. */
export function resolveOptions(model: MediaModel, chosen: OptionValues): OptionValues {
  const resolved: OptionValues = {};
  for (const [name, option] of Object.entries(model.options)) {
    const value = chosen[name];
    resolved[name] = value !== undefined && option.values.includes(value) ? value : option.default;
  }
  return resolved;
}

/**
 * The estimate the server would make for these options (packages/providers estimateCostUsd): a
 * flat price per image, or the per-second price times the chosen duration for video.
 */
export function estimateCostUsd(model: MediaModel, options: OptionValues): number {
  if (model.pricing.unit === "image") return model.pricing.usd;
  const seconds = Number(options.seconds ?? options.durationSeconds ?? model.typicalSeconds);
  return Math.round(model.pricing.usd * seconds * 10_000) / 10_000;
}

/** With options: the estimate for them; without: the server's estimate at the model's defaults. */
export function costLabel(model: MediaModel, options?: OptionValues): string {
  const usd = options ? estimateCostUsd(model, options) : model.estimatedCostUsd;
  if (model.pricing.unit === "image") return `~${formatUsd(usd)} per image`;
  return `~${formatUsd(usd)} (${formatUsd(model.pricing.usd)}/s)`;
}
