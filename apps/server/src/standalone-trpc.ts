// EXPERIMENT (issue 18, decision 7), measured by `pnpm bench` (list): `/trpc` on tRPC's standalone
// node:http handler instead of Express, with the same per-request rules in front — the client
// address for rate limits (from the connection; behind a proxy, Express's trust-proxy rule), the
// security headers, compression, one socket write per answer, Retry-After — and better-auth's
// handler at /api/auth. Not wired into the product: see README "Wire format and speed".
import http from "node:http";
import { appRouter, createContextFactory, retryAfterSecondsOf } from "@streamline/api";
import { CLIENT_IP_HEADER } from "@streamline/auth";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { toNodeHandler } from "better-auth/node";
import express from "express";
import { compress, MAX_HEADER_BYTES, oneWritePerAnswer } from "./app";
import type { Runtime } from "./runtime";
import { securityHeaders } from "./security-headers";

type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

export function createStandaloneTrpcServer(
  runtime: Pick<Runtime, "api" | "storage" | "auth" | "env">,
): http.Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: createContextFactory(runtime.api),
    maxBodySize: runtime.api.limits.referenceImageMaxBytes + 1024 * 1024,
    allowMethodOverride: true,
    responseMeta({ errors }) {
      const waits = errors.map(retryAfterSecondsOf).filter((s) => s !== undefined);
      return waits.length ? { headers: { "Retry-After": String(Math.max(...waits)) } } : {};
    },
  });
  const auth = toNodeHandler(runtime.auth);
  // Behind a proxy, the client address is Express's trust-proxy answer (the same rule as the app).
  const trusted =
    runtime.env.TRUST_PROXY === false
      ? undefined
      : express().set("trust proxy", runtime.env.TRUST_PROXY);
  const clientIp = (req: http.IncomingMessage) => {
    if (!trusted) return req.socket.remoteAddress ?? "unknown";
    Object.setPrototypeOf(req, trusted.request);
    (req as express.Request).app = trusted;
    return (req as express.Request).ip ?? req.socket.remoteAddress ?? "unknown";
  };
  const chain: Middleware[] = [
    securityHeaders(runtime.env, runtime.storage) as unknown as Middleware,
    compress() as unknown as Middleware,
  ];
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    req.headers[CLIENT_IP_HEADER] = clientIp(req);
    let i = 0;
    const next = () => {
      const step = chain[i++];
      if (step) return step(req, res, next);
      const url = req.url ?? "/";
      if (url.startsWith("/trpc/")) {
        return (oneWritePerAnswer as unknown as Middleware)(req, res, () => void trpc(req, res));
      }
      if (url.startsWith("/api/auth/")) return void auth(req, res);
      res.statusCode = 404;
      res.end();
    };
    next();
  });
  return server;
}
