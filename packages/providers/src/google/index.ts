// The Google vendor kit: one connection (key, SDK client per key, retries, timeouts, error mapping,
// the one log line) behind every model it hands out, chosen by the catalog row's API shape.
import type { CaptionBackend } from "../captions/backend";
import { googleCaptionBackend } from "../captions/google";
import type { ModelSpec } from "../catalog";
import { readApiKey } from "../configuration";
import { MediaGenError } from "../errors";
import type { MediaModel, MediaType } from "../types";
import { createGoogleConnection, type GoogleProviderSettings } from "./connection";
import { geminiImageModel } from "./image";
import { omniVideoModel } from "./interactions";
import { veoVideoModel } from "./veo";

export { GEMINI_API_BASE_URL, GEMINI_API_VERSION, type GoogleProviderSettings } from "./connection";

export interface GoogleProvider {
  readonly provider: "google";
  /** Whether a key is set now (the registry asks once, at start-up). */
  hasKey(): boolean;
  /** Where failure lines go (settings.logger); console.error when unset. */
  readonly logger?: ((line: string) => void) | undefined;
  /** A Gemini image model (generateContent). */
  image(spec: ModelSpec): MediaModel;
  /** A video model: Veo (predictLongRunning) or Omni (Interactions), by the row's API. */
  video(spec: ModelSpec): MediaModel;
  /** The model behind a catalog row, by the row's API shape. */
  model(spec: ModelSpec): MediaModel;
  /** Captions through generateContent, on the same connection; `timeoutMs` bounds each request. */
  caption(options: { timeoutMs: number }): CaptionBackend;
}

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
