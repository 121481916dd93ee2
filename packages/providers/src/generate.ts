import { findModelSpec, invalidOptions, resolveOptions } from "./catalog";
import { startWithinDeadline } from "./deadline";
import { MediaGenError } from "./errors";
import { DEFAULT_POLL_POLICY, type PollPolicy, pollUntilDone } from "./poll";
import type { MediaProviders } from "./registry";
import type {
  MediaStream,
  MediaType,
  ModelOptionValues,
  ProviderId,
  ReferenceImage,
} from "./types";

export interface GenerateMediaRequest {
  model: string;
  prompt: string;
  options?: ModelOptionValues | undefined;
  referenceImage?: ReferenceImage | undefined;
  signal?: AbortSignal | undefined;
  poll?: Partial<PollPolicy> | undefined;
}

/** The brief's "standardized response object". */
export interface GeneratedMedia {
  url: string;
  provider: ProviderId;
  type: MediaType;
  model: string;
  mimeType: string;
  width: number | undefined;
  height: number | undefined;
  durationSeconds: number | undefined;
}

/**
 * One call from prompt to stored media, for scripts and other services: validate against the
 * catalog, start, poll, and hand the bytes to `store` (which returns the URL). The studio itself
 * goes through the durable job queue instead, so a crash never loses or repeats a provider job.
 */
export async function generateMedia(
  providers: MediaProviders,
  request: GenerateMediaRequest,
  store: (media: MediaStream) => Promise<{ url: string }>,
): Promise<GeneratedMedia> {
  const spec = findModelSpec(request.model);
  const problems = spec ? invalidOptions(spec, request.options ?? {}) : {};
  if (spec && Object.keys(problems).length > 0) {
    throw new MediaGenError("INVALID_REQUEST", Object.values(problems).join(" "), {
      provider: spec.provider,
      model: spec.id,
    });
  }
  const model = providers.getModel(request.model); // refuses unknown / retired / unconfigured
  const options = spec ? resolveOptions(spec, request.options) : (request.options ?? {});
  // One deadline for the whole generation, the create included (whichever ends first: it or the
  // create's own timeout).
  const startedAt = Date.now();
  const limitMs = { ...DEFAULT_POLL_POLICY, ...request.poll }.timeoutMs[model.type];
  const started = await startWithinDeadline(
    model,
    {
      prompt: request.prompt,
      options,
      referenceImage: request.referenceImage,
      signal: request.signal,
    },
    { deadline: startedAt + limitMs, limitMs },
  );
  const status = started.status;
  if (status?.state === "failed") throw status.error;
  const output =
    status?.state === "succeeded"
      ? status.output
      : await pollUntilDone(model, started.operationId, {
          policy: request.poll,
          signal: request.signal,
          startedAt,
        });
  const media = await model.fetchResult(output, { variant: "media", signal: request.signal });
  if (!media) throw new MediaGenError("PROVIDER_ERROR", "The provider returned no media.");
  const { url } = await store(media);
  return {
    url,
    provider: model.provider,
    type: model.type,
    model: model.id,
    mimeType: media.mimeType,
    width: output.width,
    height: output.height,
    durationSeconds: output.durationSeconds,
  };
}
