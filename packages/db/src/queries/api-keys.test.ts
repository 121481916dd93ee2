// API-key lookups: the caller is resolved on every call (a revocation holds at once), while
// `last_used_at` is written at most once per key per API_KEY_LAST_USED_RESOLUTION_SECONDS, so a
// read-heavy client does not turn every request into a row write and a WAL flush.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb, testBackends } from "../testing";
import {
  API_KEY_LAST_USED_RESOLUTION_SECONDS,
  createApiKey,
  findUserByApiKey,
  revokeApiKey,
} from "./api-keys";

describe.each(testBackends())("API keys on %s", (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    await sql`insert into "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
              values ('key-user', 'Key User', 'key-user@example.com', true, now(), now())`.execute(
      t.db,
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  const lastUsed = async (id: string) =>
    (
      await t.db
        .selectFrom("api_keys")
        .select("last_used_at")
        .where("id", "=", id)
        .executeTakeFirstOrThrow()
    ).last_used_at;

  it("records a key's use at most once per interval, and refuses a revoked key at once", async () => {
    const { key, apiKey } = await createApiKey(t.db, { userId: "key-user", name: "ci" });
    expect(await lastUsed(apiKey.id)).toBeNull();

    expect(await findUserByApiKey(t.db, key)).toEqual({ userId: "key-user", keyId: apiKey.id });
    const first = await lastUsed(apiKey.id);
    expect(first).toBeInstanceOf(Date);

    for (let i = 0; i < 5; i++) await findUserByApiKey(t.db, key);
    expect((await lastUsed(apiKey.id))?.getTime()).toBe(first?.getTime());

    // Older than the resolution: the next call records it again.
    const stale = new Date(Date.now() - (API_KEY_LAST_USED_RESOLUTION_SECONDS + 5) * 1000);
    await t.db
      .updateTable("api_keys")
      .set({ last_used_at: stale })
      .where("id", "=", apiKey.id)
      .execute();
    await findUserByApiKey(t.db, key);
    expect((await lastUsed(apiKey.id))?.getTime()).toBeGreaterThan(stale.getTime() + 1000);

    expect(await revokeApiKey(t.db, { userId: "key-user", id: apiKey.id })).toBe(true);
    expect(await findUserByApiKey(t.db, key)).toBeUndefined();
    expect(await findUserByApiKey(t.db, `${key}x`)).toBeUndefined();
    expect(await findUserByApiKey(t.db, "not-a-key")).toBeUndefined();
  });
});
