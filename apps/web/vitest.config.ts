import { defineStreamlineProject } from "@streamline/vitest-config";

// Only the browser suite lives here: the real server, a Vite dev server and Debian's Chromium.
// E2E_HOOK_TIMEOUT_MS raises the setup limit on a loaded machine (with E2E_START_TIMEOUT_MS).
export default defineStreamlineProject("web", {
  test: {
    include: ["e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: Number(process.env.E2E_HOOK_TIMEOUT_MS) || 120_000,
  },
});
