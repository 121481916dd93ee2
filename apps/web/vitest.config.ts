import { defineStreamlineProject } from "@streamline/vitest-config";

// The browser suite (the real server, a Vite dev server and Debian's Chromium) and small unit tests
// of the app's pure helpers (src/**/*.test.ts).
export default defineStreamlineProject("web", {
  test: {
    include: ["e2e/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
