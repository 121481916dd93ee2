// The better-auth "user" row as the product sees it: every table a user owns references it with
// ON DELETE CASCADE (migration 2026_12_07_020), so deleting this one row removes all of their rows.
import { announceApiKeysRevoked } from "./api-keys";
import type { Executor } from "./media-assets";

/**
 * Makes sure a user row exists (the test-only AUTH_DEV_HEADER caller and test fixtures, whose
 * users never signed up): user-owned rows need it for their foreign key.
 */
export async function ensureUserRow(db: Executor, userId: string): Promise<void> {
  await db
    .insertInto("user")
    .values({
      id: userId,
      name: userId,
      email: `${userId.toLowerCase()}@users.invalid`,
      emailVerified: false,
      image: null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

/** Deletes the user row; every row they own goes with it (foreign keys). True when it existed. */
export async function deleteUserRow(db: Executor, userId: string): Promise<boolean> {
  const deleted = await db.deleteFrom("user").where("id", "=", userId).executeTakeFirst();
  // Its API keys went with it (cascade): every process drops them from its key cache.
  if (Number(deleted.numDeletedRows) > 0) await announceApiKeysRevoked(db, userId);
  return Number(deleted.numDeletedRows) > 0;
}

/** Everything a user's data export holds, straight from the rows (the API shapes it). */
export async function readAccountData(db: Executor, userId: string) {
  const [user, assets, captions, posts, apiKeys] = await Promise.all([
    db
      .selectFrom("user")
      .select(["id", "email", "name", "createdAt"])
      .where("id", "=", userId)
      .executeTakeFirst(),
    db
      .selectFrom("media_assets")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("created_at", "asc")
      .orderBy("id", "asc")
      .execute(),
    db
      .selectFrom("captions")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("created_at", "asc")
      .orderBy("id", "asc")
      .execute(),
    db
      .selectFrom("scheduled_posts")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("created_at", "asc")
      .orderBy("id", "asc")
      .execute(),
    // Never the hash: names, prefixes and dates only.
    db
      .selectFrom("api_keys")
      .select(["name", "prefix", "created_at", "last_used_at", "revoked_at"])
      .where("user_id", "=", userId)
      .orderBy("created_at", "asc")
      .execute(),
  ]);
  return { user, assets, captions, posts, apiKeys };
}

/** Storage metadata of every asset a user has (deleted ones too): their files go with the account. */
export async function listAssetStorageOf(db: Executor, userId: string) {
  return db
    .selectFrom("media_assets")
    .select(["id", "metadata"])
    .where("user_id", "=", userId)
    .execute();
}
