// `pnpm start` / `pnpm dev`: the API server, with the generation worker in the same process unless
// WORKER_IN_PROCESS=0 (then run `pnpm start:worker` separately).

// First: the .env values are in process.env before any other module is evaluated.
import "./dotenv";
import { existsSync } from "node:fs";
import path from "node:path";
import { logger } from "@streamline/log";
import { createApp } from "./app";
import { startCatalogCheck } from "./catalog-check";
import { loadedDotEnvFiles } from "./dotenv";
import { loadEnv } from "./env";
import { setUpLogging } from "./logging";
import { runProcess } from "./process";
import { createRuntime } from "./runtime";

runProcess("server", async () => {
  const env = loadEnv();
  setUpLogging(env, "server");
  for (const file of loadedDotEnvFiles) logger.info(`[server] Read ${file}`);
  const runtime = await createRuntime(env);
  if (runtime.demo) {
    logger.warn("[server] No provider key set: offline demo mode (results are labelled Demo).");
  } else {
    for (const provider of ["openai", "google"] as const) {
      const reason = runtime.providers.unconfiguredReason(provider);
      if (reason) logger.warn(`[server] ${reason}; its models are shown as unavailable.`);
    }
  }
  // OpenAI's model list against the catalog: in the background, once per server process.
  const catalogCheck = startCatalogCheck(runtime);
  if (env.WORKER_IN_PROCESS) await runtime.startWorker();
  const server = createApp(runtime).listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    logger.info(
      `[server] Streamline AI Studio API on http://${env.HOST}:${port} (${runtime.handle.kind} database, ${runtime.storage.kind} storage, worker ${env.WORKER_IN_PROCESS ? "in process" : "external"})`,
    );
    // The address people should open: this port when it serves the built studio, else the Vite
    // dev server's (`pnpm dev`), which proxies the API; this port alone answers only the API.
    const vite = `http://localhost:${env.WEB_PORT}/ai-studio`;
    logger.info(
      existsSync(path.join(runtime.webDistDir, "index.html"))
        ? `[server] Open the studio: http://${browsable(env.HOST)}:${port}/ai-studio${env.NODE_ENV === "production" ? "" : ` (the last \`pnpm build\`; with \`pnpm dev\` the live one is ${vite})`}`
        : `[server] Open the studio: ${vite} (Vite dev server, \`pnpm dev\`; this port answers only the API until \`pnpm build\`)`,
    );
  });
  const graceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;
  return {
    graceMs,
    // Not ready (load balancers stop sending), no new connections, idle keep-alive sockets closed,
    // progress streams ended with a reconnect hint; then jobs get the grace period to reach a
    // safe point (their provider job id saved) and the process exits.
    async close() {
      catalogCheck.stop();
      runtime.drain();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await runtime.close({ graceMs });
      // Requests still open after the jobs stopped (a slow upload): cut at the grace period's end.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      server.closeAllConnections();
    },
  };
});

/** A host a browser can open: a wildcard bind address means this machine. */
function browsable(host: string): string {
  return host === "0.0.0.0" || host === "::"
    ? "localhost"
    : host.includes(":")
      ? `[${host}]`
      : host;
}
