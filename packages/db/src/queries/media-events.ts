import { sql } from "kysely";
import type { JsonObject, MediaEventRow } from "../schema";
import type { Executor } from "./media-assets";

/** The NOTIFY channel every process listens on for asset events. */
export const MEDIA_EVENTS_CHANNEL = "streamline_media_events";

export type MediaEventRecord = {
  id: number;
  assetId: string;
  userId: string;
  payload: JsonObject;
  createdAt: Date;
};

function toRecord(row: MediaEventRow): MediaEventRecord {
  return {
    id: Number(row.id),
    assetId: row.asset_id,
    userId: row.user_id,
    payload: row.payload,
    createdAt: row.created_at,
  };
}

/**
 * Records an event and announces it with NOTIFY in the same transaction (or statement): listeners in
 * every process hear of it exactly when it commits, and a reconnecting subscriber finds it in the table.
 *
 * A user's events must become visible in id order: subscribers resume "after the last id seen",
 * and a bigserial id is taken at insert, not at commit, so two transactions could otherwise commit
 * out of order and the later-committing lower id would be skipped for good. A per-user
 * transaction lock, taken just before the id, makes the next writer for that user wait until this
 * one commits. Call it last in a transaction (nothing else should be locked after it).
 */
export async function publishMediaEvent(
  db: Executor,
  event: { assetId: string; userId: string; payload: JsonObject },
): Promise<MediaEventRecord> {
  await sql`select pg_advisory_xact_lock(hashtext(${`media-events:${event.userId}`}))`.execute(db);
  const row = await db
    .insertInto("media_events")
    .values({ asset_id: event.assetId, user_id: event.userId, payload: event.payload })
    .returningAll()
    .executeTakeFirstOrThrow();
  const record = toRecord(row);
  // NOTIFY payloads are capped at 8000 bytes; events are small, but the id alone is always enough
  // for a listener to read the row back.
  const message = JSON.stringify(record);
  await sql`select pg_notify(${MEDIA_EVENTS_CHANNEL}, ${
    message.length < 7_500 ? message : JSON.stringify({ id: record.id, userId: record.userId })
  })`.execute(db);
  return record;
}

/** A user's events after `afterId` (optionally one asset's), oldest first: the replay for a reconnect. */
export async function listMediaEventsAfter(
  db: Executor,
  options: { userId: string; afterId: number; assetId?: string | undefined; limit?: number },
): Promise<MediaEventRecord[]> {
  let query = db
    .selectFrom("media_events")
    .selectAll()
    .where("user_id", "=", options.userId)
    .where("id", ">", options.afterId);
  if (options.assetId) query = query.where("asset_id", "=", options.assetId);
  const rows = await query
    .orderBy("id", "asc")
    .limit(options.limit ?? 1_000)
    .execute();
  return rows.map(toRecord);
}

export async function findMediaEvent(
  db: Executor,
  id: number,
): Promise<MediaEventRecord | undefined> {
  const row = await db
    .selectFrom("media_events")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** The newest event id, so a fresh subscriber can start from "now". */
export async function latestMediaEventId(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom("media_events")
    .select((eb) => eb.fn.max("id").as("id"))
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}
