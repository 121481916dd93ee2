// Test-only: what a procedure refused with, read from the TRPCError a caller throws (no HTTP, so no
// error formatter: the fields come from the error's cause, as the formatter reads them).
import { TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { InputFieldError } from "../trpc";

export interface Refusal {
  code: TRPCError["code"];
  message: string;
  /** Messages per input field: a schema failure's, or a later check's (InputFieldError). */
  fields: Record<string, string[]>;
}

/** The refusal a call ends in; fails the test when the call succeeds or throws something else. */
export async function refusalOf(call: Promise<unknown>): Promise<Refusal> {
  let thrown: unknown;
  try {
    await call;
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof TRPCError)) {
    throw new Error(
      `Expected a TRPCError, got ${thrown === undefined ? "success" : String(thrown)}`,
    );
  }
  const cause = thrown.cause;
  const fields =
    cause instanceof ZodError
      ? (z.flattenError(cause).fieldErrors as Record<string, string[]>)
      : cause instanceof InputFieldError
        ? cause.fieldErrors
        : {};
  return { code: thrown.code, message: thrown.message, fields };
}
