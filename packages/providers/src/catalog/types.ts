import type { MediaType, ProviderId } from "../types";

/** Which wire protocol a model speaks; an adapter exists per API shape, not per model. */
export type ModelApi =
  | "openai-images"
  | "openai-videos"
  | "gemini-generate-content"
  | "gemini-interactions"
  | "veo-predict-long-running";

export type LifecycleStage = "ga" | "preview" | "deprecated" | "retired";

export interface ModelLifecycle {
  stage: LifecycleStage;
  /** ISO date the provider shut (or will shut) the model down. */
  shutdownOn?: string | undefined;
  /** The catalog id to use instead. */
  replacement?: string | undefined;
  /** Where these facts were read. */
  source: string;
}

/** One choice a model offers (size, seconds, aspect ratio …): the allowed values and the default. */
export interface ModelOptionSpec {
  label: string;
  values: readonly (string | number)[];
  default: string | number;
}

export interface ModelPricing {
  unit: "image" | "second";
  /** US dollars per unit, for estimates and the daily spend cap. */
  usd: number;
  source: string;
}

export interface ModelSpec {
  /** The id sent to the provider. */
  id: string;
  label: string;
  provider: ProviderId;
  type: MediaType;
  api: ModelApi;
  lifecycle: ModelLifecycle;
  referenceImage: boolean;
  options: Readonly<Record<string, ModelOptionSpec>>;
  pricing: ModelPricing;
  /** How long a generation usually takes, for progress estimates when the API reports none. */
  typicalSeconds: number;
  /**
   * Set when the model is not offered by default on our access path (an API key): why, and how to
   * enable it (MEDIA_ENABLE_MODELS). Availability reason "access".
   */
  gated?: string | undefined;
}
