import type { ModelOptionSpec, ModelSpec } from "./types";

// Facts from the openai SDK 7.57 `ImageModel` type and ImageGenerateParams doc comments
// (resources/images.d.ts), developers.openai.com/api/docs/models, /api/docs/deprecations (read
// 2026-11-25), the Sora video generation guide and shared/PROVIDERS.md.
const SDK_IMAGES = "openai-node 7.57 resources/images.d.ts (ImageModel, ImageGenerateParams)";
const STANDARD_SIZES = ["1024x1024", "1536x1024", "1024x1536", "auto"] as const;
const WIDE_SIZES = [
  ...STANDARD_SIZES,
  "1536x864",
  "864x1536",
  "2048x2048",
  "2560x1440",
  "1440x2560",
];

const SORA_720P = ["720x1280", "1280x720"];

const size = (values: readonly string[]): ModelOptionSpec => ({
  label: "Size",
  values,
  default: "1024x1024",
});
const quality = (values: readonly string[]): ModelOptionSpec => ({
  label: "Quality",
  values,
  default: "auto",
});
const background = (values: readonly string[]): ModelOptionSpec => ({
  label: "Background",
  values,
  default: "auto",
});

function gptImage(
  id: string,
  label: string,
  extra: Partial<ModelSpec> & Pick<ModelSpec, "pricing">,
): ModelSpec {
  return {
    id,
    label,
    provider: "openai",
    type: "image",
    api: "openai-images",
    lifecycle: { stage: "ga", source: SDK_IMAGES },
    referenceImage: true,
    options: {
      size: size(STANDARD_SIZES),
      quality: quality(["auto", "low", "medium", "high"]),
      background: background(["auto", "opaque", "transparent"]),
    },
    typicalSeconds: 30,
    ...extra,
  };
}

const DEPRECATIONS =
  "developers.openai.com/api/docs/deprecations (notice 2026-06-02; the listing read 2026-12-01 names gpt-image-2.6-sunburst / -flare as replacements)";

const imagePrice = (usd: number) => ({
  unit: "image" as const,
  usd,
  source: "developers.openai.com/api/docs/pricing (1024x1024, medium quality)",
});

/** The 2.5 family: any WIDTHxHEIGHT preset we offer, and the xhigh / max qualities. */
const EXTENDED_OPTIONS = {
  size: size(WIDE_SIZES),
  quality: quality(["auto", "low", "medium", "high", "xhigh", "max"]),
  background: background(["auto", "opaque", "transparent"]),
};

export const openaiModels: readonly ModelSpec[] = [
  gptImage("gpt-image-2", "GPT Image 2", {
    pricing: imagePrice(0.053),
    options: {
      size: size(WIDE_SIZES),
      quality: quality(["auto", "low", "medium", "high"]),
      // The SDK doc calls transparent backgrounds on gpt-image-2 a preview: not offered until GA.
      background: background(["auto", "opaque"]),
    },
  }),
  gptImage("gpt-image-2.6-sunburst", "GPT Image 2.6 Sunburst", {
    pricing: imagePrice(0.06),
  }),
  gptImage("gpt-image-2.6-flare", "GPT Image 2.6 Flare", {
    pricing: imagePrice(0.03),
  }),
  gptImage("gpt-image-2.5-sunburst", "GPT Image 2.5 Sunburst", {
    pricing: imagePrice(0.06),
    options: EXTENDED_OPTIONS,
  }),
  gptImage("gpt-image-2.5-flare", "GPT Image 2.5 Flare", {
    pricing: imagePrice(0.03),
    options: EXTENDED_OPTIONS,
  }),
  gptImage("gpt-image-1.5", "GPT Image 1.5", {
    pricing: imagePrice(0.034),
    lifecycle: {
      stage: "deprecated",
      shutdownOn: "2026-12-01",
      replacement: "gpt-image-2.6-sunburst",
      source: DEPRECATIONS,
    },
  }),
  gptImage("gpt-image-1-mini", "GPT Image 1 Mini", {
    pricing: imagePrice(0.011),
    typicalSeconds: 15,
    lifecycle: {
      stage: "deprecated",
      shutdownOn: "2026-12-01",
      replacement: "gpt-image-2.6-flare",
      source: DEPRECATIONS,
    },
  }),
  gptImage("chatgpt-image-latest", "ChatGPT Image (latest)", {
    // Price not re-read: the row only explains old assets, it shut down before this entry was added.
    pricing: { ...imagePrice(0.034), source: "assumed equal to gpt-image-1.5; not re-read" },
    lifecycle: {
      stage: "deprecated",
      shutdownOn: "2026-12-01",
      replacement: "gpt-image-2.6-sunburst",
      source: DEPRECATIONS,
    },
  }),
  gptImage("gpt-image-1", "GPT Image 1", {
    pricing: imagePrice(0.042),
    lifecycle: {
      stage: "retired",
      shutdownOn: "2026-10-23",
      replacement: "gpt-image-2.6-sunburst",
      source: `${SDK_IMAGES}: "gpt-image-1 was shut down on October 23, 2026"`,
    },
  }),
  // sora-2 renders 720p only; sora-2-pro adds the taller/wider 1024x1792 and 1792x1024.
  soraModel("sora-2", "Sora 2", 0.1, SORA_720P),
  soraModel("sora-2-pro", "Sora 2 Pro", 0.3, [...SORA_720P, "1024x1792", "1792x1024"]),
];

function soraModel(
  id: string,
  label: string,
  usdPerSecond: number,
  sizes: readonly string[],
): ModelSpec {
  return {
    id,
    label,
    provider: "openai",
    type: "video",
    api: "openai-videos",
    // OpenAI shut the whole Videos API down and named no replacement; a gateway that still serves
    // /v1/videos re-enables these rows with MEDIA_ENABLE_MODELS.
    lifecycle: {
      stage: "retired",
      shutdownOn: "2026-09-24",
      source: "developers.openai.com/api/docs/models/sora-2; openai-java PR #860",
    },
    referenceImage: true,
    options: {
      seconds: { label: "Duration (s)", values: [4, 8, 12], default: 8 },
      size: { label: "Size", values: sizes, default: "720x1280" },
    },
    pricing: {
      unit: "second",
      usd: usdPerSecond,
      // One rate per model: sora-2-pro at 1024x1792 / 1792x1024 cost $0.50/s, so estimates there run low.
      source: "developers.openai.com/api/docs/pricing (720p rate)",
    },
    typicalSeconds: id === "sora-2-pro" ? 240 : 120,
  };
}
