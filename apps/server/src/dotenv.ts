// `.env` files, read before anything else (main.ts and worker.ts import this module first, so
// every module sees the values): `.env` in the working directory (`pnpm dev`/`start`/`start:worker`
// run in apps/server), then `.env` at the repository root, where `.env.example` says to copy it.
// The environment always wins over a file, and the nearer file over the root one. Node's
// `util.parseEnv` reads the same syntax as `node --env-file`; no dependency needed.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The `.env` files looked at, nearest first. */
export function dotEnvFiles(cwd = process.cwd()): string[] {
  return [...new Set([path.join(cwd, ".env"), path.join(repoRoot, ".env")])];
}

/**
 * Sets every variable of the files that the environment does not already have. Returns the files
 * read (for the start-up line; values are never printed).
 */
export function loadDotEnv(
  files = dotEnvFiles(),
  target: NodeJS.ProcessEnv = process.env,
): string[] {
  const read: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const values = parseEnv(readFileSync(file, "utf8"));
    for (const [name, value] of Object.entries(values)) {
      if (target[name] === undefined) target[name] = value;
    }
    read.push(file);
  }
  return read;
}

/** Test runs (NODE_ENV=test set in the environment) are configured by their environment alone. */
export const loadedDotEnvFiles = process.env.NODE_ENV === "test" ? [] : loadDotEnv();
