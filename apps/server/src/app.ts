import { existsSync } from "node:fs";
import http, { type Server } from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import zlib from "node:zlib";
import {
  appRouter,
  createContextFactory,
  handleZernioWebhook,
  retryAfterSecondsOf,
} from "@streamline/api";
import { CLIENT_IP_HEADER } from "@streamline/auth";
import { logger } from "@streamline/log";
import type { MediaStorage } from "@streamline/storage";
import { httpTelemetry } from "@streamline/telemetry";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { toNodeHandler } from "better-auth/node";
import compression from "compression";
import express, { type Express } from "express";
import rangeParser from "range-parser";
import { requestContext } from "./logging";
import { progressFirst } from "./progress-route";
import type { Runtime } from "./runtime";
import { securityHeaders } from "./security-headers";

/**
 * The HTTP surface: tRPC at /trpc, stored media at /media/*, /healthz (liveness) and /readyz
 * (readiness). No REST routes.
 */
export function createApp(
  runtime: Pick<Runtime, "api" | "storage" | "handle" | "auth" | "env" | "webDistDir"> &
    Partial<Pick<Runtime, "posting" | "draining" | "ready">>,
): Express {
  const app = express();
  app.disable("x-powered-by");
  // Servers come from app.listen: with room for long batched GET URLs, and a JSON tRPC-shaped
  // answer when a request's headers are still too large (Node's own 431 has no body at all).
  app.listen = ((...args: Parameters<Server["listen"]>) => {
    // Progress streams are served before Express, on the raw server (progress-route.ts).
    const listener = runtime.env.MEDIA_SSE_FANOUT
      ? progressFirst(app, runtime, SSE_RECONNECT_MS)
      : app;
    const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, listener);
    server.on("clientError", answerClientError);
    const done = args.at(-1);
    if (typeof done === "function") server.once("error", done as (error: Error) => void);
    return server.listen(...args);
  }) as Express["listen"];
  // Logging (src/logging.ts): every call's request id (X-Request-Id) and user, one access line.
  app.use(requestContext());
  // A hop count or proxy CIDRs (never `true`, which would take the leftmost, client-chosen
  // X-Forwarded-For entry): req.ip is the first untrusted address from the right.
  if (runtime.env.TRUST_PROXY !== false) app.set("trust proxy", runtime.env.TRUST_PROXY);
  // The client IP for rate limits comes from the connection (or a trusted proxy), never from a
  // header the client chose.
  app.use((req, _res, next) => {
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? "unknown";
    next();
  });
  // --- OpenTelemetry: a span and http.server.request.duration per request (a no-op when off).
  app.use(httpTelemetry());
  app.use(securityHeaders(runtime.env, runtime.storage));
  app.use(compress());

  // Crawlers: nothing here is public content (the studio is behind sign-in), so index nothing.
  app.get("/robots.txt", (_req, res) => {
    res.type("text/plain").setHeader("Cache-Control", "public, max-age=86400");
    res.send(ROBOTS_TXT);
  });

  // Sign-up, sign-in, sign-out and the session (better-auth's own handler).
  app.all("/api/auth/*splat", toNodeHandler(runtime.auth));

  app.get("/healthz", async (_req, res) => {
    try {
      await runtime.handle.db.selectNoFrom((eb) => eb.val(1).as("ok")).execute();
      res.json({ ok: true });
    } catch {
      res.status(503).json({ ok: false });
    }
  });

  // Readiness: the database and the queue answer, and the process is not shutting down. A load
  // balancer sends traffic only while this is 200; /healthz stays "the process is alive".
  app.get("/readyz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    if (runtime.draining?.aborted) return void res.status(503).json({ ok: false, draining: true });
    const checks = (await runtime.ready?.()) ?? { database: true, queue: true };
    const ok = checks.database && checks.queue;
    res.status(ok ? 200 : 503).json({ ok, ...checks });
  });

  zernioWebhook(app, runtime);

  // Progress streams on the process's one SSE fan-out are answered before Express (app.listen,
  // progress-route.ts); what the fan-out does not take comes here, to tRPC's own stream.
  app.use(
    "/trpc",
    endStreamsWhenDraining(runtime.draining),
    oneWritePerAnswer,
    createExpressMiddleware({
      router: appRouter,
      createContext: createContextFactory(runtime.api),
      maxBodySize: runtime.api.limits.referenceImageMaxBytes + 1024 * 1024,
      // Queries whose input can be long (social.check carries every caption) may come as POST.
      allowMethodOverride: true,
      // A refusal that says when to try again (posting rate, caption rate) is an HTTP 429 with
      // Retry-After on its own call; batched calls carry it in the error data instead.
      responseMeta({ errors }) {
        const waits = errors.map(retryAfterSecondsOf).filter((s) => s !== undefined);
        return waits.length ? { headers: { "Retry-After": String(Math.max(...waits)) } } : {};
      },
      // Unexpected failures are logged once by the errorFormatter (packages/api/src/trpc.ts),
      // which also keeps their message from the client.
    }),
  );

  if (runtime.storage.openObject) app.get("/media/*key", serveStoredMedia(runtime.storage));
  if (existsSync(path.join(runtime.webDistDir, "index.html"))) serveStudio(app, runtime.webDistDir);
  return app;
}

/**
 * Zernio's webhook (on with ZERNIO_WEBHOOK_SECRET): the raw body, since the signature covers it.
 * Whatever arrives here answers JSON — another method (405), the receiver off or posting not
 * configured (404), a body over 1 MB (413) — never the studio page or Express's HTML.
 */
function zernioWebhook(
  app: Express,
  runtime: Pick<Runtime, "handle" | "env"> & Partial<Pick<Runtime, "posting">>,
): void {
  const json = (res: express.Response, status: number, error: string) =>
    void res.status(status).json({ error });
  app.all("/webhooks/zernio", (req, res, next) => {
    if (req.method !== "POST") {
      res.setHeader("Allow", "POST");
      return json(res, 405, "Zernio's webhook takes POST only.");
    }
    // Off: said before any body is read.
    if (!runtime.posting || !runtime.env.ZERNIO_WEBHOOK_SECRET) {
      return json(res, 404, "The Zernio webhook receiver is off.");
    }
    next();
  });
  app.post(
    "/webhooks/zernio",
    express.raw({ type: () => true, limit: WEBHOOK_MAX_BYTES }),
    async (req, res) => {
      const posting = runtime.posting;
      if (!posting) return json(res, 404, "The Zernio webhook receiver is off.");
      try {
        const answer = await handleZernioWebhook(
          {
            rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
            signature: req.get("x-zernio-signature") ?? undefined,
          },
          { db: runtime.handle.db, secret: runtime.env.ZERNIO_WEBHOOK_SECRET, posting },
        );
        res.status(answer.status).json(answer.body);
      } catch (error) {
        logger.error({ err: error }, "[webhooks] Zernio event failed");
        json(res, 500, "The event could not be processed.");
      }
    },
  );
  // The body parser's refusals (too large, an unknown encoding, a cut-short body) in JSON.
  app.use(
    "/webhooks",
    (error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (res.headersSent) return next(error);
      const status = (error as { status?: unknown }).status;
      if (typeof status !== "number" || status < 400 || status >= 500) return next(error);
      json(
        res,
        status,
        status === 413
          ? `The event is larger than ${WEBHOOK_MAX_BYTES / 1024 / 1024} MB.`
          : "The event body could not be read.",
      );
    },
  );
  app.all(["/webhooks", "/webhooks/*splat"], (_req, res) => json(res, 404, "No such webhook."));
}

/** Largest webhook body taken (Zernio's events are a few KB). */
const WEBHOOK_MAX_BYTES = 1024 * 1024;

export const ROBOTS_TXT = "User-agent: *\nDisallow: /\n";

/**
 * gzip/brotli (as the browser asks) for the studio's JS/CSS/HTML and the JSON the API answers, on
 * the fly: one mechanism for static and dynamic bodies, and the hashed assets are cached for a
 * year, so each browser pays the compression once. Every write is flushed (Z_SYNC_FLUSH / brotli
 * FLUSH), so tRPC's streamed batch answers still arrive piece by piece. Never compressed: SSE
 * progress streams (a proxy or the browser would hold events back), already-compressed media
 * (images, video: not "compressible" by type) and byte ranges.
 */
function compress(): express.RequestHandler {
  return compression({
    threshold: 1024,
    flush: zlib.constants.Z_SYNC_FLUSH,
    brotli: { flush: zlib.constants.BROTLI_OPERATION_FLUSH },
    filter(req, res) {
      if (req.headers.range) return false;
      if (String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream")) return false;
      return compression.filter(req, res);
    },
  });
}

/**
 * A tRPC answer that is not a stream leaves in one socket write with a Content-Length: the
 * adapter writes the body as a chunk and ends the response a microtask later, which can cost a
 * second write (and always costs chunked framing). Streamed answers — batch streams (jsonl, asked
 * for with `trpc-accept`) and SSE subscriptions — pass through untouched, chunk by chunk.
 */
const oneWritePerAnswer: express.RequestHandler = (req, res, next) => {
  if (req.headers["trpc-accept"] || req.headers.accept?.includes("text/event-stream")) {
    return next();
  }
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
  let chunks: Buffer[] | undefined = [];
  const passThrough = () => {
    const pending = chunks ?? [];
    chunks = undefined;
    for (const chunk of pending) write(chunk);
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    const type = String(res.getHeader("content-type") ?? "");
    if (!chunks || res.headersSent || !type.startsWith("application/json")) {
      passThrough();
      return write(chunk, ...rest);
    }
    const encoding = typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : undefined;
    chunks.push(
      typeof chunk === "string" ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array),
    );
    const done = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    if (done) process.nextTick(done);
    return true;
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    if (!chunks) return end(...args);
    const [chunk] = args;
    if (chunk !== undefined && typeof chunk !== "function") {
      chunks.push(
        typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array),
      );
    }
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    chunks = undefined;
    if (!res.headersSent) res.setHeader("Content-Length", body.byteLength);
    const done = args.find((arg) => typeof arg === "function");
    return done ? end(body, done) : end(body);
  }) as typeof res.end;
  next();
};

/** How soon a client reconnects to a progress stream that ended because its server shut down. */
export const SSE_RECONNECT_MS = 1_000;

/**
 * Shutdown ends every open progress stream (SSE) at its next event boundary with a `retry:` hint
 * and no `return` event, so the client's EventSource reconnects — through the load balancer, to a
 * server that is still up — and resumes after the last event id it saw (events are `tracked`).
 */
function endStreamsWhenDraining(draining: AbortSignal | undefined): express.RequestHandler {
  return (req, res, next) => {
    if (!draining || !req.headers.accept?.includes("text/event-stream")) return next();
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    let atBoundary = true;
    let ended = false;
    const finish = () => {
      if (ended || !res.headersSent) return;
      ended = true;
      write(`retry: ${SSE_RECONNECT_MS}\n\n`);
      end();
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (ended) return true;
      const ok = write(chunk, ...rest);
      atBoundary = endsEvent(chunk);
      if (draining.aborted && atBoundary) finish();
      return ok;
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => (ended ? res : end(...args))) as typeof res.end;
    const onDrain = () => {
      if (atBoundary) finish();
    };
    draining.addEventListener("abort", onDrain, { once: true });
    res.once("close", () => draining.removeEventListener("abort", onDrain));
    next();
  };
}

/** Whether an SSE write ends an event (a blank line): tRPC writes each event's pieces apart. */
function endsEvent(chunk: unknown): boolean {
  if (typeof chunk === "string") return chunk.endsWith("\n\n");
  if (chunk instanceof Uint8Array) {
    return chunk.length >= 2 && chunk[chunk.length - 1] === 10 && chunk[chunk.length - 2] === 10;
  }
  return false;
}

/** Request line + headers a client may send (Node's default is 16 KB). */
export const MAX_HEADER_BYTES = 64 * 1024;

/** A tRPC error body (plain JSON, as tRPC answers), so the typed client reports it instead of a JSON parse failure. */
function trpcErrorBody(httpStatus: number, code: string, jsonRpcCode: number, message: string) {
  return JSON.stringify({
    error: { message, code: jsonRpcCode, data: { code, httpStatus } },
  });
}

function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (error as { code?: string }).code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? 431 : 400;
  const body = tooLarge
    ? trpcErrorBody(
        431,
        "PAYLOAD_TOO_LARGE",
        -32013,
        `The request's URL and headers are larger than ${MAX_HEADER_BYTES / 1024} KB. Send fewer calls per batch (the Streamline client bounds batches itself).`,
      )
    : trpcErrorBody(400, "BAD_REQUEST", -32600, "The request is not valid HTTP.");
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

/**
 * The built studio (apps/web/dist) on the same port: hashed assets cached forever, and every other
 * page path answered with index.html so client-side routes (/ai-studio, /sign-in) load directly.
 */
function serveStudio(app: Express, distDir: string): void {
  // Source maps stay private even if a build wrote them (SOURCEMAP=hidden, for error tracking).
  app.use((req, res, next) => {
    if (req.path.endsWith(".map")) return void res.status(404).end();
    next();
  });
  app.use(
    "/assets",
    express.static(path.join(distDir, "assets"), { immutable: true, maxAge: "1y", index: false }),
  );
  app.use(express.static(distDir, { index: false, maxAge: 0 }));
  app.get(/^\/(?!trpc|api|media|healthz|readyz|webhooks).*/, (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(path.join(distDir, "index.html"));
  });
}

export const MEDIA_CACHE_CONTROL = "private, max-age=600";

/**
 * Serves local-disk media: unguessable keys only (no listing, no traversal), a short private
 * cache, and byte ranges so videos seek.
 */
function serveStoredMedia(storage: MediaStorage): express.RequestHandler {
  return async (req, res) => {
    const key = (req.params as { key?: string[] }).key?.join("/") ?? "";
    const header = req.headers.range;
    let range: { start: number; end: number } | undefined;
    try {
      const head = await storage.openObject?.(key, { start: 0, end: 0 });
      if (!head) return void res.status(404).end();
      head.stream.destroy();
      if (header) {
        const parsed = rangeParser(head.size, header, { combine: true });
        if (parsed === -1) {
          res.setHeader("Content-Range", `bytes */${head.size}`);
          return void res.status(416).end();
        }
        if (parsed !== -2 && parsed.length === 1) range = parsed[0];
      }
      const object = await storage.openObject?.(key, range ?? { start: 0 });
      if (!object) return void res.status(404).end();
      res.setHeader("Content-Type", object.contentType);
      // Private and short: a user's media is theirs (no shared cache keeps a copy), and a deleted
      // file leaves browser caches within minutes instead of a year.
      res.setHeader("Cache-Control", MEDIA_CACHE_CONTROL);
      res.setHeader("Accept-Ranges", "bytes");
      res.setHeader("X-Content-Type-Options", "nosniff");
      res.setHeader("Content-Length", String(object.end - object.start + 1));
      if (range) {
        res.status(206);
        res.setHeader("Content-Range", `bytes ${object.start}-${object.end}/${object.size}`);
      }
      object.stream.pipe(res);
    } catch {
      res.status(404).end();
    }
  };
}
