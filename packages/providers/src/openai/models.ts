// GET /v1/models through the kit's one client and call wrapper (key check, retries, a timeout per
// attempt, error mapping): what the start-up catalog check (catalog-check.ts) compares with.
// Shapes from openai-node 7.57 src/resources/models.ts (`models.list()`: a Page of Model { id,
// created, object: "model", owned_by, shutdown_date?: string | null }) and
// developers.openai.com/api/docs/deprecations ("call the List models endpoint (GET /v1/models) and
// check each model's optional shutdown_date field … a YYYY-MM-DD string, or null if no shutdown date
// has been announced"). Nothing but the documented GET is sent.
import { MediaGenError } from "../errors";
import type { OpenAIRuntime } from "./index";

export interface OpenAIListedModel {
  id: string;
  /** OpenAI's `shutdown_date` (YYYY-MM-DD); null when none is announced or the field is absent. */
  shutdownDate: string | null;
}

/** What the call is named in errors, spans and metrics (it concerns no one model). */
export const MODEL_LIST_CALL = "models.list";

export async function listOpenAIModels(
  runtime: OpenAIRuntime,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<OpenAIListedModel[]> {
  const page = await runtime.send((signal) => runtime.client.models.list({ signal }), {
    kind: "models",
    ms: runtime.timeouts.statusMs,
    model: MODEL_LIST_CALL,
    signal: options.signal,
  });
  // A gateway may answer 200 with something else (an HTML page, `{}`): that is no model list, and
  // reading it as an empty one would report every catalog model as missing.
  if (page.object !== "list" || !Array.isArray(page.data)) {
    throw new MediaGenError("PROVIDER_ERROR", "The answer to GET /models is not a model list.", {
      provider: "openai",
      model: MODEL_LIST_CALL,
      retryable: false,
    });
  }
  return page.data
    .filter((m) => typeof m?.id === "string")
    .map((m) => ({ id: m.id, shutdownDate: shutdownDateOf(m.shutdown_date) }));
}

/** The date part of `shutdown_date`; anything that is not a date reads as none announced. */
function shutdownDateOf(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const date = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
  return date ? (date[1] as string) : null;
}
