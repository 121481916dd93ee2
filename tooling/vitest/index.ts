import { defineProject, mergeConfig, type ViteUserConfig } from "vitest/config";

/**
 * Defaults every package's vitest project shares. Database-backed suites are slow to boot
 * (an embedded Postgres takes seconds), so the timeouts are generous; speed targets live in
 * `pnpm bench`, never in test timeouts.
 */
export const sharedTestConfig = defineProject({
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "e2e/**/*.test.ts"],
    benchmark: { include: ["bench/**/*.bench.ts", "src/**/*.bench.ts"] },
  },
});

export function defineStreamlineProject(name: string, overrides: ViteUserConfig = {}) {
  return mergeConfig(sharedTestConfig, mergeConfig(defineProject({ test: { name } }), overrides));
}
