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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
