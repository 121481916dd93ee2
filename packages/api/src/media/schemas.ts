import { decodeCursor, MEDIA_STATUSES, MEDIA_TYPES } from "@streamline/db";
import { findModelSpec, invalidOptions, MODEL_CATALOG } from "@streamline/providers";
import { z } from "zod";
import { PROMPT_MAX_LENGTH, promptProblem } from "./prompt";

export { PROMPT_MAX_LENGTH } from "./prompt";

const modelIds = MODEL_CATALOG.map((m) => m.id);

/**
 * The most variants one submission may ask for. The server's default concurrency limit
 * (MEDIA_MAX_CONCURRENT_PER_USER) is this number, so a full submission is accepted by default.
 */
export const MEDIA_MAX_VARIANTS = 4;

/** What `media.generate` takes as JSON (or as the `input` field of a multipart upload). */
export const generateInput = z
  .object({
    type: z.enum(MEDIA_TYPES),
    model: z.string().min(1, "Choose a model.").max(100, "That is not a model id."),
    prompt: z
      .string()
      .trim()
      .superRefine((prompt, ctx) => {
        const problem = promptProblem(prompt, PROMPT_MAX_LENGTH);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    options: z
      .record(
        z.string().max(64, "Option names are short."),
        z.union([z.string().max(200), z.number()]),
      )
      .default({}),
    referenceImageUrl: z
      .url({ protocol: /^https?$/, message: "Use an http(s) link to an image." })
      .max(2_048)
      .optional(),
    /** "Use as reference": one of the caller's own finished images, by id (no re-upload). */
    referenceAssetId: z.uuid("Not an asset id.").optional(),
    /** How many results for this prompt: each variant is its own asset, job and cost. */
    variants: z
      .number()
      .int("Variants is a whole number.")
      .min(1, "At least one variant.")
      .max(MEDIA_MAX_VARIANTS, `At most ${MEDIA_MAX_VARIANTS} variants at once.`)
      .default(1),
    /** The same key never makes a second asset or a second provider job (double clicks, retries). */
    idempotencyKey: z
      .string()
      .min(8)
      .max(128)
      .regex(/^[A-Za-z0-9_.:-]+$/)
      .optional(),
  })
  .superRefine((input, ctx) => {
    const spec = findModelSpec(input.model);
    if (!spec) {
      ctx.addIssue({
        code: "custom",
        path: ["model"],
        message: `Unknown model "${input.model}". Choose one of: ${modelIds.join(", ")}.`,
      });
      return;
    }
    if (spec.type !== input.type) {
      ctx.addIssue({
        code: "custom",
        path: ["model"],
        message: `${spec.label} makes ${spec.type}s, not ${input.type}s.`,
      });
    }
    // Only the model's own options: a name like `constructor` must not reach the catalog lookup
    // through Object.prototype.
    const known: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(input.options)) {
      if (Object.hasOwn(spec.options, name)) known[name] = value;
      else
        ctx.addIssue({
          code: "custom",
          path: ["options", name],
          message: `${spec.label} has no option "${name}".`,
        });
    }
    for (const [name, message] of Object.entries(invalidOptions(spec, known))) {
      ctx.addIssue({ code: "custom", path: ["options", name], message });
    }
  });

export type GenerateInput = z.infer<typeof generateInput>;

/**
 * `media.generate`'s input: a multipart FormData (checked in upload.ts) or the JSON object. Not a
 * z.union, whose failure hides which field was wrong: JSON is parsed by `generateInput` itself,
 * so a missing or mistyped field is named in `fieldErrors`.
 */
export const generateInputOrForm = {
  _input: undefined as unknown as FormData | z.input<typeof generateInput>,
  _output: undefined as unknown as FormData | GenerateInput,
  parse(raw: unknown): FormData | GenerateInput {
    return raw instanceof FormData ? raw : generateInput.parse(raw);
  },
};

export const listInput = z.object({
  limit: z.number().int().min(1).max(100).default(24),
  cursor: z
    .string()
    .max(200, "That page cursor is not valid.")
    .refine((cursor) => decodeCursor(cursor) !== null, "That page cursor is not valid.")
    .nullish(),
  type: z.enum(MEDIA_TYPES).optional(),
  model: z.string().max(100, "That is not a model id.").optional(),
  status: z.enum([...MEDIA_STATUSES, "active"]).optional(),
  /** Only starred results. */
  starred: z.boolean().optional(),
  /** Words the prompt contains (prefixes), searched server-side through an index. */
  search: z.string().trim().max(200, "Keep the search under 200 characters.").optional(),
});

export const starInput = z.object({ id: z.uuid("Not an asset id."), starred: z.boolean() });

export const assetIdInput = z.object({ id: z.uuid("Not an asset id.") });

export const onProgressInput = z.object({
  assetId: z.uuid().optional(),
  /** Set by the client on reconnect: events after this one are replayed first. */
  lastEventId: z
    .string()
    .regex(/^\d{1,15}$/, "That event id is not valid.")
    .refine((id) => Number(id) <= Number.MAX_SAFE_INTEGER, "That event id is not valid.")
    .nullish(),
});
