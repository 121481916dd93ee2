import { defineConfig } from "vitest/config";

// One run over every package's own vitest project (each package has a vitest.config.ts).
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
  },
});
