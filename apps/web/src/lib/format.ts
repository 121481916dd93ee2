import type { MediaAsset, MediaModel } from "../trpc";

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

/** What anything costs in offline demo mode: nothing, and it is not counted against the cap. */
export const DEMO_PRICE = "$0 · demo";

/** With options: the estimate for them; without: the server's estimate at the model's defaults. */
export function costLabel(model: MediaModel, options?: OptionValues): string {
  const usd = options ? estimateCostUsd(model, options) : model.estimatedCostUsd;
  if (model.pricing.unit === "image") return `~${formatUsd(usd)} per image`;
  return `~${formatUsd(usd)} (${formatUsd(model.pricing.usd)}/s)`;
}

/** What an asset cost, in the card's words: a charge only when the provider billed one. */
export function chargeText(charge: MediaAsset["charge"]): string {
  const usd = charge.usd === null ? "" : formatUsd(charge.usd);
  switch (charge.state) {
    case "charged":
      return usd;
    case "estimate":
      return usd ? `est. ~${usd}` : "estimating";
    case "may_be_charged":
      return usd ? `may be charged ~${usd}` : "may be charged";
    case "not_charged":
      return "not charged";
    case "demo":
      return DEMO_PRICE;
  }
}

/** What a cancel of a running video did at its provider, in a few words for the card. */
export function providerCancelText(
  state: NonNullable<MediaAsset["providerCancel"]>,
  provider: string,
): string {
  switch (state) {
    case "stopped":
      return `Stopped at ${provider} too; work done before the stop may still be billed.`;
    case "unsupported":
      return `${provider} has no cancel: the render may finish there and be charged.`;
    case "failed":
      return `${provider} did not confirm the stop: the render may still be charged.`;
  }
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

type Delivered = Pick<MediaAsset, "type" | "width" | "height" | "durationSeconds" | "requested">;

/** "8 s · 1280×720 · 16:9" as delivered, plus what was asked for where it differs. */
export function deliveredText(asset: Delivered): string {
  const parts: string[] = [];
  if (asset.durationSeconds) parts.push(`${Number(asset.durationSeconds.toFixed(1))} s`);
  if (asset.width && asset.height) {
    const d = gcd(asset.width, asset.height);
    parts.push(`${asset.width}×${asset.height}`);
    if (asset.type === "video" && asset.width / d <= 32)
      parts.push(`${asset.width / d}:${asset.height / d}`);
  }
  const wanted = parts.length ? askedOtherwise(asset) : [];
  if (wanted.length) parts.push(`asked ${wanted.join(", ")}`);
  return parts.join(" · ");
}

/** What was asked for where the delivery differs: ["8 s", "1920×1080"]. */
function askedOtherwise(asset: Delivered): string[] {
  const asked = asset.requested;
  if (!asked) return [];
  const wanted: string[] = [];
  if (asked.durationSeconds && asked.durationSeconds !== Math.round(asset.durationSeconds ?? 0))
    wanted.push(`${asked.durationSeconds} s`);
  const otherSize = asked.width !== asset.width || asked.height !== asset.height;
  if (asked.width && asked.height && otherSize) wanted.push(`${asked.width}×${asked.height}`);
  return wanted;
}

/**
 * A server message about models in the studio's words: "GPT Image 1 (gpt-image-1) … Use
 * gpt-image-2.6-sunburst instead." reads "GPT Image 1 … Use GPT Image 2.6 Sunburst instead."
 */
export function modelText(
  message: string,
  models: readonly Pick<MediaModel, "id" | "label">[],
): string {
  let text = message;
  // Longest ids first, so "sora-2-pro" is not read as "sora-2" + "-pro".
  for (const m of [...models].sort((a, b) => b.id.length - a.id.length)) {
    text = text.split(`${m.label} (${m.id})`).join(m.label);
    text = text.replace(
      new RegExp(`(?<![\\w.-])${escapeRegExp(m.id)}(?![\\w-]|\\.\\d)`, "g"),
      m.label,
    );
  }
  return text;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
