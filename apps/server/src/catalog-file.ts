// MEDIA_CATALOG_FILE: models an operator adds without a code change — of an API shape the product
// already speaks (OpenAI images/videos, Gemini images, Omni, Veo, caption models) — in JSON or
// YAML, checked with the built-in catalog's own schema (packages/providers/src/catalog/schema.ts).
// A file that does not read or validate stops start-up with one line per problem.
import { readFileSync } from "node:fs";
import path from "node:path";
import { addCatalogModels, CatalogFileError } from "@streamline/providers";
import { parse as parseYaml } from "yaml";

export function loadCatalogFile(file: string): { models: string[]; captionModels: string[] } {
  const where = `MEDIA_CATALOG_FILE ${file}`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`${where} cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let data: unknown;
  try {
    data = path.extname(file).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const kind = path.extname(file).toLowerCase() === ".json" ? "JSON" : "YAML";
    throw new Error(`${where} is not valid ${kind}: ${(error as Error).message.split("\n")[0]}`);
  }
  try {
    return addCatalogModels(data ?? {});
  } catch (error) {
    if (!(error instanceof CatalogFileError)) throw error;
    throw new Error(
      `${where} has ${error.issues.length} problem${error.issues.length === 1 ? "" : "s"}:\n${error.issues.map((line) => `  ${line}`).join("\n")}`,
    );
  }
}
