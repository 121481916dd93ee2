import { defineStreamlineProject } from "@streamline/vitest-config";

// The browser suite (the real server, a Vite dev server and Debian's Chromium) and small unit tests
// of the app's pure helpers (src/**/*.test.ts).
// E2E_HOOK_TIMEOUT_MS raises the setup limit on a loaded machine (with E2E_START_TIMEOUT_MS).
export default defineStreamlineProject("web", {
  test: {
    include: ["e2e/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: Number(process.env.E2E_HOOK_TIMEOUT_MS) || 120_000,
  },
});
