import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { ApiKey } from "../schema";
import type { Executor } from "./media-assets";

/** Every key starts with this, so secret scanners and people can recognise one. */
export const API_KEY_PREFIX = "slk_";

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Creates a key for a user. The plain key is returned once, here, and never stored. */
export async function createApiKey(
  db: Executor,
  input: { userId: string; name: string },
): Promise<{ key: string; apiKey: ApiKey }> {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const apiKey = await db
    .insertInto("api_keys")
    .values({
      user_id: input.userId,
      name: input.name,
      prefix: key.slice(0, API_KEY_PREFIX.length + 6),
      key_hash: hashApiKey(key),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key, apiKey };
}

export async function listApiKeys(db: Executor, userId: string): Promise<ApiKey[]> {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .execute();
}

/** Revokes a user's key at once; false when it is not theirs or already revoked. */
export async function revokeApiKey(
  db: Executor,
  input: { userId: string; id: string },
): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_at: new Date() })
    .where("id", "=", input.id)
    .where("user_id", "=", input.userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** `last_used_at` is kept to this resolution: written at most once per key per interval. */
export const API_KEY_LAST_USED_RESOLUTION_SECONDS = 60;

/**
 * The user a presented key belongs to, or undefined for an unknown or revoked key (checked on
 * every call, so a revocation holds at once). One statement: it reads the key and records its use
 * only when `last_used_at` is older than API_KEY_LAST_USED_RESOLUTION_SECONDS — most calls are
 * then a plain read, with no row write, commit record or WAL flush.
 */
export async function findUserByApiKey(
  db: Executor,
  key: string,
): Promise<{ userId: string; keyId: string } | undefined> {
  if (!key.startsWith(API_KEY_PREFIX)) return undefined;
  const { rows } = await sql<{ user_id: string; id: string }>`
    with found as (
      select id, user_id, last_used_at from api_keys
      where key_hash = ${hashApiKey(key)} and revoked_at is null
    ), touched as (
      update api_keys set last_used_at = now()
      from found
      where api_keys.id = found.id
        and (found.last_used_at is null
             or found.last_used_at < now() - make_interval(secs => ${API_KEY_LAST_USED_RESOLUTION_SECONDS}))
        and api_keys.revoked_at is null
      returning api_keys.id
    )
    select user_id, id from found`.execute(db);
  const row = rows[0];
  return row ? { userId: row.user_id, keyId: row.id } : undefined;
}
