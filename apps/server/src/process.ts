import { DatabaseConnectionError } from "@streamline/db";

/**
 * Runs a process entry point: its start-up failures print one line (an unreachable DATABASE_URL
 * names the variable and host, no stack trace), and SIGINT/SIGTERM close it cleanly.
 */
export function runProcess(name: string, start: () => Promise<{ close(): Promise<void> }>): void {
  start().then(
    (running) => {
      const shutdown = async () => {
        await running.close();
        process.exit(0);
      };
      process.once("SIGINT", shutdown);
      process.once("SIGTERM", shutdown);
    },
    (error: unknown) => {
      console.error(
        error instanceof DatabaseConnectionError
          ? error.message
          : `[${name}] failed to start: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    },
  );
}
