import { createHash, randomBytes } from "node:crypto";
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

/** The user a presented key belongs to, or undefined for an unknown or revoked key. */
export async function findUserByApiKey(
  db: Executor,
  key: string,
): Promise<{ userId: string; keyId: string } | undefined> {
  if (!key.startsWith(API_KEY_PREFIX)) return undefined;
  const row = await db
    .updateTable("api_keys")
    .set({ last_used_at: new Date() })
    .where("key_hash", "=", hashApiKey(key))
    .where("revoked_at", "is", null)
    .returning(["user_id", "id"])
    .executeTakeFirst();
  return row ? { userId: row.user_id, keyId: row.id } : undefined;
}
