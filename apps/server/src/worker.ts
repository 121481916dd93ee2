// `pnpm start:worker`: a generation worker on its own, for scaling out beside N API servers.
import { DatabaseConnectionError } from "@streamline/db";
import { loadEnv } from "./env";
import { createRuntime } from "./runtime";

async function main() {
  const runtime = await createRuntime(loadEnv());
  await runtime.startWorker();
  console.log(`[worker] generation worker started (${runtime.handle.kind} database)`);
  const shutdown = async () => {
    await runtime.close();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof DatabaseConnectionError
      ? error.message
      : `[worker] failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
