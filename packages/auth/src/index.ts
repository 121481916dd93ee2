// Accounts for the studio on better-auth: email + password, httpOnly SameSite session cookies,
// rate-limited sign-in, on the product's own PostgreSQL / PGlite database through Kysely.
import type { Database } from "@streamline/db";
import { type ApiKeyCache, findUserByApiKey, findUserByApiKeyCached } from "@streamline/db";
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { Kysely } from "kysely";
import {
  type AccountLimit,
  DEFAULT_ACCOUNT_LIMIT,
  normalizeEmail,
  reserveSignInAttempt,
  settleSignInAttempt,
} from "./sign-in-limits";

export { type AccountLimit, DEFAULT_ACCOUNT_LIMIT } from "./sign-in-limits";

/** The header the server sets from the TCP peer (or trusted proxy), replacing anything a client sent. */
export const CLIENT_IP_HEADER = "x-streamline-client-ip";

export const PASSWORD_RULES = {
  minLength: 10,
  maxLength: 128,
  description: "At least 10 characters, with a letter and a number.",
} as const;

/** Limits on the other account fields (RFC 5321 caps an address at 254 characters). */
export const ACCOUNT_FIELD_LIMITS = {
  emailMaxLength: 254,
  nameMaxLength: 100,
  imageMaxLength: 2_048,
};

export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== "string") return "Enter a password.";
  if (password.length < PASSWORD_RULES.minLength || password.length > PASSWORD_RULES.maxLength)
    return `Use ${PASSWORD_RULES.minLength} to ${PASSWORD_RULES.maxLength} characters.`;
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password))
    return "Use at least one letter and one number.";
  return undefined;
}

export interface AuthConfig {
  db: Kysely<Database>;
  /** The studio's public origin, e.g. https://studio.example.com (http://localhost:5173 in dev). */
  baseURL: string;
  /** Other origins allowed to make cookie-authenticated requests (the Vite dev server …). */
  trustedOrigins?: string[] | undefined;
  /** Signs session cookies; at least 32 random characters in production. */
  secret: string;
  /** Secure cookies (HTTPS). Defaults to true unless the base URL is plain http. */
  secureCookies?: boolean | undefined;
  /** Sign-in attempts allowed per client IP per minute. */
  signInAttemptsPerMinute?: number | undefined;
  /** Failed sign-ins allowed per account (e-mail) across all addresses, per window. */
  accountLimit?: Partial<AccountLimit> | undefined;
}

/** Plain words for a wait: "45 seconds", "3 minutes". */
export function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** A 429 that says when to try again, in a header and in words. */
export function tooManyAttempts(retryAfterSeconds: number, what: string): Response {
  return Response.json(
    {
      code: "TOO_MANY_ATTEMPTS",
      message: `${what} Try again in ${describeWait(retryAfterSeconds)}.`,
      retryAfterSeconds,
    },
    {
      status: 429,
      headers: {
        "Retry-After": String(retryAfterSeconds),
        "X-Retry-After": String(retryAfterSeconds),
      },
    },
  );
}

type Body = Record<string, unknown> | undefined;

/** The first problem with the profile fields of a sign-up or profile update, by field. */
export function accountFieldProblem(body: Body): { field: string; message: string } | undefined {
  const { email, newEmail, name, image } = body ?? {};
  for (const [field, value] of [
    ["email", email],
    ["newEmail", newEmail],
  ] as const) {
    if (typeof value === "string" && value.length > ACCOUNT_FIELD_LIMITS.emailMaxLength)
      return {
        field,
        message: `Use an e-mail address of at most ${ACCOUNT_FIELD_LIMITS.emailMaxLength} characters.`,
      };
  }
  if (typeof name === "string" && name.trim().length > ACCOUNT_FIELD_LIMITS.nameMaxLength)
    return {
      field: "name",
      message: `Keep the name under ${ACCOUNT_FIELD_LIMITS.nameMaxLength} characters.`,
    };
  if (image !== undefined && image !== null) {
    let ok = false;
    if (typeof image === "string" && image.length <= ACCOUNT_FIELD_LIMITS.imageMaxLength) {
      try {
        ok = ["http:", "https:"].includes(new URL(image).protocol);
      } catch {
        ok = false;
      }
    }
    if (!ok) return { field: "image", message: "Use an http(s) link for the profile image." };
  }
  return undefined;
}

/** Where a password is chosen, and the body field that carries it. */
const PASSWORD_FIELDS: Record<string, string> = {
  "/sign-up/email": "password",
  "/change-password": "newPassword",
  "/reset-password": "newPassword",
  "/set-password": "newPassword",
};
const PROFILE_PATHS = new Set(["/sign-up/email", "/update-user", "/change-email"]);

export function createAuth(config: AuthConfig) {
  const auth = betterAuth({
    appName: "Streamline AI Studio",
    baseURL: config.baseURL,
    basePath: "/api/auth",
    secret: config.secret,
    trustedOrigins: [config.baseURL, ...(config.trustedOrigins ?? [])],
    database: { db: config.db, type: "postgres" },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_RULES.minLength,
      maxPasswordLength: PASSWORD_RULES.maxLength,
      autoSignIn: true,
    },
    rateLimit: {
      enabled: true,
      // In the database, so the limit holds across every server process.
      storage: "database",
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: 60, max: config.signInAttemptsPerMinute ?? 5 },
        "/sign-up/email": { window: 60, max: 10 },
      },
    },
    advanced: {
      useSecureCookies: config.secureCookies ?? config.baseURL.startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", path: "/" },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    telemetry: { enabled: false },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        const body = ctx.body as Body;
        const passwordField = PASSWORD_FIELDS[ctx.path];
        if (passwordField) {
          const problem = passwordProblem(body?.[passwordField]);
          if (problem)
            throw new APIError("BAD_REQUEST", {
              message: problem,
              code: "WEAK_PASSWORD",
              field: passwordField,
            });
        }
        if (PROFILE_PATHS.has(ctx.path)) {
          const problem = accountFieldProblem(body);
          if (problem)
            throw new APIError("BAD_REQUEST", {
              message: problem.message,
              code: "INVALID_FIELD",
              field: problem.field,
            });
        }
      }),
    },
  });
  const limit: AccountLimit = { ...DEFAULT_ACCOUNT_LIMIT, ...config.accountLimit };
  const handler = auth.handler;
  /**
   * better-auth's handler, with the per-account sign-in limit around e-mail sign-in, and every 429
   * (its per-IP limiter's too) answered with Retry-After and a message saying when to try again.
   */
  auth.handler = async (request: Request): Promise<Response> => {
    const email =
      request.method === "POST" && new URL(request.url).pathname.endsWith("/sign-in/email")
        ? await request
            .clone()
            .json()
            .then((body: Body) => body?.email)
            .catch(() => undefined)
        : undefined;
    if (typeof email !== "string" || email.length > ACCOUNT_FIELD_LIMITS.emailMaxLength)
      return withRetryAfter(await handler(request));
    const key = normalizeEmail(email);
    const ticket = await reserveSignInAttempt(config.db, key, limit);
    if (!ticket.allowed)
      return tooManyAttempts(
        ticket.retryAfterSeconds,
        "Too many failed sign-ins for this account.",
      );
    let response: Response | undefined;
    try {
      response = await handler(request);
      return withRetryAfter(response);
    } finally {
      const outcome =
        response?.status === 401 ? "failed" : response?.ok ? "succeeded" : "not-checked";
      await settleSignInAttempt(config.db, ticket, outcome, key).catch(() => {});
    }
  };
  return auth;
}

async function withRetryAfter(response: Response): Promise<Response> {
  if (response.status !== 429 || response.headers.has("retry-after")) return response;
  const seconds = Number(response.headers.get("x-retry-after"));
  return tooManyAttempts(
    Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 60,
    "Too many attempts.",
  );
}

export type Auth = ReturnType<typeof createAuth>;

/** A password check: right, wrong, or refused for now (too many wrong ones for this account). */
export type PasswordCheck = { ok: true } | { ok: false; retryAfterSeconds?: number | undefined };

/**
 * Checks the signed-in caller's password with better-auth itself (its server-only
 * `/verify-password` endpoint: the session in `headers`, the credential account's hash). Wrong
 * passwords count against the same per-account limit as failed sign-ins (`AUTH_ACCOUNT_FAILURES`
 * per window), so a stolen session cookie cannot be used to guess the password. Anything but a
 * refusal (the database down) is thrown.
 */
export async function verifyUserPassword(
  auth: Auth,
  headers: Headers,
  password: string,
  guard: { db: Kysely<Database>; email: string; limit?: Partial<AccountLimit> | undefined },
): Promise<PasswordCheck> {
  const key = normalizeEmail(guard.email);
  const limit: AccountLimit = { ...DEFAULT_ACCOUNT_LIMIT, ...guard.limit };
  const ticket = await reserveSignInAttempt(guard.db, key, limit);
  if (!ticket.allowed) return { ok: false, retryAfterSeconds: ticket.retryAfterSeconds };
  let outcome: "failed" | "succeeded" | "not-checked" = "not-checked";
  try {
    await auth.api.verifyPassword({ body: { password }, headers });
    outcome = "succeeded";
    return { ok: true };
  } catch (error) {
    if (error instanceof APIError && (error.statusCode === 400 || error.statusCode === 401)) {
      outcome = "failed";
      return { ok: false };
    }
    throw error;
  } finally {
    await settleSignInAttempt(guard.db, ticket, outcome, key).catch(() => {});
  }
}

export type AuthenticatedUser = {
  id: string;
  email?: string | undefined;
  name?: string | undefined;
  /** How the caller proved who it is: a browser session cookie or an API key. */
  method: "session" | "api-key";
};

/**
 * Who is calling: `Authorization: Bearer <api key>` (internal apps, the CLI) or the session cookie
 * (the studio). A revoked or unknown key is refused outright, without falling back to the cookie.
 */
export async function resolveCaller(
  auth: Auth,
  db: Kysely<Database>,
  headers: Headers,
  /** This process's key cache (revocation-aware, see @streamline/db's ApiKeyCache). */
  apiKeys?: ApiKeyCache | undefined,
): Promise<AuthenticatedUser | null> {
  const authorization = headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) {
    const key = authorization.slice(7).trim();
    const found = apiKeys
      ? await findUserByApiKeyCached(db, key, apiKeys)
      : await findUserByApiKey(db, key);
    return found ? { id: found.userId, method: "api-key" } : null;
  }
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  return {
    id: session.user.id,
    email: session.user.email,
    name: session.user.name,
    method: "session",
  };
}
