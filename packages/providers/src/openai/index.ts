// Placeholder until the OpenAI adapters land (issue #4): every call fails loudly.
import type { ModelSpec } from "../catalog";
import { MediaGenError } from "../errors";
import type { MediaModel, ProviderSettings } from "../types";

export function createOpenAI(_settings: ProviderSettings): { model(spec: ModelSpec): MediaModel } {
  return {
    model(spec) {
      throw new MediaGenError("PROVIDER_ERROR", `OpenAI adapter for ${spec.id} is not built yet.`);
    },
  };
}
