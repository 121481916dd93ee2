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
] as const;

/** One row in every table a user owns. */
async function fillFor(t: TestDb, userId: string) {
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
}

async function countsFor(t: TestDb, userId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of OWNED) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}
      where user_id = ${userId}`.execute(t.db);
    out[table] = Number(rows[0]?.n);
  }
  return out;
}

const none = Object.fromEntries(OWNED.map((t) => [t, 0]));

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
    await fillFor(t, "kept");
    await fillFor(t, "gone-by-hand"); // no user row: what deleting a user by hand used to leave
    await createApiKey(t.db, { userId: "kept", name: "k" });
    await migrateToLatest(t.db);
    expect(await countsFor(t, "gone-by-hand")).toEqual(none);
    expect(Object.values(await countsFor(t, "kept"))).toEqual(OWNED.map(() => 1));
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
