import {
  isMediaGenError,
  type ModelSpec,
  type ReferenceImage,
  ReferenceImageError,
} from "@streamline/providers";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { type ApiContext, InputFieldError } from "../trpc";
import { type GenerateInput, generateInput } from "./schemas";

/** A BAD_REQUEST whose flattened Zod error names the field, like input validation does. */
export function fieldError(field: string, message: string): TRPCError {
  return new TRPCError({
    code: "BAD_REQUEST",
    message,
    cause: new InputFieldError(message, { [field]: [message] }),
  });
}

/** A multipart upload carries the JSON input in `input` and the photo in `referenceImage`. */
export async function parseGenerateFormData(
  form: FormData,
): Promise<{ input: GenerateInput; upload: File | undefined }> {
  const raw = form.get("input");
  let json: unknown;
  try {
    json = typeof raw === "string" ? JSON.parse(raw) : undefined;
  } catch {
    throw fieldError("input", "The input field must be JSON.");
  }
  const parsed = generateInput.safeParse(json ?? {});
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error);
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: parsed.error.issues[0]?.message ?? "Invalid input",
      cause: new InputFieldError("Invalid input", fieldErrors as Record<string, string[]>),
    });
  }
  const file = form.get("referenceImage");
  return { input: parsed.data, upload: file instanceof File && file.size > 0 ? file : undefined };
}

export async function checkReferenceImage(
  ctx: ApiContext,
  spec: ModelSpec,
  input: GenerateInput,
  upload: File | undefined,
): Promise<ReferenceImage | undefined> {
  if (!upload && !input.referenceImageUrl) return undefined;
  if (!spec.referenceImage) {
    throw fieldError("referenceImage", `${spec.label} does not take a reference image.`);
  }
  if (upload && upload.size > ctx.limits.referenceImageMaxBytes) {
    throw fieldError(
      "referenceImage",
      `The reference image is larger than ${Math.round(ctx.limits.referenceImageMaxBytes / 1_048_576)} MB.`,
    );
  }
  try {
    return await ctx.loadReferenceImage(
      upload
        ? {
            bytes: new Uint8Array(await upload.arrayBuffer()),
            filename: upload.name,
            declaredType: upload.type,
          }
        : { url: input.referenceImageUrl as string },
    );
  } catch (error) {
    if (error instanceof ReferenceImageError) throw fieldError("referenceImage", error.message);
    if (isMediaGenError(error)) throw fieldError("referenceImage", error.message);
    throw error;
  }
}
