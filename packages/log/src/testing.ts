// Tests: read what the logger wrote, as parsed JSON records.
import { muteOutput, onLogLine } from "./logger";

export interface LogRecord {
  level: string;
  time: string;
  msg: string;
  requestId?: string;
  userId?: string;
  jobId?: string;
  [field: string]: unknown;
}

/**
 * Captures every line the logger writes from now on (`quiet`: and keeps them off stdout, as a
 * test that expects failures would). `stop()` ends it.
 */
export function captureLogs(options: { quiet?: boolean } = {}) {
  const records: LogRecord[] = [];
  const raw: string[] = [];
  const off = onLogLine((line) => {
    raw.push(line);
    records.push(JSON.parse(line) as LogRecord);
  });
  const unmute = options.quiet ? muteOutput() : () => {};
  return {
    records,
    /** The lines exactly as written (JSON). */
    raw,
    /** The messages of the lines at `level` (all levels when omitted). */
    messages(level?: string): string[] {
      return records.filter((r) => !level || r.level === level).map((r) => r.msg);
    },
    stop(): void {
      off();
      unmute();
    },
  };
}
