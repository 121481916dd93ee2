// A refusal that says when to try again: TOO_MANY_REQUESTS whose cause carries the wait. The
// server turns it into HTTP 429 + Retry-After (apps/server/src/app.ts responseMeta), and the error
// data carries `retryAfterSeconds` for batched calls, whose HTTP status is shared.
import { TRPCError } from "@trpc/server";

export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export function tooManyRequests(message: string, retryAfterSeconds: number): TRPCError {
  return new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message,
    cause: new RetryLater(message, retryAfterSeconds),
  });
}

/** The wait a refusal names, if it is one of ours. */
export function retryAfterSecondsOf(error: { cause?: unknown }): number | undefined {
  return error.cause instanceof RetryLater ? error.cause.retryAfterSeconds : undefined;
}

/** "42 seconds", "2 minutes". */
export function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
