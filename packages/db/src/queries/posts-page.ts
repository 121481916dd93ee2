// The posts page's listing (issue 19): a user's posts ordered by when they go out (`post_at`),
// paged by a keyset cursor, filtered by status, platform, account, a date range and caption text.
// Served by the (user_id, post_at, id) index: every filter applies within one user's range.
import { sql } from "kysely";
import type { ScheduledPost, ScheduledPostStatus } from "../schema";
import type { Executor } from "./media-assets";

export interface PostsPageQuery {
  userId: string;
  statuses?: readonly ScheduledPostStatus[] | undefined;
  /** Our platform ids (x, not twitter), as stored in targets. */
  platforms?: readonly string[] | undefined;
  accountIds?: readonly string[] | undefined;
  /** post_at ≥ from. */
  from?: Date | undefined;
  /** post_at < to. */
  to?: Date | undefined;
  /** Case-insensitive text in any caption (text or title). */
  search?: string | undefined;
  order: "asc" | "desc";
  after?: { at: Date; id: string } | undefined;
  limit: number;
}

/** `%`, `_` and `\` in a search are literal characters, not patterns. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The page's query (limit + 1 rows), as a builder: the list benchmark's bare server compiles the
 * same SQL from it.
 */
export function listPostsPageQuery(db: Executor, query: PostsPageQuery) {
  let q = db.selectFrom("scheduled_posts").selectAll().where("user_id", "=", query.userId);
  if (query.statuses?.length) q = q.where("status", "in", [...query.statuses]);
  if (query.from) q = q.where("post_at", ">=", query.from);
  if (query.to) q = q.where("post_at", "<", query.to);
  const platforms = query.platforms ?? [];
  if (platforms.length) {
    q = q.where((eb) =>
      eb.or(
        platforms.map(
          (platform) => sql<boolean>`targets @> ${JSON.stringify([{ platform }])}::jsonb`,
        ),
      ),
    );
  }
  const accounts = query.accountIds ?? [];
  if (accounts.length) {
    q = q.where((eb) =>
      eb.or(
        accounts.map(
          (accountId) => sql<boolean>`targets @> ${JSON.stringify([{ accountId }])}::jsonb`,
        ),
      ),
    );
  }
  const search = query.search?.trim();
  if (search) {
    const pattern = `%${likeLiteral(search)}%`;
    q = q.where(
      sql<boolean>`exists (select 1 from jsonb_each(scheduled_posts.captions) c
        where c.value->>'text' ilike ${pattern} or c.value->>'title' ilike ${pattern})`,
    );
  }
  const after = query.after;
  if (after) {
    q =
      query.order === "asc"
        ? q.where(sql<boolean>`(post_at, id) > (${after.at}::timestamptz, ${after.id})`)
        : q.where(sql<boolean>`(post_at, id) < (${after.at}::timestamptz, ${after.id})`);
  }
  return q
    .orderBy("post_at", query.order)
    .orderBy("id", query.order)
    .limit(query.limit + 1);
}

/** One page (limit + 1 rows are read: the extra one says whether there is a next page). */
export async function listPostsPage(
  db: Executor,
  query: PostsPageQuery,
): Promise<{ rows: ScheduledPost[]; more: boolean }> {
  const rows = await listPostsPageQuery(db, query).execute();
  const more = rows.length > query.limit;
  return { rows: more ? rows.slice(0, query.limit) : rows, more };
}
