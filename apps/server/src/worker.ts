// `pnpm start:worker`: a generation worker on its own, for scaling out beside N API servers.
// First: the .env values are in process.env before any other module is evaluated.
import "./dotenv";
import { logger } from "@streamline/log";
import { loadedDotEnvFiles } from "./dotenv";
import { loadEnv } from "./env";
import { setUpLogging } from "./logging";
import { runProcess } from "./process";
import { createRuntime } from "./runtime";

runProcess("worker", async () => {
  const env = loadEnv();
  setUpLogging(env, "worker");
  for (const file of loadedDotEnvFiles) logger.info(`[worker] Read ${file}`);
  const runtime = await createRuntime(env, { service: "streamline-worker" });
  await runtime.startWorker();
  logger.info(`[worker] generation worker started (${runtime.handle.kind} database)`);
  const graceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;
  return {
    graceMs,
    // Running jobs stop at their next safe point (a saved provider job id) or finish within the
    // grace period; the rest are aborted and resume on another worker.
    async close() {
      runtime.drain();
      await runtime.close({ graceMs });
    },
  };
});
