// Every row a user owns goes with the user, and a row without a user cannot exist: the foreign keys
// of migration 2026_12_07_020 (issue 16: deleting a "user" row used to cascade to api_keys only).
import { sql } from "kysely";
import { Migrator } from "kysely/migration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../migrate";
import { migrationProvider } from "../migrations";
import { createTestDb, type TestDb, testBackends } from "../testing";
import { createApiKey } from "./api-keys";
import { insertMediaAsset } from "./media-assets";
import { publishMediaEvent } from "./media-events";
import { deleteUserRow, ensureUserRow } from "./users";

const OWNED = [
  "media_assets",
  "media_events",
  "caption_requests",
  "captions",
  "scheduled_posts",
  "social_profiles",
  "api_keys",
  "social_post_requests",
  "media_streams",
] as const;

/** One row in every table a user owns. */
async function fillFor(t: TestDb, userId: string, { newTables = true } = {}) {
  const asset = await insertMediaAsset(t.db, {
    user_id: userId,
    provider: "openai",
    type: "image",
    model: "gpt-image-2",
    prompt: "p",
  });
  await publishMediaEvent(t.db, { assetId: asset.id, userId, payload: { kind: "status" } });
  const request = await t.db
    .insertInto("caption_requests")
    .values({
      asset_id: asset.id,
      user_id: userId,
      idempotency_key: `k-${userId}`,
      model: "m",
      platforms: JSON.stringify(["x"]) as unknown as string[],
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto("captions")
    .values({
      asset_id: asset.id,
      user_id: userId,
      request_id: request.id,
      platform: "x",
      text: "t",
      title: null,
      hashtags: "[]",
      model: null,
      tone: null,
      language: null,
      source: "ai",
      length: 1,
      limit: 280,
      over_limit: false,
      cost_usd: null,
    })
    .execute();
  await t.db
    .insertInto("scheduled_posts")
    .values({
      asset_id: asset.id,
      user_id: userId,
      idempotency_key: `p-${userId}`,
      targets: JSON.stringify([{ accountId: "a", platform: "x" }]),
      scheduled_for: null,
    })
    .execute();
  await t.db
    .insertInto("social_profiles")
    .values({ user_id: userId, claim_key: `c-${userId}` })
    .execute();
  // Tables of migrations after 020 (posting rate, stream leases, Zernio uploads).
  if (!newTables) return;
  await t.db.insertInto("social_post_requests").values({ user_id: userId }).execute();
  await t.db
    .insertInto("media_streams")
    .values({ user_id: userId, expires_at: new Date(Date.now() + 60_000) })
    .execute();
  await t.db
    .insertInto("zernio_uploads")
    .values({ asset_id: asset.id, public_url: `https://zernio.test/${asset.id}` })
    .execute();
}

async function countsFor(
  t: TestDb,
  userId: string,
  tables: readonly string[] = OWNED,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}
      where user_id = ${userId}`.execute(t.db);
    out[table] = Number(rows[0]?.n);
  }
  return out;
}

const none = Object.fromEntries(OWNED.map((t) => [t, 0]));
const NEW_TABLES: readonly string[] = ["social_post_requests", "media_streams"];

describe.each(testBackends())("user-owned rows on %s", (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend, { migrate: false });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("the migration deletes rows whose user is gone, keeps the others, then adds the keys", async () => {
    const names = Object.keys(await migrationProvider.getMigrations());
    const before = names[names.indexOf("2026_12_07_020_user_foreign_keys") - 1] as string;
    const migrated = await new Migrator({ db: t.db, provider: migrationProvider }).migrateTo(
      before,
    );
    expect(migrated.error).toBeUndefined();
    await ensureUserRow(t.db, "kept");
    await fillFor(t, "kept", { newTables: false });
    // No user row: what deleting a user by hand used to leave.
    await fillFor(t, "gone-by-hand", { newTables: false });
    await createApiKey(t.db, { userId: "kept", name: "k" });
    const owned020 = OWNED.filter((table) => !NEW_TABLES.includes(table));
    const migrated050 = await new Migrator({ db: t.db, provider: migrationProvider }).migrateTo(
      names[names.indexOf("2026_12_07_050_owned_rows_of_new_tables") - 1] as string,
    );
    expect(migrated050.error).toBeUndefined();
    expect(await countsFor(t, "gone-by-hand", owned020)).toEqual(
      Object.fromEntries(owned020.map((table) => [table, 0])),
    );
    // Orphans in the later tables (their user, or their asset, gone) are removed by 050.
    await t.db.insertInto("social_post_requests").values({ user_id: "gone-by-hand" }).execute();
    await t.db
      .insertInto("media_streams")
      .values({ user_id: "gone-by-hand", expires_at: new Date(Date.now() + 60_000) })
      .execute();
    await t.db
      .insertInto("zernio_uploads")
      .values({ asset_id: "no-such-asset", public_url: "https://zernio.test/x" })
      .execute();
    await migrateToLatest(t.db);
    expect(await countsFor(t, "gone-by-hand")).toEqual(none);
    const { rows } = await sql<{ n: string }>`select count(*) as n from zernio_uploads`.execute(
      t.db,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    expect(Object.values(await countsFor(t, "kept", owned020))).toEqual(owned020.map(() => 1));
  });

  it("refuses a row for a user that does not exist, in every owned table", async () => {
    await expect(
      insertMediaAsset(t.db, {
        user_id: "nobody",
        provider: "openai",
        type: "image",
        model: "gpt-image-2",
        prompt: "p",
      }),
    ).rejects.toThrow(/foreign key/i);
    await expect(
      t.db.insertInto("social_profiles").values({ user_id: "nobody", claim_key: "c" }).execute(),
    ).rejects.toThrow(/foreign key/i);
    await expect(
      t.db
        .insertInto("media_streams")
        .values({ user_id: "nobody", expires_at: new Date() })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
    await expect(
      t.db.insertInto("social_post_requests").values({ user_id: "nobody" }).execute(),
    ).rejects.toThrow(/foreign key/i);
    await expect(
      t.db
        .insertInto("zernio_uploads")
        .values({ asset_id: "nothing", public_url: "https://zernio.test/y" })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
  });

  it("deleting the user row removes every row they own, and only theirs", async () => {
    await ensureUserRow(t.db, "leaving");
    await ensureUserRow(t.db, "staying");
    await fillFor(t, "leaving");
    await fillFor(t, "staying");
    await createApiKey(t.db, { userId: "leaving", name: "k" });
    expect(await deleteUserRow(t.db, "leaving")).toBe(true);
    expect(await countsFor(t, "leaving")).toEqual(none);
    expect((await countsFor(t, "staying")).media_assets).toBe(1);
    expect(await deleteUserRow(t.db, "leaving")).toBe(false);
  });
});
