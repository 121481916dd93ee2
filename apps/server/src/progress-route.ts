// `GET /trpc/media.onProgress` served on the raw node:http server, before Express: an open
// progress stream then costs the socket, Node's own request/response and the fan-out's small
// per-stream state — not Express's request/response decoration, the compression wrapper's
// closures or a shutdown listener per stream (≈ 17 KB per stream, measured in bench/fanout.ts).
// Every other request, and any stream request the fan-out does not take (a batch, input tRPC
// would refuse, a failing context), goes to the Express app unchanged.
//
// The rules Express applies to this answer, applied here the same way:
// - the client address for rate limits: Express's own `trust proxy` function (TRUST_PROXY)
//   through proxy-addr, exactly what `req.ip` is, written to CLIENT_IP_HEADER;
// - the security headers (helmet, made once: security-headers.ts), HSTS by the same
//   `req.secure` rule (our TLS, or X-Forwarded-Proto from a trusted proxy);
// - no compression (SSE is never compressed);
// - the request's log context, X-Request-Id and access line (logging.ts: Express's copy of that
//   middleware steps aside for a request handed on from here);
// - shutdown: streams end with the reconnect hint (the fan-out's drain, on runtime.draining).
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { createProgressStreamHandler } from "@streamline/api";
import { CLIENT_IP_HEADER } from "@streamline/auth";
import type express from "express";
import type { Express } from "express";
import proxyAddr from "proxy-addr";
import { requestContext } from "./logging";
import type { Runtime } from "./runtime";
import { securityHeaderValues } from "./security-headers";

export const PROGRESS_PATH = "/trpc/media.onProgress";

export type TrustFn = (address: string, hop: number) => boolean;

/** The client's address as Express's `req.ip` says it (falling back as app.ts does). */
export function clientAddressAsExpressSees(req: IncomingMessage, trust: TrustFn): string {
  return proxyAddr(req, trust) ?? req.socket.remoteAddress ?? "unknown";
}

/** Whether the request came over https as Express's `req.secure` says it. */
export function secureAsExpressSees(req: IncomingMessage, trust: TrustFn): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  if (!trust(req.socket.remoteAddress ?? "", 0)) return false;
  const header = req.headers["x-forwarded-proto"];
  const value = (Array.isArray(header) ? header[0] : header) ?? "http";
  const comma = value.indexOf(",");
  return (comma === -1 ? value : value.slice(0, comma)).trim() === "https";
}

/**
 * The server's request listener: progress streams here, everything else to `app`. Pass the
 * result to http.createServer (app.listen does).
 */
export function progressFirst(
  app: Express,
  runtime: Pick<Runtime, "api" | "storage" | "env"> & Partial<Pick<Runtime, "draining">>,
  reconnectMs: number,
): RequestListener {
  // Express keeps the compiled TRUST_PROXY rule under this setting (the one req.ip uses).
  const trust = app.get("trust proxy fn") as TrustFn;
  let headers: { plain: Record<string, string>; secure: Record<string, string> } | undefined;
  const headersReady = securityHeaderValues(runtime.env, runtime.storage).then((values) => {
    headers = values;
  });
  const progress = createProgressStreamHandler(runtime.api, {
    draining: runtime.draining,
    reconnectMs,
    headersFor: (req) => {
      const values = headers as NonNullable<typeof headers>;
      return secureAsExpressSees(req, trust) ? values.secure : values.plain;
    },
  });
  // The request's log context, X-Request-Id and access line, as every Express answer has them.
  const logged = requestContext();
  const handle = (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    req.headers[CLIENT_IP_HEADER] = clientAddressAsExpressSees(req, trust);
    req.originalUrl ??= req.url;
    logged(req as express.Request, res as express.Response, () => {
      void progress(req, res, () => app(req, res));
    });
  };
  return (req, res) => {
    if (req.method !== "GET" || !isProgressPath(req.url)) return app(req, res);
    if (headers) return handle(req, res);
    headersReady.then(
      () => handle(req, res),
      () => app(req, res),
    );
  };
}

/** `/trpc/media.onProgress` exactly, with or without a query. */
function isProgressPath(url: string | undefined): boolean {
  if (!url?.startsWith(PROGRESS_PATH)) return false;
  const next = url.charCodeAt(PROGRESS_PATH.length);
  return Number.isNaN(next) || next === 63; // end, or "?"
}
