// The lean list path behind media.list: the statement for each filter shape is compiled once (then
// prepared by name on PostgreSQL, see prepared.ts), and the times come back from PostgreSQL as
// ISO-8601 text, ready for the wire — no query building, no Date parsing per request.
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from "kysely";
import { preparedStatement, runPrepared } from "../prepared";
import type { Database } from "../schema";
import {
  type Executor,
  type ListMediaAssetsOptions,
  MEDIA_ASSET_LIST_COLUMNS,
  type MediaAssetListRow,
  promptSearchQuery,
} from "./media-assets";

/** A listed asset with its times as ISO-8601 UTC text (`2026-12-07T03:17:39.123Z`). */
export type MediaAssetListTextRow = Omit<
  MediaAssetListRow,
  "created_at" | "updated_at" | "completed_at" | "starred_at"
> & {
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  starred_at: string | null;
};

/** A cursor whose time is ISO text (what encodeCursor writes). */
export type MediaAssetTextCursor = { createdAt: string; id: string };

const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const TIME_COLUMNS = new Set(["created_at", "updated_at", "completed_at", "starred_at"]);
const iso = (column: string) =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as(
    column,
  );

type Shape = { text: string; slots: string[] };
const shapes = new Map<string, Shape>();

/** Compiles (once per filter shape) the list statement with a marker in every value's place. */
function shapeOf(options: ListMediaAssetsOptions, statuses: readonly string[]): Shape {
  const key = [
    options.cursor ? "c" : "",
    options.type ? "t" : "",
    options.model ? "m" : "",
    statuses.length,
    options.starred ? "s" : "",
    options.search ? "q" : "",
  ].join(":");
  const known = shapes.get(key);
  if (known) return known;
  let query = compiler
    .selectFrom("media_assets")
    .select(MEDIA_ASSET_LIST_COLUMNS.map((c) => (TIME_COLUMNS.has(c) ? iso(c) : c)))
    .where("user_id", "=", "$user")
    .where("deleted_at", "is", null);
  if (options.type) query = query.where("type", "=", "$type" as never);
  if (options.model) query = query.where("model", "=", "$model");
  if (statuses.length) {
    query = query.where(
      "status",
      "in",
      statuses.map((_, i) => `$status${i}` as never),
    );
  }
  if (options.starred) query = query.where("starred_at", "is not", null);
  if (options.search) {
    query = query.where(sql<boolean>`prompt_search @@ to_tsquery('simple', ${"$search"})`);
  }
  if (options.cursor) {
    query = query.where((eb) =>
      eb(eb.refTuple("created_at", "id"), "<", eb.tuple("$cursorTime" as never, "$cursorId")),
    );
  }
  const compiled = query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit("$limit" as never)
    .compile();
  const shape: Shape = {
    text: preparedStatement(`streamline_media_list_${shapes.size}`, compiled.sql),
    slots: compiled.parameters.map(String),
  };
  shapes.set(key, shape);
  return shape;
}

/**
 * One page of a user's assets, newest first (the same rows and order as listMediaAssets), with
 * times as ISO text; the cursor is the last row's time and id.
 */
export async function listMediaAssetPage(
  db: Executor,
  options: Omit<ListMediaAssetsOptions, "cursor"> & {
    cursor?: MediaAssetTextCursor | null | undefined;
  },
): Promise<{ items: MediaAssetListTextRow[]; nextCursor: MediaAssetTextCursor | null }> {
  const tsquery = options.search ? promptSearchQuery(options.search) : null;
  if (options.search && !tsquery) return { items: [], nextCursor: null };
  const statuses =
    options.status === undefined
      ? []
      : typeof options.status === "string"
        ? [options.status]
        : options.status;
  const shape = shapeOf({ ...options, cursor: options.cursor ? ({} as never) : null }, statuses);
  const values = shape.slots.map((slot) => {
    switch (slot) {
      case "$user":
        return options.userId;
      case "$type":
        return options.type;
      case "$model":
        return options.model;
      case "$search":
        return tsquery;
      case "$cursorTime":
        return options.cursor?.createdAt;
      case "$cursorId":
        return options.cursor?.id;
      case "$limit":
        return options.limit + 1;
      default:
        return statuses[Number(slot.slice("$status".length))];
    }
  });
  const rows = await runPrepared<MediaAssetListTextRow>(db, shape.text, values);
  const more = rows.length > options.limit;
  if (more) rows.length = options.limit;
  const last = rows[rows.length - 1];
  return {
    items: rows,
    nextCursor: more && last ? { createdAt: last.created_at, id: last.id } : null,
  };
}
