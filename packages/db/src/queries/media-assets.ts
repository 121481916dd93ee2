import { type Kysely, sql, type Transaction } from "kysely";
import { preparedStatement, runPrepared } from "../prepared";
import type {
  Database,
  MediaAsset,
  MediaAssetUpdate,
  MediaStatus,
  MediaType,
  NewMediaAsset,
} from "../schema";
import { TERMINAL_STATUSES } from "../schema";

/** Query functions take the database (or a transaction) first, so callers compose them in one transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export async function insertMediaAsset(db: Executor, values: NewMediaAsset): Promise<MediaAsset> {
  return db.insertInto("media_assets").values(values).returningAll().executeTakeFirstOrThrow();
}

/**
 * Inserts unless the user already used this idempotency key; either way returns the row and
 * whether this call created it. One statement decides, so two racing requests cannot both insert.
 */
export async function insertMediaAssetOnce(
  db: Executor,
  values: NewMediaAsset & { idempotency_key: string },
): Promise<{ asset: MediaAsset; created: boolean }> {
  const inserted = await db
    .insertInto("media_assets")
    .values(values)
    .onConflict((oc) => oc.columns(["user_id", "idempotency_key"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { asset: inserted, created: true };
  const existing = await db
    .selectFrom("media_assets")
    .selectAll()
    .where("user_id", "=", values.user_id)
    .where("idempotency_key", "=", values.idempotency_key)
    .executeTakeFirstOrThrow();
  return { asset: existing, created: false };
}

const FIND_ASSET = preparedStatement(
  "streamline_media_by_id",
  "select * from media_assets where id = $1 and user_id = $2 and deleted_at is null",
);

/**
 * A user's asset, or undefined when it does not exist, is someone else's, or was deleted (a named
 * prepared statement: media.byId and every per-asset procedure start here).
 */
export async function findMediaAsset(
  db: Executor,
  where: { id: string; userId: string },
): Promise<MediaAsset | undefined> {
  const [row] = await runPrepared<MediaAsset>(db, FIND_ASSET, [where.id, where.userId]);
  return row;
}

/** The assets one submission made (its variants), in order, by its idempotency key. */
export async function findSubmissionAssets(
  db: Executor,
  userId: string,
  idempotencyKey: string,
): Promise<MediaAsset[]> {
  const first = await db
    .selectFrom("media_assets")
    .selectAll()
    .where("user_id", "=", userId)
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirst();
  if (!first?.group_id) return first ? [first] : [];
  return db
    .selectFrom("media_assets")
    .selectAll()
    .where("user_id", "=", userId)
    .where("group_id", "=", first.group_id)
    .orderBy("created_at")
    .orderBy("idempotency_key")
    .execute();
}

export async function updateMediaAsset(
  db: Executor,
  id: string,
  patch: MediaAssetUpdate,
): Promise<MediaAsset | undefined> {
  return db
    .updateTable("media_assets")
    .set({ ...patch, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/** Any asset by id, deleted ones too (the generation worker's view of its row). */
/** Several assets by id at once (any owner: callers pass ids they already hold), e.g. a page of posts' media. */
export async function findMediaAssetsByIds(
  db: Executor,
  ids: readonly string[],
): Promise<MediaAsset[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("media_assets")
    .selectAll()
    .where("id", "in", [...ids])
    .execute();
}

export async function findMediaAssetById(
  db: Executor,
  id: string,
): Promise<MediaAsset | undefined> {
  return db.selectFrom("media_assets").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Whether an asset has stopped or was deleted: a running generation checks it between polls. */
export async function findMediaAssetState(
  db: Executor,
  id: string,
): Promise<Pick<MediaAsset, "status" | "deleted_at"> | undefined> {
  return db
    .selectFrom("media_assets")
    .select(["status", "deleted_at"])
    .where("id", "=", id)
    .executeTakeFirst();
}

/**
 * Locks an asset's row for the rest of the transaction and reads what a state change is guarded
 * by: its status and whether a provider job is recorded.
 */
export async function lockMediaAssetForChange(
  tx: Executor,
  id: string,
): Promise<Pick<MediaAsset, "status" | "provider_job_id"> | undefined> {
  return tx
    .selectFrom("media_assets")
    .select(["status", "provider_job_id"])
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Account deletion's first step: every running generation of the user is canceled and every asset
 * soft-deleted (what media.delete does to one asset, for all of them at once).
 */
export async function retireUserAssets(
  db: Executor,
  userId: string,
  now: Date,
): Promise<Pick<MediaAsset, "provider" | "model" | "type" | "status" | "error_code">[]> {
  // The generations this ends (they count as canceled, as one canceled alone does).
  const canceled = await db
    .updateTable("media_assets")
    .set({ status: "canceled", completed_at: now })
    .where("user_id", "=", userId)
    .where("status", "not in", [...TERMINAL_STATUSES])
    .returning(["provider", "model", "type", "status", "error_code"])
    .execute();
  await db
    .updateTable("media_assets")
    .set({ deleted_at: now })
    .where("user_id", "=", userId)
    .where("deleted_at", "is", null)
    .execute();
  return canceled;
}

/**
 * The columns an asset's API answer (its DTO) is made from: everything but the owner, the
 * idempotency key, the deletion time and the text-search vector, which no answer shows.
 */
export const MEDIA_ASSET_LIST_COLUMNS = [
  "id",
  "type",
  "provider",
  "model",
  "prompt",
  "status",
  "progress",
  "error_code",
  "error_message",
  "attempts",
  "provider_job_id",
  "params",
  "reference_image_url",
  "result_url",
  "thumbnail_url",
  "width",
  "height",
  "duration_seconds",
  "cost_usd",
  "estimated_cost_usd",
  "starred_at",
  "group_id",
  "metadata",
  "created_at",
  "updated_at",
  "completed_at",
] as const satisfies readonly (keyof MediaAsset)[];

/** An asset as a listing reads it (MEDIA_ASSET_LIST_COLUMNS); a full MediaAsset is one too. */
export type MediaAssetListRow = Pick<MediaAsset, (typeof MEDIA_ASSET_LIST_COLUMNS)[number]>;

/** Position in a newest-first listing: the last row a page returned. */
export type MediaAssetCursor = { createdAt: Date; id: string };

export type ListMediaAssetsOptions = {
  userId: string;
  limit: number;
  cursor?: MediaAssetCursor | null | undefined;
  type?: MediaType | undefined;
  model?: string | undefined;
  status?: MediaStatus | readonly MediaStatus[] | undefined;
  /** Only starred assets. */
  starred?: boolean | undefined;
  /** Words the prompt must contain (each a prefix: "gumm" finds "gummies"). */
  search?: string | undefined;
};

/**
 * A text-search query from what a user typed: each word (letters and digits only, so no tsquery
 * syntax gets through) as a prefix, all required. Null when nothing searchable is left.
 */
export function promptSearchQuery(text: string): string | null {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

/** Stars or unstars one of the user's assets; undefined when it is not theirs (or deleted). */
export async function setMediaAssetStar(
  db: Executor,
  where: { id: string; userId: string },
  starred: boolean,
): Promise<MediaAsset | undefined> {
  return db
    .updateTable("media_assets")
    .set({ starred_at: starred ? new Date() : null })
    .where("id", "=", where.id)
    .where("user_id", "=", where.userId)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * One page of a user's assets, newest first, by keyset on (created_at, id): stable while new rows
 * arrive (they sort before the cursor) and as fast on page 100 as on page 1.
 */
export async function listMediaAssets(
  db: Executor,
  options: ListMediaAssetsOptions,
): Promise<{ items: MediaAssetListRow[]; nextCursor: MediaAssetCursor | null }> {
  if (options.search && !promptSearchQuery(options.search)) return { items: [], nextCursor: null };
  const rows = await listMediaAssetsQuery(db, options).execute();
  const items = rows.slice(0, options.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > options.limit && last ? { createdAt: last.created_at, id: last.id } : null;
  return { items, nextCursor };
}

/**
 * The statement behind listMediaAssets (`limit + 1` rows, the extra one says whether a next page
 * exists). Exported so the benchmark's bare baseline server runs exactly this SQL.
 */
export function listMediaAssetsQuery(db: Executor, options: ListMediaAssetsOptions) {
  let query = db
    .selectFrom("media_assets")
    .select(MEDIA_ASSET_LIST_COLUMNS)
    .where("user_id", "=", options.userId)
    .where("deleted_at", "is", null);
  if (options.type) query = query.where("type", "=", options.type);
  if (options.model) query = query.where("model", "=", options.model);
  if (options.status) {
    const statuses = typeof options.status === "string" ? [options.status] : [...options.status];
    query = query.where("status", "in", statuses);
  }
  if (options.starred) query = query.where("starred_at", "is not", null);
  const tsquery = options.search ? promptSearchQuery(options.search) : null;
  if (tsquery) {
    query = query.where(sql<boolean>`prompt_search @@ to_tsquery('simple', ${tsquery})`);
  }
  const cursor = options.cursor;
  if (cursor) {
    // A row-value comparison, so Postgres walks the (user_id, created_at, id) index from the cursor
    // instead of filtering an OR of two conditions.
    query = query.where((eb) =>
      eb(eb.refTuple("created_at", "id"), "<", eb.tuple(cursor.createdAt, cursor.id)),
    );
  }
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit + 1);
}

/** Cursors travel to the browser as opaque strings. */
export function encodeCursor(cursor: MediaAssetCursor | { createdAt: string; id: string }): string {
  const time =
    typeof cursor.createdAt === "string" ? cursor.createdAt : cursor.createdAt.toISOString();
  return Buffer.from(`${time}|${cursor.id}`).toString("base64url");
}

const CURSOR =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z)\|([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/**
 * The cursor `encodeCursor` wrote, or null for anything else: an ISO time PostgreSQL can hold
 * (years 1970–9999) and an asset id (a UUID), so a forged cursor never reaches a query.
 */
export function decodeCursor(value: string): MediaAssetCursor | null {
  if (value.length > 200 || !/^[A-Za-z0-9_-]*$/.test(value)) return null;
  const match = CURSOR.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!match) return null;
  const [, iso, id] = match as unknown as [string, string, string];
  const createdAt = new Date(iso);
  const year = createdAt.getUTCFullYear();
  if (Number.isNaN(createdAt.getTime()) || year < 1970 || year > 9999) return null;
  return { createdAt, id };
}

/**
 * Takes the user's quota lock for the rest of the transaction (a transaction-scoped advisory lock):
 * every check-then-write of something that costs money runs under it.
 */
export async function lockUserQuota(tx: Executor, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`media-quota:${userId}`}))`.execute(tx);
}

/**
 * Today's (UTC) generations of a user: how many are in flight, what providers charged, and the
 * estimate of every job still in flight. Demo work counts nothing; sums come as the driver gives
 * them (numeric text or null).
 */
export async function generationSpendToday(db: Executor, userId: string) {
  const startOfUtcDay = () =>
    sql<Date>`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`;
  const notDemo = sql<boolean>`coalesce(metadata->>'demo', '') <> 'true'`;
  return db
    .selectFrom("media_assets")
    .select((eb) => [
      eb.fn
        .count<number>("id")
        .filterWhere((w) =>
          w.and([w("status", "in", ["queued", "running"]), w("deleted_at", "is", null)]),
        )
        .as("active"),
      // Today's spend: what providers charged, plus the estimate of every job still in flight (it
      // may be charged any moment). By UTC day; deleting an asset does not refund what it cost.
      eb.fn
        .sum<string | null>("cost_usd")
        .filterWhere((w) => w.and([w("created_at", ">=", startOfUtcDay()), notDemo]))
        .as("charged"),
      eb.fn
        .sum<string | null>("estimated_cost_usd")
        .filterWhere((w) =>
          w.and([
            w("status", "in", ["queued", "running"]),
            w("cost_usd", "is", null),
            w("created_at", ">=", startOfUtcDay()),
            notDemo,
          ]),
        )
        .as("inFlight"),
    ])
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
}
