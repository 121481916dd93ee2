// The server's side of structured logging (@streamline/log): the level, format and secrets from the
// validated environment, and the request context every HTTP call runs in — its request id (the
// caller's X-Request-Id when it is a safe short token, else a new one, echoed in the answer), the
// user once authenticated, and one access line when the answer ends.
import {
  acceptRequestId,
  configureLogging,
  type LogContext,
  logger,
  newRequestId,
  registerSecrets,
  runInNewContext,
} from "@streamline/log";
import type express from "express";
import type { Env } from "./env";

/**
 * Start-up: LOG_LEVEL and LOG_FORMAT (JSON by default in production, readable lines elsewhere),
 * the process's name on every line, and the configured secrets, which no line may ever carry.
 */
export function setUpLogging(env: Env, service?: "server" | "worker"): void {
  configureLogging({
    level: env.LOG_LEVEL,
    format: env.LOG_FORMAT ?? (env.NODE_ENV === "production" ? "json" : "pretty"),
    service,
  });
  registerSecrets([
    env.OPENAI_API_KEY,
    env.GEMINI_API_KEY,
    env.ZERNIO_API_KEY,
    env.LATE_API_KEY,
    env.ZERNIO_WEBHOOK_SECRET,
    env.BETTER_AUTH_SECRET,
    env.S3_SECRET_ACCESS_KEY,
    passwordOf(env.DATABASE_URL),
  ]);
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * Every HTTP call runs in its own log context: its request id (echoed as X-Request-Id) and, once
 * the tRPC context has resolved the caller, its user. When the answer ends (or the client goes
 * away) one access line says what was asked and how it ended — never the query string (tRPC GET
 * inputs carry prompts) or a header.
 */
export function requestContext(): express.RequestHandler {
  return (req, res, next) => {
    // Already in its context: a progress-stream request the raw route (progress-route.ts) handed on.
    if (res.hasHeader(REQUEST_ID_HEADER)) return next();
    const requestId = acceptRequestId(req.headers["x-request-id"]) ?? newRequestId();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const context: LogContext = { requestId };
    const startedAt = performance.now();
    // Written in this call's context: the close event may fire in another call's async chain.
    res.once("close", () =>
      runInNewContext(context, () => logAccess(req, res, context, startedAt)),
    );
    runInNewContext(context, next);
  };
}

function logAccess(
  req: express.Request,
  res: express.Response,
  context: LogContext,
  startedAt: number,
): void {
  const path = req.originalUrl.split("?", 1)[0] ?? "";
  const status = res.statusCode;
  const fields = {
    requestId: context.requestId,
    ...(context.userId ? { userId: context.userId } : {}),
    method: req.method,
    path,
    status,
    ms: Math.round((performance.now() - startedAt) * 10) / 10,
    // The client left before the answer was complete (a progress stream it closed, say).
    ...(res.writableFinished ? {} : { aborted: true }),
  };
  const line = `${req.method} ${path} ${status}`;
  if (status >= 500) logger.warn(fields, line);
  else if (isApiPath(path)) logger.info(fields, line);
  else logger.debug(fields, line); // the studio's files, /media, health checks
}

/** What a call to the product is (as opposed to a static file, stored media or a probe). */
function isApiPath(path: string): boolean {
  return /^\/(trpc|api|webhooks)(\/|$)/.test(path);
}
