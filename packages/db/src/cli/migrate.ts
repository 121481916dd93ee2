// `pnpm db:migrate`: brings the configured database (DATABASE_URL, or the embedded one) to the
// latest schema and exits. Failures print one line, not a stack trace.
import { createDb, DatabaseConnectionError } from "../client";
import { migrateToLatest } from "../migrate";

async function main(): Promise<void> {
  const handle = await createDb({
    databaseUrl: process.env.DATABASE_URL || undefined,
    pgliteDataDir: process.env.PGLITE_DATA_DIR || undefined,
  });
  try {
    const { results = [] } = await migrateToLatest(handle.db);
    const applied = results.filter((r) => r.status === "Success").map((r) => r.migrationName);
    console.log(
      applied.length
        ? `Migrated ${handle.kind} database: ${applied.join(", ")}`
        : `The ${handle.kind} database is up to date.`,
    );
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof DatabaseConnectionError
      ? error.message
      : `Migration failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
