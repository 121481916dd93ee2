// `pnpm start` / `pnpm dev`: the API server, with the generation worker in the same process unless
// WORKER_IN_PROCESS=0 (then run `pnpm start:worker` separately).
import { DatabaseConnectionError } from "@streamline/db";
import { createApp } from "./app";
import { loadEnv } from "./env";
import { createRuntime } from "./runtime";

async function main() {
  const env = loadEnv();
  const runtime = await createRuntime(env);
  for (const provider of ["openai", "google"] as const) {
    const reason = runtime.providers.unconfiguredReason(provider);
    if (reason) console.warn(`[server] ${reason}; its models are shown as unavailable.`);
  }
  if (env.WORKER_IN_PROCESS) await runtime.startWorker();
  const app = createApp(runtime);
  const server = app.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    console.log(
      `[server] Streamline AI Studio API on http://${env.HOST}:${port} (${runtime.handle.kind} database, ${runtime.storage.kind} storage, worker ${env.WORKER_IN_PROCESS ? "in process" : "external"})`,
    );
  });
  const shutdown = async () => {
    server.close();
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
      : `[server] failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
