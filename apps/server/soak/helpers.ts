// Shared by the soaks: sentinel provider keys (planted in every soak's servers and workers, and
// looked for in everything the soaks see), a fetch that keeps every tRPC answer, and the log
// capture of this process.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Provider keys no output may ever contain; the mocks accept exactly these. */
export const SENTINEL = {
  openai: "sk-SENTINEL-openai-7f3a9c1e5b0d2468ace13579",
  gemini: "AIzaSENTINEL-gemini-2d8b6f0a4c1e3579bdf02468",
} as const;

const secrets = Object.values(SENTINEL);

/** The sentinels (or their distinctive middle) found in `text`. */
export function secretsIn(text: string): string[] {
  return secrets.filter((s) => text.includes(s) || text.includes(s.slice(3, -3)));
}

/** A fetch that records every answer's body (streams included, read on a tee) for `secretsIn`. */
export function recordingFetch(base: typeof fetch = globalThis.fetch) {
  const bodies: Promise<string>[] = [];
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await base(input, init);
    bodies.push(
      response
        .clone()
        .text()
        .catch(() => ""),
    );
    return response;
  }) as typeof fetch;
  return {
    fetch: wrapped,
    /** Every body seen so far (a stream still open is read up to where it is when it closes). */
    async texts(): Promise<string[]> {
      return Promise.all(bodies);
    },
    get count() {
      return bodies.length;
    },
  };
}

/** Everything this process writes to stdout/stderr (console included) from now on. */
export function captureOutput() {
  let text = "";
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      text += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = write;
    });
  }
  for (const method of ["log", "warn", "error", "info", "debug"] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      text += `${args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : safeJson(a))).join(" ")}\n`;
      original.apply(console, args);
    };
    restore.push(() => {
      console[method] = original;
    });
  }
  return {
    text: () => text,
    stop: () => {
      for (const r of restore) r();
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const soakDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * Prints a soak's figures (`[soak] name: …`) and keeps them in soak/figures/<name>.json for
 * `pnpm bench` to quote in bench/results.md.
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  console.log(`[soak] ${name}: ${JSON.stringify(figures)}`);
  const dir = path.join(soakDir, "figures");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, `${name}.json`),
    `${JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}

/**
 * What the worker-restart soaks (crash, SIGTERM) run with: Sora enabled, videos polled every
 * 250 ms, limits out of the way (the soak is one user with hundreds of generations), 4 jobs each.
 */
export const SOAK_WORKER_ENV = {
  MEDIA_ENABLE_MODELS: "sora-2",
  MEDIA_POLL_MIN_MS: "250",
  MEDIA_POLL_MAX_MS: "250",
  MEDIA_MAX_CONCURRENT_PER_USER: "1000",
  MEDIA_DAILY_SPEND_USD: "100000",
  WORKER_CONCURRENCY: "4",
} as const;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type OtlpValue = { stringValue?: string; intValue?: string | number; doubleValue?: number };
type OtlpPoint = {
  attributes?: { key: string; value: OtlpValue }[];
  timeUnixNano?: string;
  asInt?: string | number;
  asDouble?: number;
};
type OtlpExport = {
  resourceMetrics?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeMetrics?: {
      metrics?: { name: string; sum?: { dataPoints?: OtlpPoint[] } }[];
    }[];
  }[];
};

/**
 * An OTLP/HTTP (JSON) receiver for the soaks' worker processes (METRICS_EXPORTER=otlp): keeps each
 * process's (service.instance.id) latest cumulative counter values and when they were collected.
 */
export async function startOtlpCollector() {
  const { createServer } = await import("node:http");
  const latest = new Map<string, { at: number; series: Map<string, number> }>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      try {
        record(JSON.parse(body) as OtlpExport);
      } catch {}
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const record = (payload: OtlpExport) => {
    for (const rm of payload.resourceMetrics ?? []) {
      const instance = String(
        rm.resource?.attributes?.find((a) => a.key === "service.instance.id")?.value.stringValue,
      );
      const entry = { at: 0, series: new Map<string, number>() };
      for (const sm of rm.scopeMetrics ?? []) {
        for (const metric of sm.metrics ?? []) {
          for (const point of metric.sum?.dataPoints ?? []) {
            const attrs = Object.fromEntries(
              (point.attributes ?? []).map((a) => [a.key, a.value.stringValue ?? a.value.intValue]),
            );
            entry.series.set(
              `${metric.name} ${JSON.stringify(attrs, Object.keys(attrs).sort())}`,
              Number(point.asInt ?? point.asDouble ?? 0),
            );
            entry.at = Math.max(entry.at, Number(BigInt(point.timeUnixNano ?? "0") / 1_000_000n));
          }
        }
      }
      // Cumulative temporality: the newest export of a process holds all it counted.
      if (entry.at >= (latest.get(instance)?.at ?? 0)) latest.set(instance, entry);
    }
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** How many processes reported, and when each one's last report was collected. */
    instances: () => [...latest.values()].map((e) => e.at),
    /** The sum over every process of the series of `name` whose attributes include `where`. */
    total(name: string, where: Record<string, string> = {}): number {
      let sum = 0;
      for (const { series } of latest.values()) {
        for (const [key, value] of series) {
          const space = key.indexOf(" ");
          if (key.slice(0, space) !== name) continue;
          const attrs = JSON.parse(key.slice(space + 1)) as Record<string, unknown>;
          if (Object.entries(where).every(([k, v]) => attrs[k] === v)) sum += value;
        }
      }
      return sum;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
