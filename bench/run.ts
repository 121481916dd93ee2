// `pnpm bench`: speed and memory figures, each against a baseline measured in the same run, written
// to bench/results.md. PostgreSQL runs when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server;
// PGlite (embedded) always. BENCH_ONLY=pipeline,list … runs a subset.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { economyBench } from "./economy";
import { fanoutBench } from "./fanout";
import { type Backend, postgresAdminUrl } from "./lib/child";
import { section, writeResults } from "./lib/results";
import { listBench } from "./list";
import { paginationBench } from "./pagination";
import { pipelineBench } from "./pipeline";
import { storageBench } from "./storage";
import { chromiumAvailable, studioBench } from "./studio";

const startedAt = Date.now();
const only = new Set((process.env.BENCH_ONLY ?? "").split(",").filter(Boolean));
const wanted = (name: string) => only.size === 0 || only.has(name);
const pgUrl = postgresAdminUrl();
const backends: Backend[] = (pgUrl ? ["postgres", "pglite"] : ["pglite"]).filter(
  (b) => !process.env.BENCH_BACKENDS || process.env.BENCH_BACKENDS.includes(b),
) as Backend[];

console.log(
  `Streamline AI Studio benchmarks (node ${process.version}, ${new Date().toISOString()}; ${backends.join(" + ")})`,
);

if (wanted("pipeline")) {
  const out = section("Pipeline overhead (zero-latency fake provider, 50 clients, HTTP + SSE)");
  for (const backend of backends) await pipelineBench(backend, out);
}
if (wanted("fanout")) {
  const out = section("Progress fan-out (1,000 onProgress streams on one server process)");
  for (const backend of backends) await fanoutBench(backend, out);
}
if (wanted("list")) {
  const out = section("List throughput (media.list vs a bare node:http + pg server, autocannon)");
  for (const backend of backends) {
    // The serializer experiments and a second round where there is time: PostgreSQL only.
    const full = backend === "postgres" || backends.length === 1;
    await listBench(backend, out, { experiments: full, rounds: full ? 2 : 1, seconds: 5 });
  }
}
if (wanted("economy")) {
  await economyBench(section("Provider economy (calls per generation against the fakes)"));
}
if (wanted("studio")) {
  const out = section("Studio: /ai-studio initial JS and time to interactive (production build)");
  if (chromiumAvailable()) await studioBench(out);
  else out.line("Skipped: no Chromium at /usr/bin/chromium (or CHROMIUM_PATH).");
}
if (wanted("pagination")) await paginationBench();
if (wanted("storage")) await storageBench();

// The soaks' figures (`pnpm test:soak` writes them under apps/server/soak/figures/), as last run.
{
  const dir = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    "..",
    "apps",
    "server",
    "soak",
    "figures",
  );
  const out = section("Reliability soaks (`pnpm test:soak`, last run on this checkout)");
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort()
    : [];
  if (files.length === 0)
    out.line("No soak figures yet: run `pnpm test:soak` (CI runs it after `pnpm test`).");
  for (const file of files) {
    const { at, ...figures } = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Record<
      string,
      unknown
    >;
    out.line(
      `- **${file.replace(/\.json$/, "")}** (${String(at)}): \`${JSON.stringify(figures)}\``,
    );
  }
  out.line();
}

const require = createRequire(import.meta.url);
const pgliteVersion = (() => {
  try {
    return (require("@electric-sql/pglite/package.json") as { version: string }).version;
  } catch {
    return "?";
  }
})();
const file = await writeResults({ postgresUrl: pgUrl, startedAt, pgliteVersion });
console.log(`\nwrote ${file} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
process.exit(0);
