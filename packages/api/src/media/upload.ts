import { findMediaAsset } from "@streamline/db";
import {
  isMediaGenError,
  type ModelSpec,
  type ReferenceImage,
  ReferenceImageError,
} from "@streamline/providers";
import { readStoredObject } from "@streamline/storage";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../context";
import { findUnsafeText } from "../input-safety";
import { describeIssue, fieldErrorsOf, InputFieldError } from "../trpc";
import { storageKeysOf } from "./dto";
import { type GenerateInput, generateInput } from "./schemas";

/** A BAD_REQUEST whose flattened Zod error names the field, like input validation does. */
export function fieldError(field: string, message: string): TRPCError {
  return new TRPCError({
    code: "BAD_REQUEST",
    message,
    cause: new InputFieldError(message, { [field]: [message] }),
  });
}

/** The only fields a multipart generate may carry. */
const FORM_FIELDS = new Set(["input", "referenceImage"]);

/**
 * A multipart upload carries the JSON input in `input` and the photo in `referenceImage`. Anything
 * ambiguous is refused with a field error rather than silently dropped (and then billed as a
 * text-only generation): an empty file, a file under another name, the photo sent as text, two
 * photos, or a photo together with a `referenceImageUrl`.
 */
export async function parseGenerateFormData(
  form: FormData,
): Promise<{ input: GenerateInput; upload: File | undefined }> {
  for (const [name, value] of form.entries()) {
    if (!FORM_FIELDS.has(name)) {
      throw fieldError(
        name,
        typeof value === "string"
          ? `Unexpected field "${name}": put every setting in the JSON "input" field.`
          : `Unexpected file field "${name}": send the reference photo as "referenceImage".`,
      );
    }
  }
  const inputs = form.getAll("input");
  const raw = inputs[0];
  if (inputs.length !== 1 || typeof raw !== "string") {
    throw fieldError(
      "input",
      inputs.length > 1
        ? "Send one input field, not several."
        : "The input field must be JSON text.",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw fieldError("input", "The input field must be JSON.");
  }
  const unsafe = findUnsafeText(json);
  if (unsafe) throw fieldError(unsafe.field, unsafe.message);
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw fieldError("input", "The input field must be a JSON object.");
  }
  const parsed = generateInput.safeParse(json);
  if (!parsed.success) {
    const { fieldErrors } = fieldErrorsOf(parsed.error, json);
    const first = parsed.error.issues[0];
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: first ? describeIssue(first, json) : "The input is not valid.",
      cause: new InputFieldError("Invalid input", fieldErrors as Record<string, string[]>),
    });
  }
  const files = form.getAll("referenceImage");
  if (files.length > 1) {
    throw fieldError("referenceImage", `Send one reference image, not ${files.length}.`);
  }
  const file = files[0];
  if (typeof file === "string") {
    throw fieldError("referenceImage", "Attach the reference image as a file, not as text.");
  }
  if (file && file.size === 0) {
    throw fieldError("referenceImage", "The reference image file is empty.");
  }
  if (file && parsed.data.referenceImageUrl) {
    throw fieldError(
      "referenceImageUrl",
      "Send a reference image file or a link to one, not both.",
    );
  }
  return { input: parsed.data, upload: file };
}

export async function checkReferenceImage(
  ctx: ApiContext & { user: SessionUser },
  spec: ModelSpec,
  input: GenerateInput,
  upload: File | undefined,
): Promise<ReferenceImage | undefined> {
  if (!upload && !input.referenceImageUrl && !input.referenceAssetId) return undefined;
  if (input.referenceAssetId && (upload || input.referenceImageUrl)) {
    throw fieldError(
      "referenceAssetId",
      "Use one reference: an earlier result, an uploaded photo or a link — not several.",
    );
  }
  if (!spec.referenceImage) {
    throw fieldError(
      input.referenceAssetId ? "referenceAssetId" : "referenceImage",
      `${spec.label} does not take a reference image.`,
    );
  }
  if (input.referenceAssetId) return referenceFromAsset(ctx, input.referenceAssetId);
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

/**
 * An earlier result as the next reference photo: it must be the caller's own, finished image (an
 * id of anyone else's reads as "no such result"), and it passes the same checks as an upload.
 */
async function referenceFromAsset(
  ctx: ApiContext & { user: SessionUser },
  assetId: string,
): Promise<ReferenceImage> {
  const source = await findMediaAsset(ctx.db, { id: assetId, userId: ctx.user.id });
  const key = source ? storageKeysOf(source).resultKey : undefined;
  if (source?.type !== "image" || source.status !== "succeeded" || !key) {
    throw fieldError("referenceAssetId", "No finished image of yours with that id.");
  }
  const bytes = await readStoredObject(ctx.storage, key, ctx.limits.referenceImageMaxBytes).catch(
    () => {
      throw fieldError(
        "referenceAssetId",
        `That image is larger than ${Math.round(ctx.limits.referenceImageMaxBytes / 1_048_576)} MB, the limit for a reference photo.`,
      );
    },
  );
  if (!bytes) throw fieldError("referenceAssetId", "That image's file is no longer stored.");
  try {
    return await ctx.loadReferenceImage({ bytes, filename: key });
  } catch (error) {
    if (error instanceof ReferenceImageError || isMediaGenError(error))
      throw fieldError("referenceAssetId", error.message);
    throw error;
  }
}
