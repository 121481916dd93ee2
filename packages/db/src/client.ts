import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { preparePooledClient } from "./prepared";
import type { Database } from "./schema";

export type DbConfig = {
  /** Postgres connection string. When unset, an embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** Where the embedded database keeps its files; `memory://` for a throwaway one. */
  pgliteDataDir?: string | undefined;
  /** Load the embedded database from a data-dir dump instead of running initdb (tests). */
  pgliteLoadDataDir?: Blob | undefined;
  /** Pool size for PostgreSQL. */
  maxConnections?: number | undefined;
};

export type DbHandle =
  | { kind: "pglite"; db: Kysely<Database>; pglite: PGlite; close(): Promise<void> }
  | { kind: "postgres"; db: Kysely<Database>; pool: pg.Pool; close(): Promise<void> };

/** Raised when the configured database cannot be reached; its message is one line meant for people. */
export class DatabaseConnectionError extends Error {
  override name = "DatabaseConnectionError";
}

/** The workspace root (the folder holding pnpm-workspace.yaml), so every app shares one `.data/`. */
export function workspaceRoot(from = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}

export function defaultPgliteDataDir(): string {
  return path.join(workspaceRoot(), ".data", "pglite");
}

// node-postgres would hand back `bigint` columns (count(*)) as strings; every count we take fits a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/**
 * Opens the product database: real PostgreSQL through a node-postgres pool when `databaseUrl` is set,
 * otherwise embedded PGlite (file-backed under `.data/pglite` by default). Both are checked with a
 * round trip, so a wrong DATABASE_URL fails here with one clear line instead of on the first query.
 */
export async function createDb(config: DbConfig = {}): Promise<DbHandle> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, config.maxConnections ?? 10);
  return openPglite(config);
}

async function openPostgres(databaseUrl: string, max: number): Promise<DbHandle> {
  const target = describeTarget(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  // Hot statements go by name: parsed and planned once per connection (see prepared.ts).
  pool.on("connect", (client) => preparePooledClient(client));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseConnectionError(
      `DATABASE_URL: cannot connect to PostgreSQL at ${target} (${reason(error)})`,
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kind: "postgres", db, pool, close: () => db.destroy() };
}

async function openPglite(config: DbConfig): Promise<DbHandle> {
  const dataDir = config.pgliteDataDir ?? defaultPgliteDataDir();
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(
      config.pgliteLoadDataDir ? { dataDir, loadDataDir: config.pgliteLoadDataDir } : { dataDir },
    );
  } catch (error) {
    throw new DatabaseConnectionError(
      `Embedded database at ${dataDir} could not be opened (${reason(error)}); is another process using it?`,
    );
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { kind: "pglite", db, pglite, close: () => db.destroy() };
}

/** host:port/database of a connection string, without the password. */
export function describeTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const host = url.hostname || "localhost";
    return `${host}:${url.port || "5432"}${url.pathname}`;
  } catch {
    return "an unparseable URL";
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  if (error && typeof error === "object") {
    const e = error as { code?: unknown; message?: unknown };
    const message = typeof e.message === "string" ? e.message.split("\n")[0] : String(error);
    return typeof e.code === "string" && !message?.includes(e.code)
      ? `${e.code}: ${message}`
      : (message ?? String(error));
  }
  return String(error);
}
