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

/** One toast per failed call, worded by what the user can do about it. */
export function toastApiError(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
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
