// `pnpm start:worker`: a generation worker on its own, for scaling out beside N API servers.
// First: the .env values are in process.env before any other module is evaluated.
import "./dotenv";
import { loadedDotEnvFiles } from "./dotenv";
import { loadEnv } from "./env";
import { runProcess } from "./process";
import { createRuntime } from "./runtime";

runProcess("worker", async () => {
  for (const file of loadedDotEnvFiles) console.log(`[worker] Read ${file}`);
  const env = loadEnv();
  const runtime = await createRuntime(env, { service: "streamline-worker" });
  await runtime.startWorker();
  console.log(`[worker] generation worker started (${runtime.handle.kind} database)`);
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
