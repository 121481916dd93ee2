// Provider and Zernio failures as typed tRPC errors: a refusal names its field, a missing key is
// PRECONDITION_FAILED, an outage is 502/503/504 — never an INTERNAL_SERVER_ERROR (500).
import { isMediaGenError, type MediaGenError } from "@streamline/providers";
import { isSocialError, type SocialError } from "@streamline/social";
import { TRPCError } from "@trpc/server";
import { fieldError } from "../media/upload";

export const POSTING_NOT_CONFIGURED = "Posting is not configured — add ZERNIO_API_KEY";

export function notFound(what: "asset" | "post"): TRPCError {
  return new TRPCError({
    code: "NOT_FOUND",
    message: what === "asset" ? "No such asset." : "No such post.",
  });
}

export function postingNotConfigured(): TRPCError {
  return new TRPCError({ code: "PRECONDITION_FAILED", message: `${POSTING_NOT_CONFIGURED}.` });
}

/** A caption provider failure (MediaGenError codes, the same as generation's). */
export function captionErrorToTRPC(error: MediaGenError): TRPCError {
  const message = error.message;
  switch (error.code) {
    case "PROVIDER_AUTH":
      return new TRPCError({ code: "PRECONDITION_FAILED", message, cause: error });
    case "MODEL_UNAVAILABLE":
      return fieldError("model", message);
    case "INVALID_REQUEST":
      return new TRPCError({ code: "BAD_REQUEST", message, cause: error });
    case "CONTENT_REJECTED":
      return new TRPCError({ code: "UNPROCESSABLE_CONTENT", message, cause: error });
    case "RATE_LIMITED":
      return new TRPCError({ code: "TOO_MANY_REQUESTS", message, cause: error });
    case "TIMEOUT":
      return new TRPCError({ code: "GATEWAY_TIMEOUT", message, cause: error });
    case "PROVIDER_UNAVAILABLE":
      return new TRPCError({ code: "SERVICE_UNAVAILABLE", message, cause: error });
    default:
      return new TRPCError({ code: "BAD_GATEWAY", message, cause: error });
  }
}

/** The tRPC code a caption failure stored on a request row answers with again. */
export function captionErrorFromStored(code: string, message: string): TRPCError {
  const fake = { code, message } as MediaGenError;
  return captionErrorToTRPC(fake);
}

/** A Zernio failure while the user waits (accounts, cancel, update, retry). */
export function socialErrorToTRPC(error: SocialError): TRPCError {
  const message = error.message;
  switch (error.code) {
    case "AUTH":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `Zernio refused the API key — check ZERNIO_API_KEY (${message})`,
        cause: error,
      });
    case "ACCOUNT_DISCONNECTED":
    case "ACCOUNT_NOT_ENABLED":
    case "PROFILE_OVER_LIMIT":
      return fieldError("targets", message);
    case "VALIDATION":
      return new TRPCError({ code: "BAD_REQUEST", message, cause: error });
    case "FORBIDDEN":
      return new TRPCError({ code: "FORBIDDEN", message, cause: error });
    case "NOT_FOUND":
      return new TRPCError({ code: "NOT_FOUND", message, cause: error });
    case "CONFLICT":
      return new TRPCError({ code: "CONFLICT", message, cause: error });
    case "RATE_LIMITED": {
      const when = error.resetAt ? ` Try again after ${error.resetAt.toISOString()}.` : "";
      return new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: `${message}.${when}`,
        cause: error,
      });
    }
    case "TIMEOUT":
      return new TRPCError({ code: "GATEWAY_TIMEOUT", message, cause: error });
    case "UNAVAILABLE":
      return new TRPCError({ code: "SERVICE_UNAVAILABLE", message, cause: error });
    default:
      return new TRPCError({ code: "BAD_GATEWAY", message, cause: error });
  }
}

/** Runs a call to Zernio and rethrows its failure as a typed tRPC error. */
export async function viaZernio<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isSocialError(error)) throw socialErrorToTRPC(error);
    throw error;
  }
}

export function isCaptionFailure(error: unknown): error is MediaGenError {
  return isMediaGenError(error);
}
