import type { AppRouter } from "@streamline/api";
import { TRPCClientError } from "@trpc/client";
import { toast } from "sonner";

export type FieldErrors = Partial<Record<string, string[]>>;

export function isApiError(error: unknown): error is TRPCClientError<AppRouter> {
  return error instanceof TRPCClientError;
}

export function errorCode(error: unknown): string | undefined {
  return isApiError(error) ? error.data?.code : undefined;
}

/** The server's per-field validation messages (`data.zodError.fieldErrors`), if any. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  if (!isApiError(error)) return {};
  return (error.data?.zodError?.fieldErrors as FieldErrors | undefined) ?? {};
}

/**
 * Provider wording, as the server relays it, in words a creator understands. The server's message
 * stays the source; only its display changes.
 */
const PLAIN: [RegExp, string][] = [
  [
    /^Google no longer knows this job\b|Invalid interaction name|Invalid operation name/i,
    "Google no longer has this job (it expired or was removed on Google's side), so its result cannot be fetched. Retry starts a new generation.",
  ],
  [
    /^OpenAI no longer knows this video job\b/i,
    "OpenAI no longer has this video job (it expired or was removed on OpenAI's side), so its result cannot be fetched. Retry starts a new generation.",
  ],
];

export function plainMessage(message: string): string {
  for (const [pattern, plain] of PLAIN) if (pattern.test(message)) return plain;
  return (
    message
      // Two sentences glued together ("…instead.Use GPT Image…") get their space back.
      .replace(/([a-z0-9)\]"”'])([.!?])(?=[A-Z])/g, "$1$2 ")
      .replace(/\s{2,}/g, " ")
      .trim()
  );
}

/** The message of a failed call, plain. */
export function messageOf(error: unknown): string {
  return plainMessage(error instanceof Error ? error.message : String(error));
}

/** One toast per failed call, worded by what the user can do about it. */
export function toastApiError(error: unknown) {
  const message = messageOf(error);
  switch (errorCode(error)) {
    case "BAD_REQUEST":
      toast.error("Please check the form", { description: message });
      break;
    case "TOO_MANY_REQUESTS":
      toast.warning("Limit reached", { description: message });
      break;
    case "PRECONDITION_FAILED":
      // A missing key is for whoever runs the server: leave it up long enough to pass on.
      toast.error(message, { duration: 10_000 });
      break;
    case "UNAUTHORIZED":
      toast.info("Please sign in again.");
      break;
    case undefined:
      toast.error("Could not reach the studio server", {
        description: "Check your connection and try again.",
      });
      break;
    default:
      toast.error(message);
  }
}
