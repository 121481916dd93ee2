// The catalog's rows as a Zod schema: the built-in catalog is checked against it (schema.test.ts)
// and so is every model an operator adds with MEDIA_CATALOG_FILE — of an API shape the product
// already speaks, since an adapter exists per API shape, not per model.
import { z } from "zod";
import type { CaptionModelSpec } from "./captions";
import { CAPTION_MODELS } from "./captions";
import { MODEL_CATALOG } from "./index";
import type { ModelApi, ModelSpec } from "./types";

/** Which provider and media type each media API shape means. */
const API_SHAPES: Record<ModelApi, { provider: "openai" | "google"; type: "image" | "video" }> = {
  "openai-images": { provider: "openai", type: "image" },
  "openai-videos": { provider: "openai", type: "video" },
  "gemini-generate-content": { provider: "google", type: "image" },
  "gemini-interactions": { provider: "google", type: "video" },
  "veo-predict-long-running": { provider: "google", type: "video" },
};
const CAPTION_API_SHAPES = {
  "openai-responses": "openai",
  "gemini-generate-content": "google",
} as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD");
const modelId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/,
    "letters, digits, . _ : - (what the provider calls it)",
  );

export const lifecycleSchema = z.strictObject({
  stage: z.enum(["ga", "preview", "deprecated", "retired"]),
  shutdownOn: isoDate.optional(),
  replacement: z.string().optional(),
  source: z.string().min(1, "say where these facts were read"),
});

const optionSchema = z
  .strictObject({
    label: z.string().min(1),
    values: z.array(z.union([z.string(), z.number()])).min(1),
    default: z.union([z.string(), z.number()]),
  })
  .refine((o) => o.values.includes(o.default), {
    message: "the default must be one of the values",
    path: ["default"],
  });

export const modelSpecSchema = z
  .strictObject({
    id: modelId,
    label: z.string().min(1).max(80),
    provider: z.enum(["openai", "google"]),
    type: z.enum(["image", "video"]),
    api: z.enum(Object.keys(API_SHAPES) as [ModelApi, ...ModelApi[]]),
    lifecycle: lifecycleSchema,
    referenceImage: z.boolean(),
    options: z.record(z.string(), optionSchema),
    pricing: z.strictObject({
      unit: z.enum(["image", "second"]),
      usd: z.number().positive().max(100),
      source: z.string().min(1, "say where the price was read"),
    }),
    typicalSeconds: z.number().positive().max(3_600),
    gated: z.string().optional(),
  })
  .superRefine((spec, ctx) => {
    const shape = API_SHAPES[spec.api];
    if (spec.provider !== shape.provider)
      ctx.addIssue({
        code: "custom",
        path: ["provider"],
        message: `the ${spec.api} API is ${shape.provider}'s`,
      });
    if (spec.type !== shape.type)
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message: `the ${spec.api} API makes ${shape.type}s`,
      });
    const unit = spec.type === "image" ? "image" : "second";
    if (spec.pricing.unit !== unit)
      ctx.addIssue({
        code: "custom",
        path: ["pricing", "unit"],
        message: `${spec.type}s are priced per ${unit}`,
      });
  });

const captionPrice = z.number().nonnegative().max(1_000).nullable();

export const captionModelSpecSchema = z
  .strictObject({
    id: modelId,
    label: z.string().min(1).max(80),
    provider: z.enum(["openai", "google"]),
    api: z.enum(["openai-responses", "gemini-generate-content"]),
    description: z.string().optional(),
    lifecycle: lifecycleSchema,
    videoInput: z.boolean(),
    pricing: z.strictObject({
      inputUsdPerMillion: captionPrice,
      outputUsdPerMillion: captionPrice,
      source: z.string().min(1),
    }),
  })
  .superRefine((spec, ctx) => {
    if (CAPTION_API_SHAPES[spec.api] !== spec.provider)
      ctx.addIssue({
        code: "custom",
        path: ["provider"],
        message: `the ${spec.api} API is ${CAPTION_API_SHAPES[spec.api]}'s`,
      });
  });

/** What MEDIA_CATALOG_FILE holds: media models and caption models to add. */
export const catalogFileSchema = z.strictObject({
  models: z.array(modelSpecSchema).default([]),
  captionModels: z.array(captionModelSpecSchema).default([]),
});

export type CatalogFile = z.infer<typeof catalogFileSchema>;

/** One line per problem: `models[0].pricing.usd: Too small: expected number to be >0`. */
export function catalogIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const at = issue.path
      .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join("");
    return `${at || "(file)"}: ${issue.message}`;
  });
}

/**
 * Validates an operator's catalog and adds its models to the catalog every reader uses (the
 * registry, estimates, media.models, captions). A model already there is refused unless it is the
 * very same row (a second server in one process registering the same file). Throws one line per
 * problem.
 */
export function addCatalogModels(input: unknown): { models: string[]; captionModels: string[] } {
  const parsed = catalogFileSchema.safeParse(input);
  if (!parsed.success) throw new CatalogFileError(catalogIssues(parsed.error));
  const problems: string[] = [];
  const media = MODEL_CATALOG as ModelSpec[];
  const captions = CAPTION_MODELS as CaptionModelSpec[];
  const fresh = <T extends { id: string }>(list: T[], row: T, at: string) => {
    const existing = list.find((m) => m.id === row.id);
    if (!existing) return true;
    if (JSON.stringify(existing) !== JSON.stringify(row))
      problems.push(`${at}.id: "${row.id}" is already in the catalog`);
    return false;
  };
  const seen = new Set<string>();
  const addMedia: ModelSpec[] = [];
  const addCaptions: CaptionModelSpec[] = [];
  parsed.data.models.forEach((row, i) => {
    const spec = row as ModelSpec;
    if (seen.has(spec.id)) problems.push(`models[${i}].id: "${spec.id}" appears twice`);
    seen.add(spec.id);
    if (fresh(media, spec, `models[${i}]`)) addMedia.push(spec);
  });
  parsed.data.captionModels.forEach((row, i) => {
    const spec = row as CaptionModelSpec;
    if (fresh(captions, spec, `captionModels[${i}]`)) addCaptions.push(spec);
  });
  if (problems.length) throw new CatalogFileError(problems);
  media.push(...addMedia);
  captions.push(...addCaptions);
  return { models: addMedia.map((m) => m.id), captionModels: addCaptions.map((m) => m.id) };
}

/** A catalog that does not validate: `issues` holds one line per problem. */
export class CatalogFileError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join("\n"));
    this.name = "CatalogFileError";
  }
}
