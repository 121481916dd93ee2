import { appRouter, createContextFactory } from "@streamline/api";
import type { MediaStorage } from "@streamline/storage";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express, { type Express } from "express";
import rangeParser from "range-parser";
import type { Runtime } from "./runtime";

/** The HTTP surface: tRPC at /trpc, stored media at /media/*, and /healthz. No REST routes. */
export function createApp(runtime: Pick<Runtime, "api" | "storage" | "handle">): Express {
  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", async (_req, res) => {
    try {
      await runtime.handle.db.selectNoFrom((eb) => eb.val(1).as("ok")).execute();
      res.json({ ok: true });
    } catch {
      res.status(503).json({ ok: false });
    }
  });

  app.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      createContext: createContextFactory(runtime.api),
      maxBodySize: runtime.api.limits.referenceImageMaxBytes + 1024 * 1024,
      onError({ error, path }) {
        // Unexpected failures only; expected ones (validation, auth, quota) are answers, not incidents.
        if (error.code === "INTERNAL_SERVER_ERROR") {
          console.error(`[trpc] ${path ?? "?"}: ${error.message}`);
        }
      },
    }),
  );

  if (runtime.storage.openObject) app.get("/media/*key", serveStoredMedia(runtime.storage));
  return app;
}

/**
 * Serves local-disk media: unguessable keys only (no listing, no traversal), immutable caching
 * (a key never changes content), and byte ranges so videos seek.
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
      res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
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
