// The start-up comparison of the catalog with OpenAI's model list (packages/providers
// catalog-check.ts): once per API server process — not in `start:worker` processes, never per
// request — in the background, so it neither delays start-up nor holds readiness back. Off with
// MEDIA_CATALOG_CHECK=0, in demo mode and without OPENAI_API_KEY (then nothing is sent).
import { checkOpenAICatalog } from "@streamline/providers";
import type { Runtime } from "./runtime";

export function startCatalogCheck(runtime: Runtime): { stop(): void } {
  const { env } = runtime;
  if (!env.MEDIA_CATALOG_CHECK || runtime.demo) return { stop() {} };
  const controller = new AbortController();
  // checkOpenAICatalog never throws; the catch only keeps a bug from becoming an unhandled rejection.
  checkOpenAICatalog(runtime.openai, {
    fromFile: runtime.catalogFileModels,
    enabled: env.MEDIA_ENABLE_MODELS,
    disabled: env.MEDIA_DISABLE_MODELS,
    signal: controller.signal,
  }).catch(() => {});
  return { stop: () => controller.abort() };
}
