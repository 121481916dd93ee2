export const REFERENCE_IMAGE_ERROR_CODES = [
  "UNSUPPORTED_TYPE",
  "TOO_LARGE",
  "BAD_DIMENSIONS",
  "INVALID_IMAGE",
  "BLOCKED_URL",
  "FETCH_FAILED",
  "TIMEOUT",
] as const;
export type ReferenceImageErrorCode = (typeof REFERENCE_IMAGE_ERROR_CODES)[number];

/**
 * Why a user's reference photo was refused. The message is written for the user; the API layer
 * maps every code to BAD_REQUEST on the `referenceImage` field.
 */
export class ReferenceImageError extends Error {
  override name = "ReferenceImageError";
  readonly code: ReferenceImageErrorCode;
  readonly field = "referenceImage";

  constructor(code: ReferenceImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isReferenceImageError(error: unknown): error is ReferenceImageError {
  return error instanceof ReferenceImageError;
}
