// `pnpm start:worker`: a generation worker on its own, for scaling out beside N API servers.
import { loadEnv } from "./env";
import { runProcess } from "./process";
import { createRuntime } from "./runtime";

runProcess("worker", async () => {
  const runtime = await createRuntime(loadEnv());
  await runtime.startWorker();
  console.log(`[worker] generation worker started (${runtime.handle.kind} database)`);
  return runtime;
});
