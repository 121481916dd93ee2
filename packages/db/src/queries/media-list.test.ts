// The lean list path answers exactly what listMediaAssets answers (rows, order, pages, filters),
// with its times as ISO-8601 text from PostgreSQL, and on PostgreSQL as named prepared statements.
// The API-key cache: a cached key costs no lookup, and a revocation (NOTIFY) drops it at once.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMediaEventListener } from "../listen";
import type { NewMediaAsset } from "../schema";
import { createTestDb, type TestDb, testBackends } from "../testing";
import { createApiKey, findUserByApiKeyCached, revokeApiKey } from "./api-keys";
import {
  insertMediaAsset,
  type ListMediaAssetsOptions,
  listMediaAssets,
  setMediaAssetStar,
} from "./media-assets";
import { listMediaAssetPage } from "./media-list";
import { ensureUserRow } from "./users";

const asset = (i: number): NewMediaAsset => ({
  user_id: "lister",
  provider: i % 3 === 0 ? "google" : "openai",
  type: i % 4 === 0 ? "video" : "image",
  model: i % 3 === 0 ? "veo-3" : "gpt-image-2",
  prompt: i % 2 ? `creatine gummies number ${i}` : `gym bag ${i}`,
  status: i % 5 === 0 ? "failed" : "succeeded",
  // Ties on created_at: the id breaks them in both paths.
  created_at: new Date(Date.UTC(2026, 11, 1, 0, 0, Math.floor(i / 2), 123)),
  completed_at: i % 5 === 0 ? null : new Date(Date.UTC(2026, 11, 1, 1, 0, i, 456)),
});

describe.each(testBackends())("lean media list on %s", (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    await ensureUserRow(t.db, "lister");
    for (let i = 0; i < 37; i++) {
      const row = await insertMediaAsset(t.db, asset(i));
      if (i % 7 === 0) await setMediaAssetStar(t.db, { id: row.id, userId: "lister" }, true);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const shapes: Omit<ListMediaAssetsOptions, "userId" | "limit" | "cursor">[] = [
    {},
    { type: "video" },
    { model: "gpt-image-2", status: ["failed", "succeeded"] },
    { status: "failed" },
    { starred: true },
    { search: "gumm" },
    { search: "!!!" },
  ];

  it.each(shapes)("pages like listMediaAssets, times as ISO text (%o)", async (shape) => {
    const lean: string[] = [];
    const full: string[] = [];
    let leanCursor: { createdAt: string; id: string } | null = null;
    let fullCursor: { createdAt: Date; id: string } | null = null;
    for (let page = 0; page < 10; page++) {
      const a = await listMediaAssetPage(t.db, {
        userId: "lister",
        limit: 8,
        ...shape,
        cursor: leanCursor,
      });
      const b = await listMediaAssets(t.db, {
        userId: "lister",
        limit: 8,
        ...shape,
        cursor: fullCursor,
      });
      for (const [i, row] of a.items.entries()) {
        const other = b.items[i];
        expect(row.id).toBe(other?.id);
        expect(row.created_at).toBe(other?.created_at.toISOString());
        expect(row.updated_at).toBe(other?.updated_at.toISOString());
        expect(row.completed_at).toBe(other?.completed_at?.toISOString() ?? null);
        expect(row.starred_at).toBe(other?.starred_at?.toISOString() ?? null);
        expect(row.params).toEqual(other?.params);
      }
      lean.push(...a.items.map((r) => r.id));
      full.push(...b.items.map((r) => r.id));
      leanCursor = a.nextCursor;
      fullCursor = b.nextCursor;
      expect(leanCursor?.id).toBe(fullCursor?.id);
      if (!leanCursor) break;
    }
    expect(lean).toEqual(full);
  });

  it.runIf(backend === "postgres")(
    "runs as named statements, prepared once per connection",
    async () => {
      const names = await t.db.connection().execute(async (conn) => {
        await listMediaAssetPage(conn, { userId: "lister", limit: 8 });
        await listMediaAssetPage(conn, { userId: "lister", limit: 8 });
        const { rows } = await sql<{
          name: string;
        }>`select name from pg_prepared_statements`.execute(conn);
        return rows.map((r) => r.name);
      });
      // Every list shape this connection ran is there once, by name (one per filter shape).
      const list = names.filter((n) => n.startsWith("streamline_media_list_"));
      expect(list.length).toBeGreaterThan(0);
      expect(new Set(list).size).toBe(list.length);
    },
  );

  it("serves a cached API key without a lookup and drops it on a revocation's NOTIFY", async () => {
    const events = createMediaEventListener(t);
    await events.ready;
    const cache = events.apiKeys;
    if (!cache) throw new Error("no key cache");
    try {
      const { key, apiKey } = await createApiKey(t.db, { userId: "lister", name: "cached" });
      const found = { userId: "lister", keyId: apiKey.id };
      expect(await findUserByApiKeyCached(t.db, key, cache)).toEqual(found);
      expect(cache.size).toBe(1);
      // Revoked behind the cache's back (no NOTIFY): still served from memory — it is a cache.
      await t.db
        .updateTable("api_keys")
        .set({ revoked_at: new Date() })
        .where("id", "=", apiKey.id)
        .execute();
      expect(await findUserByApiKeyCached(t.db, key, cache)).toEqual(found);
      await t.db
        .updateTable("api_keys")
        .set({ revoked_at: null })
        .where("id", "=", apiKey.id)
        .execute();
      // Revoked the product's way: the NOTIFY drops it, and the next call is refused.
      const heard = cache.heard(apiKey.id, 5_000);
      expect(await revokeApiKey(t.db, { userId: "lister", id: apiKey.id })).toBe(true);
      await heard;
      expect(cache.size).toBe(0);
      expect(await findUserByApiKeyCached(t.db, key, cache)).toBeUndefined();
      expect(await findUserByApiKeyCached(t.db, "not-a-key", cache)).toBeUndefined();
    } finally {
      await events.close();
    }
  });
});
