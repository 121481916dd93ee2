// The start-up comparison of our catalog with OpenAI's own model list (issue 21, item 4): OpenAI
// documents (developers.openai.com/api/docs/deprecations) that GET /v1/models carries each model's
// optional `shutdown_date`, so a shutdown announced after our release — or one an operator's
// MEDIA_CATALOG_FILE does not know — is one warning line at start-up instead of failed generations
// on the day. Every catalog model served by the OpenAI API is compared: images, videos and caption
// models, built-in or added by MEDIA_CATALOG_FILE. The list is read once, in the background; a
// gateway that does not implement it (404, 501), a network error or a timeout is one info line.
import { logger } from "@streamline/log";
import { MODEL_CATALOG, utcDate } from "./catalog";
import { CAPTION_MODELS } from "./catalog/captions";
import type { ModelLifecycle } from "./catalog/types";
import { isMediaGenError } from "./errors";
import type { OpenAIProvider } from "./openai";

export interface CatalogCheckOptions {
  /** Ids MEDIA_CATALOG_FILE added: the advice for them is to edit that file. */
  fromFile?: Iterable<string> | undefined;
  /** MEDIA_ENABLE_MODELS: a retired or gated model re-enabled here is expected in the list. */
  enabled?: Iterable<string> | undefined;
  /** MEDIA_DISABLE_MODELS: models turned off here are not checked. */
  disabled?: Iterable<string> | undefined;
  /** The day shutdown dates are compared with; defaults to now. */
  now?: Date | undefined;
  /** Stops the check (shutdown); an aborted check logs nothing. */
  signal?: AbortSignal | undefined;
}

/** One catalog model that disagrees with OpenAI's list; each is logged as one warning. */
export interface CatalogFinding {
  model: string;
  /** `shutdown-date`: OpenAI announces a date the catalog lacks or differs from; `missing`: not listed. */
  kind: "shutdown-date" | "missing";
  openaiShutdownDate?: string | undefined;
  catalogShutdownDate?: string | undefined;
  /** Where the row comes from: the built-in catalog or the operator's MEDIA_CATALOG_FILE. */
  catalog: "built-in" | "MEDIA_CATALOG_FILE";
  /** What to do about it. */
  action: string;
}

export type CatalogCheckResult =
  | { checked: true; findings: CatalogFinding[] }
  | { checked: false; reason: "no-key" | "unanswered" | "aborted" };

interface CheckedModel {
  id: string;
  lifecycle: ModelLifecycle;
  gated?: string | undefined;
}

/**
 * Reads OpenAI's model list through the kit (its key, base URL, timeout and retries) and logs one
 * structured warning per disagreement (see CatalogFinding). Never throws: without a key nothing is
 * sent; a failed or unusable answer is logged once at info and compares nothing.
 */
export async function checkOpenAICatalog(
  kit: OpenAIProvider,
  options: CatalogCheckOptions = {},
): Promise<CatalogCheckResult> {
  if (!kit.hasKey()) return { checked: false, reason: "no-key" };
  let listed: Awaited<ReturnType<OpenAIProvider["listModels"]>>;
  try {
    listed = await kit.listModels({ signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) return { checked: false, reason: "aborted" };
    const failure = isMediaGenError(error) ? error : undefined;
    logger.info(
      { check: "catalog", code: failure?.code, status: failure?.status },
      `[catalog] OpenAI's model list (GET /models) could not be read: ${failure?.message ?? String(error)} The catalog's shutdown dates were not compared with OpenAI's (a gateway may not offer this list; MEDIA_CATALOG_CHECK=0 turns the check off).`,
    );
    return { checked: false, reason: "unanswered" };
  }
  if (listed.length === 0) {
    logger.info(
      { check: "catalog" },
      "[catalog] OpenAI's model list (GET /models) is empty: the catalog was not compared with it.",
    );
    return { checked: false, reason: "unanswered" };
  }
  const findings = compare(listed, options);
  for (const finding of findings) {
    const { model, kind, openaiShutdownDate, catalogShutdownDate, catalog, action } = finding;
    const what =
      kind === "missing"
        ? `${model} is not in OpenAI's model list (GET /models): generations with it will likely fail.`
        : `OpenAI shuts ${model} down on ${openaiShutdownDate}; the ${catalog === "built-in" ? "built-in catalog" : "MEDIA_CATALOG_FILE"} ${catalogShutdownDate ? `says ${catalogShutdownDate}` : "has no shutdown date for it"}.`;
    logger.warn(
      { check: "catalog", model, kind, openaiShutdownDate, catalogShutdownDate, catalog, action },
      `[catalog] ${what} ${action}`,
    );
  }
  return { checked: true, findings };
}

function compare(
  listed: readonly { id: string; shutdownDate: string | null }[],
  options: CatalogCheckOptions,
): CatalogFinding[] {
  const byId = new Map(listed.map((m) => [m.id, m]));
  const fromFile = new Set(options.fromFile ?? []);
  const enabled = new Set(options.enabled ?? []);
  const disabled = new Set(options.disabled ?? []);
  const today = utcDate(options.now);
  const models: CheckedModel[] = [
    ...MODEL_CATALOG.filter((m) => m.provider === "openai"),
    ...CAPTION_MODELS.filter((m) => m.provider === "openai"),
  ];
  const findings: CatalogFinding[] = [];
  for (const spec of models) {
    if (disabled.has(spec.id)) continue;
    const catalog = fromFile.has(spec.id) ? "MEDIA_CATALOG_FILE" : "built-in";
    const entry = byId.get(spec.id);
    if (entry) {
      const date = entry.shutdownDate;
      if (date && date !== spec.lifecycle.shutdownOn)
        findings.push(dateFinding(spec, date, catalog));
      continue;
    }
    // A model the catalog already calls shut down, or gated off our access path, is expected to be
    // missing — unless the operator re-enabled it for a gateway that should serve it.
    const { stage, shutdownOn } = spec.lifecycle;
    const shutDown = stage === "retired" || (shutdownOn !== undefined && shutdownOn <= today);
    if ((shutDown || spec.gated) && !enabled.has(spec.id)) continue;
    findings.push(missingFinding(spec, catalog));
  }
  return findings;
}

function dateFinding(
  spec: CheckedModel,
  date: string,
  catalog: CatalogFinding["catalog"],
): CatalogFinding {
  const { shutdownOn, replacement } = spec.lifecycle;
  const instead = replacement ? `move to ${replacement}` : "choose another model";
  return {
    model: spec.id,
    kind: "shutdown-date",
    openaiShutdownDate: date,
    catalogShutdownDate: shutdownOn,
    catalog,
    action:
      catalog === "MEDIA_CATALOG_FILE"
        ? `Set lifecycle.shutdownOn: ${date} (stage: deprecated, and a replacement) for ${spec.id} in MEDIA_CATALOG_FILE.`
        : `Upgrade Streamline AI Studio to a release whose catalog has this date; until then ${instead} before ${date}, or turn it off then with MEDIA_DISABLE_MODELS=${spec.id}.`,
  };
}

function missingFinding(spec: CheckedModel, catalog: CatalogFinding["catalog"]): CatalogFinding {
  return {
    model: spec.id,
    kind: "missing",
    catalogShutdownDate: spec.lifecycle.shutdownOn,
    catalog,
    action:
      catalog === "MEDIA_CATALOG_FILE"
        ? "Check its id in MEDIA_CATALOG_FILE and that this key's project may use it; remove it there if OpenAI retired it."
        : `If OpenAI retired it, upgrade Streamline AI Studio or turn it off with MEDIA_DISABLE_MODELS=${spec.id}; if this key's project has no access to it, ask OpenAI or turn it off.`,
  };
}
