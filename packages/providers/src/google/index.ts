// The Google provider: one factory, one model object per catalog row, chosen by the row's API shape.
import type { ModelSpec } from "../catalog";
import { MediaGenError } from "../errors";
import type { MediaModel } from "../types";
import { createGoogleConnection, type GoogleProviderSettings } from "./connection";
import { geminiImageModel } from "./image";
import { omniVideoModel } from "./interactions";
import { veoVideoModel } from "./veo";

export { GEMINI_API_BASE_URL, GEMINI_API_VERSION, type GoogleProviderSettings } from "./connection";

export function createGoogle(settings: GoogleProviderSettings): {
  model(spec: ModelSpec): MediaModel;
} {
  const connection = createGoogleConnection(settings);
  return {
    model(spec) {
      switch (spec.provider === "google" ? spec.api : undefined) {
        case "gemini-generate-content":
          return geminiImageModel(connection, spec);
        case "gemini-interactions":
          return omniVideoModel(connection, spec);
        case "veo-predict-long-running":
          return veoVideoModel(connection, spec);
        default:
          throw new MediaGenError(
            "MODEL_UNAVAILABLE",
            `${spec.id} is not a Google model this adapter speaks.`,
            {
              provider: "google",
              model: spec.id,
            },
          );
      }
    },
  };
}
