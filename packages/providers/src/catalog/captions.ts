// Caption models: vision-capable text models that write social captions from the media itself.
// Facts from shared/PROVIDERS.md "Caption models" (read 2026-12-01): developers.openai.com/api/docs/models
// and /api/docs/deprecations (notice 2026-10-14), ai.google.dev/gemini-api/docs/models (gemini-3.8-flash GA,
// replaced 3.7-flash on 2026-10-08). A price we could not read is `null`, never a guess.
import type { ProviderId } from "../types";
import type { LifecycleStage, ModelLifecycle } from "./types";

/** Which wire protocol a caption model speaks. */
export type CaptionModelApi = "openai-responses" | "gemini-generate-content";

export interface CaptionPricing {
  /** US dollars per million input tokens; null when no price was published where we read. */
  inputUsdPerMillion: number | null;
  outputUsdPerMillion: number | null;
  source: string;
}

export interface CaptionModelSpec {
  /** The id sent to the provider. */
  id: string;
  label: string;
  provider: ProviderId;
  api: CaptionModelApi;
  /** What the provider's models page says it is good at, for the model picker. */
  description?: string | undefined;
  lifecycle: ModelLifecycle;
  /** Whether the model takes a video itself (otherwise a video is sent as poster + frames). */
  videoInput: boolean;
  pricing: CaptionPricing;
}

const OPENAI_MODELS_PAGE = "developers.openai.com/api/docs/models (read 2026-11-25)";
const OPENAI_DEPRECATIONS = "developers.openai.com/api/docs/deprecations (notice 2026-10-14)";
const OPENAI_PRICING = "developers.openai.com/api/docs/models (per 1M tokens)";
const UNKNOWN_PRICE = (source: string): CaptionPricing => ({
  inputUsdPerMillion: null,
  outputUsdPerMillion: null,
  source: `${source}: no price given`,
});

function openai(
  id: string,
  label: string,
  extra: Partial<CaptionModelSpec> & Pick<CaptionModelSpec, "pricing">,
): CaptionModelSpec {
  return {
    id,
    label,
    provider: "openai",
    api: "openai-responses",
    lifecycle: { stage: "ga", source: OPENAI_MODELS_PAGE },
    // The Responses API takes input_text / input_image / input_file, no video (PROVIDERS.md).
    videoInput: false,
    ...extra,
  };
}

const gpt5Shutdown = (id: string, label: string) =>
  openai(id, label, {
    pricing: UNKNOWN_PRICE(OPENAI_DEPRECATIONS),
    lifecycle: { stage: "deprecated", shutdownOn: "2026-12-11", source: OPENAI_DEPRECATIONS },
  });

export const CAPTION_MODELS: readonly CaptionModelSpec[] = [
  openai("gpt-6.1-terra", "GPT-6.1 Terra", {
    description: "Visual reasoning, clear natural writing",
    pricing: { inputUsdPerMillion: 1, outputUsdPerMillion: 5, source: OPENAI_PRICING },
  }),
  openai("gpt-6-luna", "GPT-6 Luna", {
    description: "Low cost, for volume",
    pricing: { inputUsdPerMillion: 0.1, outputUsdPerMillion: 0.5, source: OPENAI_PRICING },
  }),
  openai("gpt-6.2-sol", "GPT-6.2 Sol", {
    description: "Balances capability and cost",
    pricing: UNKNOWN_PRICE(OPENAI_MODELS_PAGE),
  }),
  openai("gpt-6.2-astra", "GPT-6.2 Astra", {
    description: "OpenAI's most capable model",
    pricing: UNKNOWN_PRICE(OPENAI_MODELS_PAGE),
  }),
  ...["gpt-4o", "gpt-4o-mini"].map((id) =>
    openai(id, id === "gpt-4o" ? "GPT-4o" : "GPT-4o mini", {
      pricing: UNKNOWN_PRICE(OPENAI_DEPRECATIONS),
      lifecycle: {
        stage: "deprecated",
        shutdownOn: "2027-01-14",
        replacement: "gpt-6-luna",
        source: OPENAI_DEPRECATIONS,
      },
    }),
  ),
  gpt5Shutdown("gpt-5", "GPT-5"),
  gpt5Shutdown("gpt-5-mini", "GPT-5 mini"),
  gpt5Shutdown("gpt-5-nano", "GPT-5 nano"),
  {
    id: "gemini-3.8-flash",
    label: "Gemini 3.8 Flash",
    provider: "google",
    api: "gemini-generate-content",
    description: "Takes the video itself",
    lifecycle: {
      stage: "ga",
      source: "ai.google.dev/gemini-api/docs/models (GA; replaced gemini-3.7-flash on 2026-10-08)",
    },
    videoInput: true,
    pricing: UNKNOWN_PRICE("ai.google.dev/gemini-api/docs/models"),
  },
];

export const DEFAULT_CAPTION_MODELS: Readonly<Record<ProviderId, string>> = {
  openai: "gpt-6.1-terra",
  google: "gemini-3.8-flash",
};

export function findCaptionModel(id: string): CaptionModelSpec | undefined {
  return CAPTION_MODELS.find((m) => m.id === id);
}

export function defaultCaptionModel(provider: ProviderId): CaptionModelSpec {
  return findCaptionModel(DEFAULT_CAPTION_MODELS[provider]) as CaptionModelSpec;
}

/** The stage on `now`'s day: a model whose shutdown date has come is retired by itself. */
export function captionModelStage(spec: CaptionModelSpec, now: Date = new Date()): LifecycleStage {
  const { stage, shutdownOn } = spec.lifecycle;
  if (shutdownOn && now.toISOString().slice(0, 10) >= shutdownOn) return "retired";
  return stage;
}

export type CaptionAvailability =
  | { available: true; stage: LifecycleStage; warning?: string | undefined }
  | {
      available: false;
      reason: "unknown" | "retired" | "disabled";
      replacement?: string | undefined;
      message: string;
    };

/**
 * Whether a caption model may be used now. Retired models (by stage or by the clock) are refused
 * unless `enabled` re-enables them for a gateway that still serves them; `disabled` refuses any model
 * the operator turned off. A deprecated model still works, with a warning naming its shutdown date.
 */
export function captionAvailability(
  id: string,
  options: {
    now?: Date | undefined;
    enabled?: ReadonlySet<string> | undefined;
    disabled?: ReadonlySet<string> | undefined;
  } = {},
): CaptionAvailability {
  const spec = findCaptionModel(id);
  if (!spec)
    return { available: false, reason: "unknown", message: `Unknown caption model "${id}".` };
  const { replacement, shutdownOn } = spec.lifecycle;
  const instead = replacement ?? DEFAULT_CAPTION_MODELS[spec.provider];
  if (options.disabled?.has(id)) {
    const message = `${spec.label} (${id}) is turned off on this server. Use ${instead} instead.`;
    return { available: false, reason: "disabled", replacement: instead, message };
  }
  const stage = captionModelStage(spec, options.now);
  if (stage === "retired" && !options.enabled?.has(id)) {
    const when = shutdownOn ? ` on ${shutdownOn}` : "";
    const provider = spec.provider === "openai" ? "OpenAI" : "Google";
    const message = `${spec.label} (${id}) was shut down by ${provider}${when}. Use ${instead} instead.`;
    return { available: false, reason: "retired", replacement: instead, message };
  }
  if (stage === "deprecated") {
    const warning = `${spec.label} is deprecated${shutdownOn ? ` and shuts down on ${shutdownOn}` : ""}; ${instead} replaces it.`;
    return { available: true, stage, warning };
  }
  return { available: true, stage };
}

/** Cost in US dollars of one call, from the tokens the provider reported; null when the price is unknown. */
export function captionCostUsd(
  spec: CaptionModelSpec,
  usage: { inputTokens: number; outputTokens: number },
): number | null {
  const { inputUsdPerMillion, outputUsdPerMillion } = spec.pricing;
  if (inputUsdPerMillion === null || outputUsdPerMillion === null) return null;
  const usd =
    (usage.inputTokens * inputUsdPerMillion + usage.outputTokens * outputUsdPerMillion) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}

/** A caption model's price in US dollars per million tokens. */
export interface CaptionPrice {
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
}

/** The most output (thinking included) one caption call may produce: sent with the call, reserved. */
export const CAPTION_MAX_OUTPUT_TOKENS = 4_096;
/** The same for one shorten re-ask (one caption's text). */
export const SHORTEN_MAX_OUTPUT_TOKENS = 1_024;
/** Shorten re-asks a caption request reserves room for; more are skipped (the caption stays flagged). */
export const SHORTEN_RESERVED_CALLS = 2;
/**
 * Input tokens counted per image, whatever the detail: above what OpenAI (765 for a 1024 px image
 * at high detail) and Gemini (258 per image tile) bill, so the reservation errs high.
 */
const TOKENS_PER_IMAGE = 1_600;
/** Gemini bills ~263 tokens per second of video plus 32 of audio; rounded up. */
const TOKENS_PER_VIDEO_SECOND = 300;
/** Our instructions and the answer's JSON schema around the user's words, per call and per platform. */
const INSTRUCTION_TOKENS = 1_500;
const SCHEMA_TOKENS_PER_PLATFORM = 400;

/**
 * The price a caption model is charged at: the operator's (CAPTION_MODEL_PRICES) first, then the
 * published one; null when neither exists — such a model is refused rather than left uncapped.
 */
export function captionPriceOf(
  spec: CaptionModelSpec,
  overrides?: ReadonlyMap<string, CaptionPrice>,
): CaptionPrice | null {
  const set = overrides?.get(spec.id);
  if (set) return set;
  const { inputUsdPerMillion, outputUsdPerMillion } = spec.pricing;
  if (inputUsdPerMillion === null || outputUsdPerMillion === null) return null;
  return { inputUsdPerMillion, outputUsdPerMillion };
}

const usdOf = (price: CaptionPrice, inputTokens: number, outputTokens: number) =>
  Math.ceil(
    (inputTokens * price.inputUsdPerMillion + outputTokens * price.outputUsdPerMillion) / 1e2,
  ) / 1e4;

/**
 * A conservative estimate of a caption request, reserved against the daily cap before the call:
 * the media (images, or seconds of inline video), every character of text counted as a token
 * (real text runs ~4 characters a token), the full output allowance, and room for
 * SHORTEN_RESERVED_CALLS shorten re-asks. Settled afterwards from the provider's `usage`.
 */
export function captionEstimateUsd(
  price: CaptionPrice,
  input: {
    images: number;
    videoSeconds?: number | undefined;
    textChars: number;
    platforms: number;
  },
): number {
  const inputTokens =
    INSTRUCTION_TOKENS +
    input.platforms * SCHEMA_TOKENS_PER_PLATFORM +
    input.textChars +
    input.images * TOKENS_PER_IMAGE +
    Math.ceil(input.videoSeconds ?? 0) * TOKENS_PER_VIDEO_SECOND;
  return (
    usdOf(price, inputTokens, CAPTION_MAX_OUTPUT_TOKENS) +
    SHORTEN_RESERVED_CALLS * shortenEstimateUsd(price)
  );
}

/** The most one shorten re-ask can cost: its input is at most a whole caption answer plus our words. */
export function shortenEstimateUsd(price: CaptionPrice): number {
  return usdOf(price, CAPTION_MAX_OUTPUT_TOKENS + INSTRUCTION_TOKENS, SHORTEN_MAX_OUTPUT_TOKENS);
}

/**
 * CAPTION_MODEL_PRICES: `model=input/output` pairs in US dollars per million tokens, comma
 * separated (`gemini-3.8-flash=0.5/3,gpt-6.2-sol=2/10`). Throws a message naming the bad entry.
 */
export function parseCaptionPrices(value: string | undefined): Map<string, CaptionPrice> {
  const prices = new Map<string, CaptionPrice>();
  for (const entry of (value ?? "").split(",").map((e) => e.trim())) {
    if (!entry) continue;
    const m = /^([\w.:-]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(entry);
    if (!m) throw new Error(`"${entry}" is not model=input/output (US dollars per million tokens)`);
    const id = m[1] as string;
    if (!findCaptionModel(id)) throw new Error(`"${id}" is not a caption model in the catalog`);
    prices.set(id, { inputUsdPerMillion: Number(m[2]), outputUsdPerMillion: Number(m[3]) });
  }
  return prices;
}
