// `pnpm start:worker`: a generation worker on its own, for scaling out beside N API servers.
// First: the .env values are in process.env before any other module is evaluated.
import "./dotenv";
import { loadedDotEnvFiles } from "./dotenv";
import { loadEnv } from "./env";
import { runProcess } from "./process";
import { createRuntime } from "./runtime";

runProcess("worker", async () => {
  for (const file of loadedDotEnvFiles) console.log(`[worker] Read ${file}`);
  const runtime = await createRuntime(loadEnv());
  await runtime.startWorker();
  console.log(`[worker] generation worker started (${runtime.handle.kind} database)`);
  return runtime;
});
