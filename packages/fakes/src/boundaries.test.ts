// The fakes stay out of production: only this package depends on msw at runtime, the packages that
// test with the fakes list them as devDependencies, and the only production code that imports them
// is the server's demo folder, which the runtime imports dynamically, in demo mode only.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const workspaces = ["packages", "apps"].flatMap((dir) =>
  readdirSync(path.join(root, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(dir, entry.name)),
);
const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(path.join(root, dir, "package.json"), "utf8")) as {
    name: string;
    dependencies?: Record<string, string>;
  };

/** Source files that ship: under src/, minus tests and test helpers. */
function productionSources(dir: string): string[] {
  const src = path.join(root, dir, "src");
  let entries: string[];
  try {
    entries = readdirSync(src, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return entries
    .filter((file) => /\.tsx?$/.test(file) && !/(\.test\.tsx?|test-harness\.ts)$/.test(file))
    .map((file) => path.join(dir, "src", file));
}

/** Module specifiers: `from "x"`, side-effect `import "x"` and dynamic `import("x")`. */
const importsOf = (file: string) =>
  [
    ...readFileSync(path.join(root, file), "utf8").matchAll(
      /from\s+"([^"]+)"|import\s+"([^"]+)"|import\("([^"]+)"\)/g,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3] ?? "");

describe("the fakes stay out of production", () => {
  it("only @streamline/fakes depends on msw at runtime", () => {
    const withMsw = workspaces
      .map(manifestOf)
      .filter((manifest) => manifest.dependencies?.msw)
      .map((manifest) => manifest.name);
    expect(withMsw).toEqual(["@streamline/fakes"]);
  });

  it("only the server depends on @streamline/fakes at runtime (for its demo folder)", () => {
    const withFakes = workspaces
      .map(manifestOf)
      .filter((manifest) => manifest.dependencies?.["@streamline/fakes"])
      .map((manifest) => manifest.name);
    expect(withFakes).toEqual(["@streamline/server"]);
  });

  it("no production source imports msw or the fakes, except the server's demo folder", () => {
    const offenders = workspaces
      .filter((dir) => dir !== path.join("packages", "fakes"))
      .flatMap(productionSources)
      .filter((file) => !file.startsWith(path.join("apps", "server", "src", "demo") + path.sep))
      .filter((file) =>
        importsOf(file).some(
          (spec) =>
            spec === "msw" || spec.startsWith("msw/") || spec.startsWith("@streamline/fakes"),
        ),
      );
    expect(offenders).toEqual([]);
  });

  it("the server loads its demo folder only through a dynamic import", () => {
    const staticDemoImports = productionSources(path.join("apps", "server"))
      .filter((file) => !file.startsWith(path.join("apps", "server", "src", "demo") + path.sep))
      .filter(
        (file) =>
          [
            ...readFileSync(path.join(root, file), "utf8").matchAll(
              /from\s+"(\.[^"]*\/demo[^"]*)"/g,
            ),
          ].length > 0,
      );
    expect(staticDemoImports).toEqual([]);
    const runtime = readFileSync(path.join(root, "apps/server/src/runtime.ts"), "utf8");
    expect(runtime).toMatch(/await import\("\.\/demo\/index"\)/);
  });
});
