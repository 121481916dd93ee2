import { defineStreamlineProject } from "@streamline/vitest-config";

// Only the browser suite lives here: the real server, a Vite dev server and Debian's Chromium.
export default defineStreamlineProject("web", {
  test: { include: ["e2e/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 },
});
