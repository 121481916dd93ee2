// Test databases for every suite that needs one: embedded PGlite always, and real PostgreSQL when
// TEST_DATABASE_URL names a server (CI sets it). Each call gets its own empty database.
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "kysely";
import pg from "pg";
import { createDb, type DbHandle } from "./client";
import { migrateToLatest } from "./migrate";

export type TestBackend = "pglite" | "postgres";
export type TestDb = DbHandle & {
  /** Connection string of the PostgreSQL test database (for child processes); undefined on PGlite. */
  databaseUrl: string | undefined;
};

let warned = false;

/** The backends a database suite runs on: PGlite, plus PostgreSQL when TEST_DATABASE_URL is set. */
export function testBackends(): TestBackend[] {
  if (process.env.TEST_DATABASE_URL) return ["pglite", "postgres"];
  if (!warned) {
    warned = true;
    console.warn(
      "[db tests] TEST_DATABASE_URL is not set: PostgreSQL runs are skipped (PGlite only).",
    );
  }
  return ["pglite"];
}

/** A fresh, migrated (unless `migrate: false`) database on the given backend. `close()` removes it. */
export async function createTestDb(
  backend: TestBackend,
  options: { migrate?: boolean } = {},
): Promise<TestDb> {
  const handle = backend === "pglite" ? await createPgliteTestDb() : await createPostgresTestDb();
  if (options.migrate !== false) await migrateToLatest(handle.db);
  return handle;
}

// PGlite's initdb costs ~3 s and ~1 GB of memory; loading a dump of an initialised data dir costs
// ~0.3 s. The first worker to need one writes the dump to the temp folder; everyone else loads it.
let template: Promise<Blob> | undefined;

async function pgliteTemplate(): Promise<Blob> {
  // The installed build's path carries its version (pnpm's store layout), so an upgrade gets a new file.
  const build = createHash("sha256")
    .update(import.meta.resolve("@electric-sql/pglite"))
    .digest("hex");
  const file = path.join(tmpdir(), `streamline-pglite-template-${build.slice(0, 16)}.tar`);
  if (existsSync(file)) return new Blob([await readFile(file)]);
  const fresh = await PGlite.create();
  const dump = await fresh.dumpDataDir("none");
  await fresh.close();
  const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
  await rename(partial, file);
  return dump;
}

async function createPgliteTestDb(): Promise<TestDb> {
  template ??= pgliteTemplate();
  const handle = await createDb({ pgliteDataDir: "memory://", pgliteLoadDataDir: await template });
  return { ...handle, databaseUrl: undefined };
}

async function createPostgresTestDb(): Promise<TestDb> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `streamline_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const handle = await createDb({ databaseUrl, maxConnections: 5 });
  return {
    ...handle,
    databaseUrl,
    close: async () => {
      await handle.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** The tables holding a user's rows, by the column naming the user (better-auth's are camelCase). */
export const USER_OWNED_TABLES = {
  media_assets: "user_id",
  media_events: "user_id",
  caption_requests: "user_id",
  captions: "user_id",
  scheduled_posts: "user_id",
  social_profiles: "user_id",
  api_keys: "user_id",
  session: "userId",
  account: "userId",
  user: "id",
} as const;

/** How many rows each table still holds for a user (tests of account deletion and the foreign keys). */
export async function countUserRows(
  db: DbHandle["db"],
  userId: string,
): Promise<Record<keyof typeof USER_OWNED_TABLES, number>> {
  const out = {} as Record<keyof typeof USER_OWNED_TABLES, number>;
  for (const [table, column] of Object.entries(USER_OWNED_TABLES)) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}
      where ${sql.ref(column)} = ${userId}`.execute(db);
    out[table as keyof typeof USER_OWNED_TABLES] = Number(rows[0]?.n);
  }
  return out;
}
