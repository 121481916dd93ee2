import { defineConfig } from "vitest/config";

// `pnpm test:soak`: the reliability soaks (apps/server/soak) plus the input fuzz at 10,000 cases.
// Run after `pnpm test` in CI; the files run one at a time (they load the machine on purpose),
// each printing its figures as `[soak] …` lines.
export default defineConfig({
  test: {
    name: "soak",
    root: import.meta.dirname,
    environment: "node",
    include: ["soak/**/*.test.ts", "test/fuzz.test.ts"],
    env: { FUZZ_RUNS: process.env.FUZZ_RUNS ?? "10000" },
    fileParallelism: false,
    // Pass/fail and durations per file, for bench/results.md (next to each soak's figures).
    reporters: ["default", "json"],
    outputFile: { json: "soak/figures/vitest-results.json" },
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
