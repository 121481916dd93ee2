import { readdirSync, readFileSync } from "node:fs";

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const TICKS = 100; // USER_HZ on Linux

function backendTicks(database: string): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.startsWith("postgres: ") || !cmdline.includes(` ${database} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks.set(Number(pid), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

const meters = new Map<string, { seen: Map<number, number>; timer: NodeJS.Timeout }>();

/**
 * CPU seconds (user + system) used so far by the PostgreSQL backends serving `database` — the
 * server processes whose title names it, so other databases on the same server do not count.
 * Backends come and go with the pools, so each is sampled every 250 ms and remembered after it
 * exits (at most 250 ms of an exiting backend's CPU goes uncounted).
 */
export function postgresCpuSeconds(database: string): number {
  let meter = meters.get(database);
  if (!meter) {
    const seen = new Map<number, number>();
    const sample = () => {
      for (const [pid, t] of backendTicks(database)) seen.set(pid, Math.max(t, seen.get(pid) ?? 0));
    };
    meter = { seen, timer: setInterval(sample, 250) };
    meter.timer.unref();
    meters.set(database, meter);
  }
  for (const [pid, t] of backendTicks(database)) {
    meter.seen.set(pid, Math.max(t, meter.seen.get(pid) ?? 0));
  }
  let ticks = 0;
  for (const t of meter.seen.values()) ticks += t;
  return ticks / TICKS;
}

/** CPU seconds of one process (and its threads) so far, from /proc. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return Number.NaN;
  }
}
