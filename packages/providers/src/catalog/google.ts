import type { ModelSpec } from "./types";

// Facts from ai.google.dev/gemini-api/docs (image-generation, video, deprecations, pricing) and
// shared/PROVIDERS.md.
const ASPECT_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];

function geminiImage(
  id: string,
  label: string,
  usd: number,
  extra: Partial<ModelSpec> = {},
): ModelSpec {
  return {
    id,
    label,
    provider: "google",
    type: "image",
    api: "gemini-generate-content",
    lifecycle: { stage: "ga", source: "ai.google.dev/gemini-api/docs/models" },
    referenceImage: true,
    options: {
      aspectRatio: { label: "Aspect ratio", values: ASPECT_RATIOS, default: "1:1" },
      imageSize: { label: "Resolution", values: ["1K", "2K", "4K"], default: "1K" },
    },
    pricing: { unit: "image", usd, source: "ai.google.dev/gemini-api/docs/pricing (1K image)" },
    typicalSeconds: 20,
    ...extra,
  };
}

export const googleModels: readonly ModelSpec[] = [
  geminiImage("gemini-3.1-flash-image", "Gemini 3.1 Flash Image", 0.045),
  geminiImage("gemini-3-pro-image", "Gemini 3 Pro Image", 0.134, { typicalSeconds: 40 }),
  geminiImage("gemini-2.5-flash-image", "Gemini 2.5 Flash Image", 0.039, {
    lifecycle: {
      stage: "retired",
      shutdownOn: "2026-10-02",
      replacement: "gemini-3.1-flash-image",
      source: "ai.google.dev/gemini-api/docs/deprecations",
    },
    options: {
      aspectRatio: { label: "Aspect ratio", values: ASPECT_RATIOS, default: "1:1" },
    },
  }),
  {
    id: "gemini-omni-1.1-flash",
    label: "Gemini Omni Flash",
    provider: "google",
    type: "video",
    api: "gemini-interactions",
    lifecycle: { stage: "ga", source: "ai.google.dev/gemini-api/docs/video" },
    referenceImage: true,
    options: {
      durationSeconds: { label: "Duration (s)", values: [4, 6, 8], default: 8 },
      aspectRatio: { label: "Aspect ratio", values: ["16:9", "9:16"], default: "9:16" },
    },
    pricing: { unit: "second", usd: 0.15, source: "ai.google.dev/gemini-api/docs/pricing" },
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
    lifecycle: {
      stage: "ga",
      source: "ai.google.dev/gemini-api/docs/video (served on Vertex AI or a gateway)",
    },
    referenceImage: true,
    options: {
      durationSeconds: { label: "Duration (s)", values: [4, 6, 8], default: 8 },
      aspectRatio: { label: "Aspect ratio", values: ["16:9", "9:16"], default: "9:16" },
      resolution: { label: "Resolution", values: ["720p", "1080p"], default: "720p" },
    },
    pricing: { unit: "second", usd: usdPerSecond, source: "ai.google.dev/gemini-api/docs/pricing" },
    typicalSeconds,
  };
}
