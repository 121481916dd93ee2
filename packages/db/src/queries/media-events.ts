import { sql } from "kysely";
import { preparedStatement, runPrepared } from "../prepared";
import type {
  JsonObject,
  MediaAsset,
  MediaAssetUpdate,
  MediaEventRow,
  MediaStatus,
} from "../schema";
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
  // One statement, one round trip: the lock (taken before the insert's source row exists, so
  // before the id is drawn), the insert, and the NOTIFY of the row as inserted. NOTIFY payloads
  // are capped at 8000 bytes; events are small, but the id alone is always enough for a listener
  // to read the row back.
  const { rows } = await sql<MediaEventRow>`
    with locked as (
      select pg_advisory_xact_lock(hashtext(${`media-events:${event.userId}`}))
    ), inserted as (
      insert into media_events (asset_id, user_id, payload)
      select ${event.assetId}, ${event.userId}, ${JSON.stringify(event.payload)}::jsonb from locked
      returning id, asset_id, user_id, payload, created_at
    ), message as (
      select inserted.*, json_build_object('id', id, 'assetId', asset_id, 'userId', user_id,
        'payload', payload, 'createdAt', created_at)::text as full_message
      from inserted
    )
    select id, asset_id, user_id, payload, created_at,
      pg_notify(${MEDIA_EVENTS_CHANNEL}, case when octet_length(full_message) < 7500 then full_message
        else json_build_object('id', id, 'userId', user_id)::text end)::text as notified
    from message`.execute(db);
  const row = rows[0];
  if (!row) throw new Error("publishMediaEvent: the event row was not written");
  return toRecord(row);
}

const EVENTS_AFTER = preparedStatement(
  "streamline_media_events_after",
  `select * from media_events where user_id = $1 and id > $2 order by id asc limit $3`,
);
const ASSET_EVENTS_AFTER = preparedStatement(
  "streamline_media_asset_events_after",
  `select * from media_events where user_id = $1 and id > $2 and asset_id = $3
   order by id asc limit $4`,
);

/**
 * A user's events after `afterId` (optionally one asset's), oldest first: the replay for a
 * reconnect (named prepared statements: every subscription starts with it).
 */
export async function listMediaEventsAfter(
  db: Executor,
  options: { userId: string; afterId: number; assetId?: string | undefined; limit?: number },
): Promise<MediaEventRecord[]> {
  const limit = options.limit ?? 1_000;
  const rows = options.assetId
    ? await runPrepared<MediaEventRow>(db, ASSET_EVENTS_AFTER, [
        options.userId,
        options.afterId,
        options.assetId,
        limit,
      ])
    : await runPrepared<MediaEventRow>(db, EVENTS_AFTER, [options.userId, options.afterId, limit]);
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

/**
 * An asset's change and its event in one statement (one round trip, its own transaction when the
 * caller has none): the guarded UPDATE (under READ COMMITTED a concurrent writer's new row version
 * is re-checked against the guard, so guard and update are atomic without SELECT … FOR UPDATE),
 * then — only when a row was updated — the user's event lock, the event row and its NOTIFY, in
 * that order (the lock before the event id is drawn, as in publishMediaEvent). Undefined when the
 * guard no longer held (nothing written, nothing published).
 */
export async function changeMediaAsset(
  db: Executor,
  asset: { id: string; userId: string },
  patch: MediaAssetUpdate,
  event: JsonObject | null,
  guard: { notStatus?: readonly MediaStatus[] | undefined; unclaimed?: boolean | undefined } = {},
): Promise<MediaAsset | undefined> {
  const withUpdate = db.with("updated", (qb) => {
    let update = qb
      .updateTable("media_assets")
      .set({ ...patch, updated_at: new Date() })
      .where("id", "=", asset.id);
    if (guard.notStatus?.length) update = update.where("status", "not in", [...guard.notStatus]);
    if (guard.unclaimed) update = update.where("provider_job_id", "is", null);
    return update.returningAll();
  });
  if (!event) return withUpdate.selectFrom("updated").selectAll().executeTakeFirst();
  const row = await withUpdate
    .with("locked", (qb) =>
      qb
        .selectFrom("updated")
        .select(
          sql<string>`pg_advisory_xact_lock(hashtext(${`media-events:${asset.userId}`}))`.as("l"),
        ),
    )
    .with("inserted", (qb) =>
      qb
        .insertInto("media_events")
        .columns(["asset_id", "user_id", "payload"])
        .expression(
          qb
            .selectFrom("locked")
            .select([
              sql<string>`${asset.id}::text`.as("asset_id"),
              sql<string>`${asset.userId}::text`.as("user_id"),
              sql<JsonObject>`${JSON.stringify(event)}::jsonb`.as("payload"),
            ]),
        )
        .returning(["id", "asset_id", "user_id", "payload", "created_at"]),
    )
    .selectFrom("updated")
    .selectAll("updated")
    .select(
      sql<string>`(select pg_notify(${MEDIA_EVENTS_CHANNEL}, case when octet_length(m) < 7500 then m
          else json_build_object('id', id, 'userId', user_id)::text end)::text
        from (select id, user_id, json_build_object('id', id, 'assetId', asset_id, 'userId', user_id,
          'payload', payload, 'createdAt', created_at)::text as m from inserted) message)`.as(
        "_notified",
      ),
    )
    .executeTakeFirst();
  if (!row) return undefined;
  const { _notified, ...updated } = row as MediaAsset & { _notified?: unknown };
  return updated as MediaAsset;
}
