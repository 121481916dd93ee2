import { DatabaseConnectionError } from "@streamline/db";
import { logger } from "@streamline/log";

/** What a started process hands back: how to shut it down, and how long it may take. */
export interface RunningProcess {
  /**
   * Shuts down gracefully: stop taking work, let work in flight reach a safe point within
   * `graceMs`, close connections.
   */
  close(): Promise<void>;
  /** The grace period close() was given (SHUTDOWN_GRACE_SECONDS); exit is forced 10 s after it. */
  graceMs?: number;
}

/**
 * The one place a process's start/stop lines are written (@streamline/log). `line` never carries
 * secrets: signal names, durations, counts.
 */
export function lifecycleLog(name: string, line: string, level: "info" | "warn" = "info"): void {
  logger[level](`[${name}] ${line}`);
}

/** Time after the grace period before a process that still has not closed is exited anyway. */
const FORCE_EXIT_AFTER_GRACE_MS = 10_000;

/**
 * Runs a process entry point: its start-up failures print one line (an unreachable DATABASE_URL
 * names the variable and host, no stack trace), and SIGINT/SIGTERM shut it down gracefully — a
 * second signal exits at once.
 */
export function runProcess(name: string, start: () => Promise<RunningProcess>): void {
  start().then(
    (running) => {
      let stopping = false;
      const shutdown = async (signal: NodeJS.Signals) => {
        if (stopping) {
          lifecycleLog(name, `${signal} again: exiting now`, "warn");
          process.exit(1);
        }
        stopping = true;
        const graceMs = running.graceMs ?? 0;
        const startedAt = Date.now();
        lifecycleLog(name, `${signal}: shutting down (grace ${Math.round(graceMs / 1000)} s)`);
        setTimeout(() => {
          lifecycleLog(name, "still closing after the grace period: exiting now", "warn");
          process.exit(1);
        }, graceMs + FORCE_EXIT_AFTER_GRACE_MS).unref();
        try {
          await running.close();
        } catch (error) {
          lifecycleLog(
            name,
            `shutdown error: ${error instanceof Error ? error.message : String(error)}`,
            "warn",
          );
        }
        lifecycleLog(name, `stopped in ${Date.now() - startedAt} ms`);
        process.exit(0);
      };
      process.on("SIGINT", shutdown);
      process.on("SIGTERM", shutdown);
    },
    (error: unknown) => {
      logger.fatal(
        error instanceof DatabaseConnectionError
          ? error.message
          : `[${name}] failed to start: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    },
  );
}
