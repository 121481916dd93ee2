import { googleCaptionBackend } from "../captions/google";
import type { ModelSpec } from "../catalog";
import { readApiKey } from "../configuration";
import { MediaGenError } from "../errors";
import type { MediaModel, MediaType, ProviderKit } from "../types";
import { createGoogleConnection, type GoogleProviderSettings } from "./connection";
import { geminiImageModel } from "./image";
import { omniVideoModel } from "./interactions";
import { veoVideoModel } from "./veo";

export { GEMINI_API_BASE_URL, GEMINI_API_VERSION, type GoogleProviderSettings } from "./connection";

/** The Google vendor kit: Gemini images (generateContent), Veo (predictLongRunning) and Omni (Interactions) video, captions (generateContent). */
export type GoogleProvider = ProviderKit<"google">;

export function createGoogle(settings: GoogleProviderSettings): GoogleProvider {
  const connection = createGoogleConnection(settings);
  const model = (spec: ModelSpec): MediaModel => {
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
  };
  return {
    provider: "google",
    hasKey: () => readApiKey(settings) !== undefined,
    logger: settings.logger,
    image: (spec) => model(ofType(spec, "image")),
    video: (spec) => model(ofType(spec, "video")),
    model,
    caption: ({ timeoutMs }) => googleCaptionBackend(connection, timeoutMs),
  };
}

function ofType(spec: ModelSpec, type: MediaType): ModelSpec {
  if (spec.type !== type) {
    throw new MediaGenError("MODEL_UNAVAILABLE", `${spec.id} is not a Google ${type} model.`, {
      provider: "google",
      model: spec.id,
    });
  }
  return spec;
}
