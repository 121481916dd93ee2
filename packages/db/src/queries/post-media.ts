// A post's ordered media items (issue 19: carousels). Position 0 is the cover, also kept in
// scheduled_posts.asset_id.
import type { PostMediaRow } from "../schema";
import type { Executor } from "./media-assets";

/** Writes a new post's items in the order given (position 0, 1, …). */
export async function insertPostMedia(
  db: Executor,
  postId: string,
  assetIds: readonly string[],
): Promise<void> {
  if (assetIds.length === 0) return;
  await db
    .insertInto("post_media")
    .values(assetIds.map((assetId, position) => ({ post_id: postId, position, asset_id: assetId })))
    .execute();
}

/** The items of each post, in order, keyed by post id (posts without rows map to nothing). */
export async function listPostMedia(
  db: Executor,
  postIds: readonly string[],
): Promise<Map<string, PostMediaRow[]>> {
  const out = new Map<string, PostMediaRow[]>();
  if (postIds.length === 0) return out;
  const rows = await db
    .selectFrom("post_media")
    .selectAll()
    .where("post_id", "in", [...postIds])
    .orderBy("post_id")
    .orderBy("position")
    .execute();
  for (const row of rows) {
    const list = out.get(row.post_id) ?? [];
    list.push(row);
    out.set(row.post_id, list);
  }
  return out;
}

/** The URL one item was sent to Zernio with (kept so a re-sent create posts the same file). */
export async function setPostMediaUrl(
  db: Executor,
  where: { postId: string; position: number },
  mediaUrl: string | null,
): Promise<void> {
  await db
    .updateTable("post_media")
    .set({ media_url: mediaUrl })
    .where("post_id", "=", where.postId)
    .where("position", "=", where.position)
    .execute();
}
