// tRPC set-up: plain JSON (no transformer), the error shape (Zod problems flattened per field), the base
// procedures and the caller factory. The context they run with is in context.ts.
import { logger } from "@streamline/log";
import { inSpan, markFailed, metrics, secondsSince } from "@streamline/telemetry";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import type { ApiContext } from "./context";
import { findUnsafeText } from "./input-safety";
import { retryAfterSecondsOf } from "./retry-later";

/**
 * A validation failure found after input parsing (a retired model, a bad upload). Carried as the
 * TRPCError's cause so the client sees it in `data.zodError` exactly like a schema failure.
 * (Zod 4 errors are not `Error` instances, so tRPC would not keep one as a cause.)
 */
export class InputFieldError extends Error {
  override name = "InputFieldError";
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string[]>,
  ) {
    super(message);
  }
}

/** What a client sees for a failure on our side; the real message is logged, never sent. */
export const INTERNAL_ERROR_MESSAGE =
  "Something went wrong on our side. Please try again; if it keeps happening, contact support.";

type Issue = { path: PropertyKey[]; message: string; code?: string; expected?: unknown };

/** Zod's type names in the words a refusal uses ("prompt: must be text."). */
const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  nan: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  object: "an object",
  record: "an object",
  array: "a list",
  tuple: "a list",
  date: "a date",
  file: "a file",
};

/** Whether the caller sent anything at `path` (Zod 4 issues no longer carry the input). */
function sentAt(input: unknown, path: readonly PropertyKey[]): boolean {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return false;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value !== undefined;
}

/**
 * What is wrong with one field, in words: missing → "is required."; the wrong type → "must be
 * text." (Zod's "Invalid input: expected string, received number" otherwise); a schema's own
 * message as it is.
 */
function issueProblem(issue: Issue, input: unknown): string {
  if (issue.code !== "invalid_type") return issue.message;
  if (!sentAt(input, issue.path)) return "is required.";
  if (!issue.message.startsWith("Invalid input")) return issue.message;
  const word = TYPE_WORDS[String(issue.expected)];
  return word ? `must be ${word}.` : issue.message;
}

/** The same problem as a field error under its field: "Must be text.", "Required." */
function fieldProblem(issue: Issue, input: unknown): string {
  const problem = issueProblem(issue, input);
  if (problem === "is required.") return "Required.";
  return problem.charAt(0).toUpperCase() + problem.slice(1);
}

/**
 * One schema problem in plain words, naming its field: "prompt: Describe what to generate.",
 * "prompt: must be text.". `input` is what the caller sent (to tell missing from mistyped).
 */
export function describeIssue(issue: Issue, input: unknown): string {
  const field = issue.path.length ? issue.path.map(String).join(".") : "input";
  return `${field}: ${issueProblem(issue, input)}`;
}

/** Zod's per-field errors, each in the words of `fieldProblem`. */
export function fieldErrorsOf(error: ZodError, input: unknown) {
  return z.flattenError(error, (issue) => fieldProblem(issue as Issue, input)) as {
    formErrors: string[];
    fieldErrors: Record<string, string[] | undefined>;
  };
}

/**
 * Field names come from the caller (an option name, a form field): prototype names (`__proto__`,
 * `constructor`, `prototype`) and ones that are not valid text are spelled
 * safely, so refusing an input can never fail while answering.
 */
function safeFieldErrors(
  fieldErrors: Record<string, string[] | undefined>,
): Record<string, string[]> {
  const safe: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(fieldErrors)) {
    const key = /^(__proto__|constructor|prototype)$/.test(name)
      ? `[${name}]`
      : Array.from(name, (c) =>
          c === "\u0000" || /^[\uD800-\uDFFF]$/.test(c) ? "\uFFFD" : c,
        ).join("");
    if (messages) safe[key] = messages;
  }
  return safe;
}

function plainMessage(error: ZodError, input: unknown): string {
  const [first, ...rest] = error.issues;
  if (!first) return "The input is not valid.";
  const described = describeIssue(first, input);
  return rest.length ? `${described} (and ${rest.length} more)` : described;
}

// No transformer: inputs and answers are plain JSON (dates as ISO-8601 strings in the DTOs), so
// any HTTP client in any language can call the API; see "Wire format" in README.md.
const t = initTRPC.context<ApiContext>().create({
  sse: {
    // Shorter than the client's reconnectAfterInactivityMs (see packages/client), so an idle
    // stream is never mistaken for a dead one.
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 25_000 },
  },
  errorFormatter({ shape, error, path, input }) {
    const cause = error.cause;
    if (error.code === "INTERNAL_SERVER_ERROR") {
      // Database and library messages stay on the server (logged once, here).
      logger.error(
        { procedure: path ?? "?", ...(cause ? { err: cause } : {}) },
        `[trpc] ${path ?? "?"}: ${error.message}`,
      );
      const { stack: _stack, ...data } = shape.data;
      return { ...shape, message: INTERNAL_ERROR_MESSAGE, data: { ...data, zodError: null } };
    }
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      // A schema failure says which field and why in words, never a JSON dump of the issues.
      message: cause instanceof ZodError ? plainMessage(cause, input) : shape.message,
      data: {
        ...data,
        // When a TOO_MANY_REQUESTS may be tried again (also sent as Retry-After on its own call).
        ...(retryAfterSecondsOf(error) !== undefined
          ? { retryAfterSeconds: retryAfterSecondsOf(error) }
          : {}),
        // { formErrors: string[], fieldErrors: { prompt: ["..."] } }: the UI shows each by its field.
        zodError:
          cause instanceof ZodError
            ? (({ formErrors, fieldErrors }) => ({
                formErrors,
                fieldErrors: safeFieldErrors(fieldErrors),
              }))(fieldErrorsOf(cause, input))
            : cause instanceof InputFieldError
              ? { formErrors: [], fieldErrors: safeFieldErrors(cause.fieldErrors) }
              : null,
      },
    };
  },
});

export const createTRPCRouter = t.router;

/** A server-side caller of a router (tests, other server code): no HTTP, the same middlewares. */
export const createCallerFactory = t.createCallerFactory;

/** Every procedure: no NUL, lone surrogate or `__proto__` key anywhere in its input. */
const safeInput = t.middleware(async ({ getRawInput, next }) => {
  const unsafe = findUnsafeText(await getRawInput());
  if (unsafe) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: unsafe.message,
      cause: new InputFieldError(unsafe.message, { [unsafe.field]: [unsafe.message] }),
    });
  }
  return next();
});

/**
 * Every procedure: a span and rpc.server.call.duration per call (README "Observability"), no-ops
 * while telemetry is off. Subscriptions are left out: their setup is not their duration.
 */
const observed = t.middleware(async ({ path, type, next }) => {
  if (type === "subscription") return next();
  const started = performance.now();
  const attributes = { "rpc.system.name": "trpc", "rpc.method": path };
  return inSpan(`trpc ${path}`, { attributes }, async (span) => {
    const result = await next();
    const status = result.ok ? "OK" : result.error.code;
    if (!result.ok) markFailed(span, status);
    metrics().rpcDuration.record(secondsSince(started), {
      ...attributes,
      "rpc.response.status_code": status,
    });
    return result;
  });
});

export const publicProcedure = t.procedure.use(observed).use(safeInput);

/**
 * Every procedure but the catalog and health needs a signed-in user. A cookie-authenticated
 * mutation must also come from one of the studio's own origins: browsers send multipart forms
 * cross-site without a preflight, and SameSite=Lax alone does not cover every case (same-site
 * subdomains, older browsers). API-key calls carry no ambient credential and need no such check.
 */
export const protectedProcedure = t.procedure
  .use(observed)
  .use(({ ctx, type, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    if (type === "mutation" && ctx.user.method === "session") {
      const origin = ctx.headers.get("origin");
      if (!origin || !ctx.trustedOrigins.includes(origin)) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "Cross-site request refused: this action must come from the studio itself.",
        });
      }
    }
    return next({ ctx: { ...ctx, user: ctx.user } });
  })
  .use(safeInput);

/** Managing API keys needs the person themself (a session), not another key. */
export const sessionProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.method !== "session") {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Sign in to the studio to manage API keys.",
    });
  }
  return next();
});
