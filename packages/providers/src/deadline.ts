// A generation's overall deadline (images 2 min, videos 20 min by default) covers its create too.
// A create has its own, longer timeout (a high-quality image may take minutes to answer), so without
// this a hung image create would run 5 minutes although the image was promised to end within 2.
import { MediaGenError } from "./errors";
import { settleOnAbort } from "./timeouts";
import type { GenerationInput, MediaModel, StartedOperation } from "./types";

/**
 * Sends a generation's create under the generation's deadline as well as the create's own timeout:
 * whichever ends first. A create cut off by the deadline got no answer, so — like any create that
 * timed out — the provider may have started (and billed) a job: it is not re-sent, and its TIMEOUT
 * says so (`jobMayExist`, not retryable). An answer that came in time is returned as is; the
 * caller's abort passes through untouched.
 *
 * @param deadline epoch ms at which the generation ends (its submission's start + the media type's limit)
 * @param limitMs that limit, for the message
 */
export async function startWithinDeadline(
  model: MediaModel,
  input: GenerationInput,
  options: { deadline: number; limitMs: number },
): Promise<StartedOperation> {
  const parent = input.signal;
  if (parent?.aborted) throw parent.reason;
  const controller = new AbortController();
  let expired: MediaGenError | undefined;
  const onAbort = () => controller.abort(parent?.reason);
  parent?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(
    () => {
      expired = createDeadlineError(model, options.limitMs);
      controller.abort(expired);
    },
    Math.max(0, options.deadline - Date.now()),
  );
  try {
    // Settled by the deadline even if the adapter's request never hears the abort.
    return await settleOnAbort(
      model.start({ ...input, signal: controller.signal }),
      controller.signal,
    );
  } catch (error) {
    if (parent?.aborted) throw parent.reason;
    // Whatever the adapter made of the abort, what ended the create is the deadline.
    throw expired ?? error;
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onAbort);
  }
}

function createDeadlineError(model: MediaModel, limitMs: number): MediaGenError {
  const label = model.provider === "openai" ? "OpenAI" : "Google";
  return new MediaGenError(
    "TIMEOUT",
    `${label} did not answer the create request for ${model.id} within the generation's ${Math.round(limitMs / 100) / 10} s deadline. The request was not re-sent, to avoid a second charge: the provider may already have started (and billed) it.`,
    { provider: model.provider, model: model.id, retryable: false, jobMayExist: true },
  );
}
