// Accounts for the studio on better-auth: email + password, httpOnly SameSite session cookies,
// rate-limited sign-in, on the product's own PostgreSQL / PGlite database through Kysely.
import type { Database } from "@streamline/db";
import { findUserByApiKey } from "@streamline/db";
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { Kysely } from "kysely";

/** The header the server sets from the TCP peer (or trusted proxy), replacing anything a client sent. */
export const CLIENT_IP_HEADER = "x-streamline-client-ip";

export const PASSWORD_RULES = {
  minLength: 10,
  maxLength: 128,
  description: "At least 10 characters, with a letter and a number.",
} as const;

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
}

export function createAuth(config: AuthConfig) {
  return betterAuth({
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
        if (ctx.path !== "/sign-up/email") return;
        const problem = passwordProblem((ctx.body as { password?: unknown } | undefined)?.password);
        if (problem) throw new APIError("BAD_REQUEST", { message: problem, code: "WEAK_PASSWORD" });
      }),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

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
): Promise<AuthenticatedUser | null> {
  const authorization = headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) {
    const found = await findUserByApiKey(db, authorization.slice(7).trim());
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
