// The posts benchmark's floor: `GET /trpc/social.list` on the bare baseline server, sending the
// SAME SQL the product's social.list sends — the page query compiled from packages/db's own
// listPostsPageQuery, then the page's media items and their assets (the queries of
// listPostMedia and findMediaAssetsByIds) — as prepared statements, and the rows
// JSON.stringify'd. No tRPC, no zod, no DTO mapping, no signed media URLs.
import { createHash } from "node:crypto";
import { listPostsPageQuery, type ScheduledPostStatus } from "@streamline/db";
import type { Kysely } from "kysely";

type Query = (name: string, text: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

const UPCOMING: ScheduledPostStatus[] = ["queued", "sending", "scheduled", "publishing"];
const HISTORY: ScheduledPostStatus[] = ["published", "partial", "failed", "cancelled"];

/** A statement's name: its text (each page size and status list is its own prepared statement). */
const nameOf = (text: string) => `p_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;

async function run(query: Query, compiled: { sql: string; parameters: readonly unknown[] }) {
  return query(nameOf(compiled.sql), compiled.sql, [...compiled.parameters]);
}

function decodeCursor(cursor: string) {
  const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
    a: string;
    i: string;
  };
  return { at: new Date(value.a), id: value.i };
}

/** The answer for one social.list request of `userId` (its `input` query parameter parsed). */
export async function postsListAnswer(
  compiler: Kysely<never>,
  query: Query,
  userId: string,
  input: { view?: string; limit?: number; cursor?: string; from?: string; to?: string },
) {
  const limit = input.limit ?? 20;
  const view = input.view ?? "all";
  const statuses = view === "upcoming" ? UPCOMING : view === "history" ? HISTORY : undefined;
  const order = view === "history" ? "desc" : "asc";
  const page = listPostsPageQuery(compiler as never, {
    userId,
    statuses,
    order,
    limit,
    from: input.from ? new Date(input.from) : undefined,
    to: input.to ? new Date(input.to) : undefined,
    after: input.cursor ? decodeCursor(input.cursor) : undefined,
  }).compile();
  const rows = await run(query, page);
  const items = rows.slice(0, limit);
  const postIds = items.map((r) => r.id as string);
  const media = postIds.length
    ? await run(
        query,
        compiler
          .selectFrom("post_media" as never)
          .selectAll()
          .where("post_id" as never, "in", postIds as never)
          .orderBy("post_id" as never)
          .orderBy("position" as never)
          .compile(),
      )
    : [];
  const assetIds = [...new Set(media.map((m) => m.asset_id as string))];
  const assets = assetIds.length
    ? await run(
        query,
        compiler
          .selectFrom("media_assets" as never)
          .selectAll()
          .where("id" as never, "in", assetIds as never)
          .compile(),
      )
    : [];
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(
          JSON.stringify({ a: (last.post_at as Date).toISOString(), i: last.id }),
        ).toString("base64url")
      : null;
  return { result: { data: { items, media, assets, nextCursor } } };
}
