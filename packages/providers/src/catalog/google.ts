import type { ModelOptionSpec, ModelSpec } from "./types";

// Google facts, read 2026-11-25 from ai.google.dev/gemini-api/docs (changelog, deprecations,
// image-generation, omni, video, pricing), the @google/genai 3.3 type definitions and the Gemini
// Enterprise Agent Platform model cards. Third-party sources are named where Google's own page was
// not available to us; re-check those rows first.
const CHANGELOG = "ai.google.dev/gemini-api/docs/changelog";

/** The ten ratios Gemini 3 image models share (@google/genai ImageConfig doc comment + guide). */
const ASPECT_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
/** Nano Banana 2 and 2.1 add the panoramic ratios (changelog 2026-10-06; @google/genai ImageConfigAspectRatio). */
const PANORAMIC_RATIOS = [...ASPECT_RATIOS, "1:4", "4:1", "1:8", "8:1"];

const aspectRatio = (values: readonly string[], fallback = "1:1"): ModelOptionSpec => ({
  label: "Aspect ratio",
  values,
  default: fallback,
});
const imageSize = (values: readonly string[]): ModelOptionSpec => ({
  label: "Resolution",
  values,
  default: "1K",
});

/**
 * Gemini image rows offer "auto" first (the default): the adapter then sends the ratio nearest the
 * reference photo's shape, or 1:1 without one. "auto" itself is never sent to Google.
 */
const imageAspect = (values: readonly string[]): ModelOptionSpec =>
  aspectRatio(["auto", ...values], "auto");

function geminiImage(id: string, label: string, extra: Partial<ModelSpec>): ModelSpec {
  return {
    id,
    label,
    provider: "google",
    type: "image",
    api: "gemini-generate-content",
    lifecycle: { stage: "ga", source: CHANGELOG },
    referenceImage: true,
    options: {
      aspectRatio: imageAspect(ASPECT_RATIOS),
      imageSize: imageSize(["1K", "2K", "4K"]),
    },
    pricing: { unit: "image", usd: 0, source: "ai.google.dev/gemini-api/docs/pricing" },
    typicalSeconds: 20,
    ...extra,
  };
}

export const googleModels: readonly ModelSpec[] = [
  geminiImage("gemini-3.1-flash-image", "Gemini 3.1 Flash Image (Nano Banana 2)", {
    // Google's deprecations table (ai.google.dev/gemini-api/docs/deprecations) lists it GA since
    // 2026-05-28 with no shutdown date announced, and shared/PROVIDERS.md (read 2026-11-25) names it
    // the default. A changelog entry and LiteLLM #44983 speak of a deprecation in favour of
    // gemini-nano-banana-2.1; until Google's own table says so, it stays GA and the default.
    lifecycle: {
      stage: "ga",
      source: "ai.google.dev/gemini-api/docs/deprecations (GA 2026-05-28, no shutdown announced)",
    },
    options: {
      aspectRatio: imageAspect(PANORAMIC_RATIOS),
      imageSize: imageSize(["512", "1K", "2K", "4K"]),
    },
    pricing: {
      unit: "image",
      usd: 0.067,
      source:
        "ai.google.dev/gemini-api/docs/pricing ($60 / 1M image tokens, 1120 tokens per 1K image)",
    },
  }),
  geminiImage("gemini-nano-banana-2.1", "Gemini Nano Banana 2.1", {
    // shared/PROVIDERS.md (2026-12-01): named only by news and a gateway discussion.
    gated:
      "Gemini Nano Banana 2.1 is an unconfirmed preview (not on Google's model pages) and is not offered by default; enable it with MEDIA_ENABLE_MODELS when your GEMINI_BASE_URL serves it.",
    // Named only by a changelog entry we could not confirm on the models or deprecations pages.
    lifecycle: {
      stage: "preview",
      source: `${CHANGELOG} (2026-10-06); not yet on ai.google.dev/gemini-api/docs/deprecations`,
    },
    // The changelog names 1K, 2K and 4K; the 512 tier of Nano Banana 2 is not accepted here.
    options: {
      aspectRatio: imageAspect(PANORAMIC_RATIOS),
      imageSize: imageSize(["1K", "2K", "4K"]),
    },
    pricing: {
      unit: "image",
      usd: 0.0336,
      source: "$30 / 1M image output tokens, 1120 tokens per 1K image (LiteLLM discussion #44983)",
    },
  }),
  geminiImage("gemini-3-pro-image", "Gemini 3 Pro Image (Nano Banana Pro)", {
    lifecycle: { stage: "ga", source: `${CHANGELOG} (2026-05-28: GA)` },
    pricing: {
      unit: "image",
      usd: 0.134,
      source: "ai.google.dev/gemini-api/docs/pricing ($0.134 per 1K/2K image, $0.24 per 4K)",
    },
    typicalSeconds: 40,
  }),
  geminiImage("gemini-2.5-flash-image", "Gemini 2.5 Flash Image", {
    lifecycle: {
      stage: "retired",
      shutdownOn: "2026-10-02",
      replacement: "gemini-3.1-flash-image",
      source: "ai.google.dev/gemini-api/docs/deprecations",
    },
    options: { aspectRatio: aspectRatio(ASPECT_RATIOS) },
    pricing: { unit: "image", usd: 0.039, source: "ai.google.dev/gemini-api/docs/pricing" },
  }),
  {
    id: "gemini-omni-1.1-flash",
    label: "Gemini Omni Flash",
    provider: "google",
    type: "video",
    api: "gemini-interactions",
    lifecycle: {
      stage: "ga",
      source:
        "ai.google.dev/gemini-api/docs/omni; video guide names it the default (GA 2026-08-27)",
    },
    referenceImage: true,
    // Interactions `response_format` (@google/genai VideoResponseFormat): 16:9 | 9:16, 360p–4k,
    // a duration string; the model renders 3–10 s per call.
    options: {
      durationSeconds: { label: "Duration (s)", values: [4, 6, 8, 10], default: 8 },
      aspectRatio: aspectRatio(["16:9", "9:16"], "9:16"),
      resolution: { label: "Resolution", values: ["360p", "720p", "1080p", "4k"], default: "720p" },
    },
    pricing: {
      unit: "second",
      usd: 0.1,
      source: "ai.google.dev/gemini-api/docs/pricing (720p; 1080p and 4k cost more)",
    },
    typicalSeconds: 90,
  },
  veo("veo-3.1-generate-001", "Veo 3.1", 0.4, 120),
  veo("veo-3.1-fast-generate-001", "Veo 3.1 Fast", 0.15, 60),
];

function veo(id: string, label: string, usdPerSecond: number, typicalSeconds: number): ModelSpec {
  return {
    id,
    label,
    provider: "google",
    type: "video",
    api: "veo-predict-long-running",
    // The GA ids are served by the Gemini Enterprise Agent Platform (Vertex AI), not with a Gemini
    // API key (changelog 2026-06-15); a gateway speaking the Gemini REST shape can serve them.
    lifecycle: {
      stage: "ga",
      source: `ai.google.dev/gemini-api/docs/video; ${CHANGELOG} 2026-06-15 (GA ids on Vertex AI)`,
    },
    referenceImage: true,
    options: {
      durationSeconds: { label: "Duration (s)", values: [4, 6, 8], default: 8 },
      aspectRatio: aspectRatio(["16:9", "9:16"], "9:16"),
      // 4k output since 2026-01-13 (changelog); 1080p and 4k render 8-second clips only.
      resolution: { label: "Resolution", values: ["720p", "1080p", "4k"], default: "720p" },
    },
    pricing: {
      unit: "second",
      usd: usdPerSecond,
      source: "ai.google.dev/gemini-api/docs/pricing (720p/1080p)",
    },
    typicalSeconds,
    gated:
      "Veo 3.1 is served on Vertex AI, not with a Gemini API key; enable it with MEDIA_ENABLE_MODELS when GEMINI_BASE_URL points at a gateway that serves it.",
  };
}
