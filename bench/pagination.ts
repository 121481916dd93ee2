// The history grid pages by keyset on (created_at, id). Baseline: OFFSET paging, which reads and
// discards every earlier row. Target: a deep page costs about what the first page costs.
import { ensureUserRow, listMediaAssets } from "@streamline/db";
import { createTestDb } from "@streamline/db/testing";
import { sql } from "kysely";
import { medianMs, report } from "./measure";

export async function paginationBench(): Promise<void> {
  const ROWS = 20_000;
  const DEPTH = 19_000;
  const t = await createTestDb("pglite");
  try {
    await ensureUserRow(t.db, "bench-user"); // assets reference their user (foreign key)
    await sql`
      insert into media_assets (user_id, provider, type, model, prompt, created_at)
      select 'bench-user', 'openai', 'image', 'gpt-image-2', 'prompt ' || g,
             timestamptz '2026-01-01' + (g * interval '1 second')
      from generate_series(1, ${ROWS}) g
    `.execute(t.db);
    await sql`analyze media_assets`.execute(t.db);
    const row = await t.db
      .selectFrom("media_assets")
      .select(["created_at", "id"])
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .offset(DEPTH - 1)
      .limit(1)
      .executeTakeFirstOrThrow();
    const cursor = { createdAt: row.created_at, id: row.id };
    const firstPage = await medianMs(() =>
      listMediaAssets(t.db, { userId: "bench-user", limit: 24 }),
    );
    const keyset = await medianMs(() =>
      listMediaAssets(t.db, { userId: "bench-user", limit: 24, cursor }),
    );
    const offset = await medianMs(() =>
      t.db
        .selectFrom("media_assets")
        .selectAll()
        .where("user_id", "=", "bench-user")
        .where("deleted_at", "is", null)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .offset(DEPTH)
        .limit(24)
        .execute(),
    );
    report(`history page at depth ${DEPTH} of ${ROWS} (PGlite)`, keyset, offset, "ms");
    report("  deep keyset page vs first page", keyset, firstPage, "ms");
  } finally {
    await t.close();
  }
}
