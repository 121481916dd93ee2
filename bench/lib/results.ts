// What `pnpm bench` writes to bench/results.md: each benchmark adds a section (markdown lines),
// printed as it goes and written at the end with the machine, Node, PostgreSQL and commit.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const sections: { title: string; lines: string[] }[] = [];

export function section(title: string) {
  const entry = { title, lines: [] as string[] };
  sections.push(entry);
  console.log(`\n## ${title}`);
  return {
    /** A line of the section (markdown), also printed. */
    line(text = "") {
      entry.lines.push(text);
      console.log(text);
    },
    /** A markdown table. */
    table(head: string[], rows: (string | number)[][]) {
      const lines = [
        `| ${head.join(" | ")} |`,
        `| ${head.map(() => "---").join(" | ")} |`,
        ...rows.map((r) => `| ${r.join(" | ")} |`),
      ];
      for (const l of lines) this.line(l);
      this.line();
    },
  };
}

export type Section = ReturnType<typeof section>;

async function postgresVersion(url: string | undefined): Promise<string> {
  if (!url) return "not set (BENCH_DATABASE_URL / TEST_DATABASE_URL): PostgreSQL runs skipped";
  try {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ version: string }>("select version()");
    await client.end();
    return rows[0]?.version ?? "?";
  } catch (error) {
    return `unreachable (${error instanceof Error ? error.message : String(error)})`;
  }
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

export async function writeResults(options: {
  postgresUrl: string | undefined;
  startedAt: number;
  pgliteVersion: string;
  /** A subset (BENCH_ONLY) goes to results-partial.md, so results.md always holds a full run. */
  partial?: boolean;
}): Promise<string> {
  const file = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    "..",
    options.partial ? "results-partial.md" : "results.md",
  );
  const cpus = os.cpus();
  const dirty = git(["status", "--porcelain", "--", "..", ":!results.md", ":!results-partial.md"])
    ? " (with uncommitted changes)"
    : "";
  const head = [
    "# Benchmark results",
    "",
    "Written by `pnpm bench` (bench/run.ts); every figure is measured in one run, and compared with",
    "a baseline measured in the same run — on a shared 2-core machine absolute numbers are noisy,",
    "the ratios are what to read.",
    "",
    "| | |",
    "| --- | --- |",
    `| date | ${new Date(options.startedAt).toISOString()} (took ${((Date.now() - options.startedAt) / 60_000).toFixed(1)} min) |`,
    `| commit | ${git(["rev-parse", "--short", "HEAD"])}${dirty} — ${git(["log", "-1", "--format=%s"]).slice(0, 90)} |`,
    `| machine | ${cpus.length} × ${cpus[0]?.model.trim() ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${os.type()} ${os.release()} |`,
    `| load average at start | ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} |`,
    `| Node | ${process.version} |`,
    `| PostgreSQL | ${await postgresVersion(options.postgresUrl)} |`,
    `| PGlite | ${options.pgliteVersion} |`,
    "",
  ];
  const body = sections.flatMap((s) => [`## ${s.title}`, "", ...s.lines, ""]);
  writeFileSync(file, [...head, ...body].join("\n"));
  return file;
}
