import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { ApiKeyCache } from "../api-key-cache";
import { preparedStatement, runPrepared } from "../prepared";
import type { ApiKey } from "../schema";
import type { Executor } from "./media-assets";
import { MEDIA_EVENTS_CHANNEL } from "./media-events";

/** Every key starts with this, so secret scanners and people can recognise one. */
export const API_KEY_PREFIX = "slk_";

/** `last_used_at` is kept to this resolution: written at most once per key per interval. */
export const API_KEY_LAST_USED_RESOLUTION_SECONDS = 60;
const API_KEY_LAST_USED_RESOLUTION_SECONDS_TEXT = String(API_KEY_LAST_USED_RESOLUTION_SECONDS);

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

/**
 * Revokes a user's key at once; false when it is not theirs or already revoked. One statement: the
 * update and a NOTIFY on the events channel (sent at commit), on which every process drops the key
 * from its ApiKeyCache.
 */
export async function revokeApiKey(
  db: Executor,
  input: { userId: string; id: string },
): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    with revoked as (
      update api_keys set revoked_at = now()
      where id = ${input.id} and user_id = ${input.userId} and revoked_at is null
      returning id
    )
    select id, pg_notify(${MEDIA_EVENTS_CHANNEL},
      json_build_object('kind', 'api-key-revoked', 'keyId', id)::text)::text as notified
    from revoked`.execute(db);
  return rows.length === 1;
}

/** Tells every process that all of a user's keys are gone (account deletion), at commit. */
export async function announceApiKeysRevoked(db: Executor, userId: string): Promise<void> {
  await sql`select pg_notify(${MEDIA_EVENTS_CHANNEL},
    json_build_object('kind', 'api-keys-revoked', 'userId', ${userId}::text)::text)`.execute(db);
}

const KEY_LOOKUP = preparedStatement(
  "streamline_api_key_lookup",
  "select id, user_id, last_used_at from api_keys where key_hash = $1 and revoked_at is null",
);
const KEY_TOUCH = preparedStatement(
  "streamline_api_key_touch",
  `update api_keys set last_used_at = now() where id = $1 and revoked_at is null
     and (last_used_at is null
          or last_used_at < now() - make_interval(secs => ${API_KEY_LAST_USED_RESOLUTION_SECONDS_TEXT}))`,
);

/**
 * findUserByApiKey with a per-process cache: a known key costs no round trip; an unknown one is
 * one prepared statement. `last_used_at` is written in the background, at most once a minute per
 * key (and the statement itself skips a key touched within the minute by another process).
 */
export async function findUserByApiKeyCached(
  db: Executor,
  key: string,
  cache: ApiKeyCache,
  now = Date.now(),
): Promise<{ userId: string; keyId: string } | undefined> {
  if (!key.startsWith(API_KEY_PREFIX)) return undefined;
  const hash = hashApiKey(key);
  const cached = cache.get(hash);
  if (cached) {
    if (now - cached.touchedAt >= API_KEY_LAST_USED_RESOLUTION_SECONDS * 1000) {
      cached.touchedAt = now;
      touchLater(db, cached.keyId);
    }
    return { userId: cached.userId, keyId: cached.keyId };
  }
  const epoch = cache.epoch;
  const [row] = await runPrepared<{ id: string; user_id: string; last_used_at: Date | null }>(
    db,
    KEY_LOOKUP,
    [hash],
  );
  if (!row) return undefined;
  const stale =
    row.last_used_at === null ||
    now - row.last_used_at.getTime() >= API_KEY_LAST_USED_RESOLUTION_SECONDS * 1000;
  if (stale) touchLater(db, row.id);
  cache.set(
    hash,
    {
      userId: row.user_id,
      keyId: row.id,
      touchedAt: stale ? now : (row.last_used_at?.getTime() ?? now),
    },
    epoch,
  );
  return { userId: row.user_id, keyId: row.id };
}

function touchLater(db: Executor, keyId: string): void {
  runPrepared(db, KEY_TOUCH, [keyId]).catch(() => {});
}

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
