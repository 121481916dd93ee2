// The soaks' figures as `pnpm test:soak` last wrote them (apps/server/soak/figures/): each soak's
// own numbers, and vitest's pass/fail and duration per file.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Section } from "./results";

const dir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "apps",
  "server",
  "soak",
  "figures",
);

const show = (value: unknown): string =>
  Array.isArray(value)
    ? value.length
      ? value.map(show).join(", ")
      : "none"
    : value && typeof value === "object"
      ? Object.entries(value)
          .map(([k, v]) => `${k} ${show(v)}`)
          .join(", ")
      : String(value);

export function soakFigures(out: Section): void {
  const results = path.join(dir, "vitest-results.json");
  if (!existsSync(results)) {
    out.line(
      "No soak run yet on this checkout: run `pnpm test:soak` (CI runs it after `pnpm test`).",
    );
    return;
  }
  const run = JSON.parse(readFileSync(results, "utf8")) as {
    startTime: number;
    numPassedTests: number;
    numFailedTests: number;
    testResults: {
      name: string;
      status: string;
      startTime: number;
      endTime: number;
      assertionResults: unknown[];
    }[];
  };
  const seconds = run.testResults.reduce((a, t) => a + (t.endTime - t.startTime), 0) / 1000;
  out.line(
    `Last \`pnpm test:soak\`: ${new Date(run.startTime).toISOString()}, ${run.numPassedTests} passed, ${run.numFailedTests} failed, ${seconds.toFixed(0)} s of tests.`,
  );
  out.line();
  out.table(
    ["file", "status", "tests", "seconds"],
    run.testResults.map((t) => [
      path.relative(path.join(dir, "..", ".."), t.name),
      t.status,
      t.assertionResults.length,
      ((t.endTime - t.startTime) / 1000).toFixed(0),
    ]),
  );
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "vitest-results.json")
    .sort();
  out.table(
    ["soak", "figures"],
    files.map((file) => {
      const { at: _at, ...figures } = JSON.parse(
        readFileSync(path.join(dir, file), "utf8"),
      ) as Record<string, unknown>;
      return [file.replace(/\.json$/, ""), show(figures).replace(/\|/g, "/")];
    }),
  );
}
