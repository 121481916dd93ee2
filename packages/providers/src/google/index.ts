// Placeholder until the Google adapters land (issue #4): every call fails loudly.
import type { ModelSpec } from "../catalog";
import { MediaGenError } from "../errors";
import type { MediaModel, ProviderSettings } from "../types";

export type GoogleProviderSettings = ProviderSettings;

export function createGoogle(_settings: GoogleProviderSettings): {
  model(spec: ModelSpec): MediaModel;
} {
  return {
    model(spec) {
      throw new MediaGenError("PROVIDER_ERROR", `Google adapter for ${spec.id} is not built yet.`);
    },
  };
}
