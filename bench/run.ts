// `pnpm bench`: speed and memory figures, each against a baseline measured in the same run, written
// to bench/results.md. PostgreSQL runs when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server;
// PGlite (embedded) always. BENCH_ONLY=pipeline,list … runs a subset.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { economyBench } from "./economy";
import { fanoutBench } from "./fanout";
import { insightsBench } from "./insights";
import { type Backend, postgresAdminUrl } from "./lib/child";
import { targetNotes } from "./lib/notes";
import { section, writeResults } from "./lib/results";
import { soakFigures } from "./lib/soak-figures";
import { listBench } from "./list";
import { paginationBench } from "./pagination";
import { pipelineBench } from "./pipeline";
import { postsBench } from "./posts";
import { probeBench } from "./probe";
import { storageBench } from "./storage";
import { chromiumAvailable, studioBench } from "./studio";

const startedAt = Date.now();
const loadAtStart = os.loadavg();
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
if (wanted("posts")) {
  const out = section(
    "Posts page list (social.list, 10,000 posts over 100 users, vs a bare server)",
  );
  for (const backend of backends) await postsBench(backend, out);
}
if (wanted("probe")) {
  await probeBench(
    section("Video probing (size and duration of a stored video): ffmpeg child vs MP4 header"),
  );
}
if (wanted("economy")) {
  await economyBench(section("Provider economy (calls per generation against the fakes)"));
}
if (wanted("studio")) {
  const out = section("Studio: /ai-studio initial JS and time to interactive (production build)");
  if (chromiumAvailable()) await studioBench(out);
  else out.line("Skipped: no Chromium at /usr/bin/chromium (or CHROMIUM_PATH).");
}
if (wanted("insights")) {
  const out = section(
    "Insights over 100,000 snapshots (analytics.insights vs the same SQL on a bare pg client)",
  );
  for (const backend of backends) await insightsBench(backend, out);
}
if (wanted("pagination")) await paginationBench();
if (wanted("storage")) await storageBench();

if (only.size === 0) targetNotes(section("Targets, profiles and what would close the gaps"));
soakFigures(section("Reliability soaks (`pnpm test:soak`, figures of its last run here)"));

// PGlite's version, from its package.json (its exports map hides the file from require).
const pgliteVersion = (() => {
  try {
    const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
    let dir = path.dirname(entry);
    while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
    return (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "?";
  }
})();
const file = await writeResults({
  postgresUrl: pgUrl,
  startedAt,
  pgliteVersion,
  partial: only.size > 0 || Boolean(process.env.BENCH_BACKENDS),
  force: process.env.BENCH_RESULTS === "1" || process.env.BENCH_RESULTS === "merge",
  merge: process.env.BENCH_RESULTS === "merge",
  loadAtStart,
  parts:
    only.size > 0 || process.env.BENCH_BACKENDS
      ? `${only.size > 0 ? [...only].join(", ") : "all parts"} on ${backends.join(" + ")} (BENCH_ONLY / BENCH_BACKENDS: a full run is too slow on this loaded machine; with BENCH_RESULTS=merge the sections marked “from the run of …” are an earlier run's, else the other parts' last figures are in git history)`
      : `all parts on ${backends.join(" + ")}`,
});
console.log(`\nwrote ${file} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
process.exit(0);
