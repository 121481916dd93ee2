import { MEDIA_STATUSES, MEDIA_TYPES } from "@streamline/db";
import { findModelSpec, invalidOptions, MODEL_CATALOG } from "@streamline/providers";
import { z } from "zod";

export const PROMPT_MAX_LENGTH = 4_000;

const modelIds = MODEL_CATALOG.map((m) => m.id);

/** What `media.generate` takes as JSON (or as the `input` field of a multipart upload). */
export const generateInput = z
  .object({
    type: z.enum(MEDIA_TYPES),
    model: z.string().min(1, "Choose a model."),
    prompt: z
      .string()
      .trim()
      .min(1, "Describe what to generate.")
      .max(PROMPT_MAX_LENGTH, `Keep the prompt under ${PROMPT_MAX_LENGTH} characters.`),
    options: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    referenceImageUrl: z
      .url({ protocol: /^https?$/, message: "Use an http(s) link to an image." })
      .max(2_048)
      .optional(),
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
    for (const [name, message] of Object.entries(invalidOptions(spec, input.options))) {
      ctx.addIssue({ code: "custom", path: ["options", name], message });
    }
  });

export type GenerateInput = z.infer<typeof generateInput>;

export const listInput = z.object({
  limit: z.number().int().min(1).max(100).default(24),
  cursor: z.string().max(200).nullish(),
  type: z.enum(MEDIA_TYPES).optional(),
  model: z.string().max(100).optional(),
  status: z.enum([...MEDIA_STATUSES, "active"]).optional(),
});

export const assetIdInput = z.object({ id: z.uuid("Not an asset id.") });

export const onProgressInput = z.object({
  assetId: z.uuid().optional(),
  /** Set by the client on reconnect: events after this one are replayed first. */
  lastEventId: z.string().regex(/^\d+$/).nullish(),
});
