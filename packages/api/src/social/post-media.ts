// A post's ordered media items (issue 19): the assets a schedule names, checked as postable, and
// what a post DTO shows of each item (id, type, thumbnail).
import {
  findMediaAsset,
  findMediaAssetsByIds,
  listPostMedia,
  type MediaAsset,
  type ScheduledPost,
} from "@streamline/db";
import type { MediaStorage } from "@streamline/storage";
import type { Kysely } from "kysely";
import { storageKeysOf } from "../media/dto";
import { fieldError } from "../media/upload";
import { notFound } from "./errors";
import { assertPostable } from "./media";

type Db = Kysely<import("@streamline/db").Database>;

/**
 * The caller's assets, in the order given, each finished and stored. A missing (or someone else's)
 * asset is NOT_FOUND; an unfinished one is BAD_REQUEST on `assetId` (one item) or `assetIds.N`.
 */
export async function postableAssets(
  db: Db,
  userId: string,
  assetIds: readonly string[],
): Promise<MediaAsset[]> {
  const out: MediaAsset[] = [];
  for (const [index, id] of assetIds.entries()) {
    const asset = await findMediaAsset(db, { id, userId });
    if (!asset || asset.deleted_at) throw notFound("asset");
    try {
      assertPostable(asset);
    } catch (error) {
      if (assetIds.length === 1) throw error;
      throw fieldError(
        `assetIds.${index}`,
        `Item ${index + 1}: ${(error as Error).message.replace(/^This asset/, "this asset")}`,
      );
    }
    out.push(asset);
  }
  return out;
}

/** The asset ids of each post in order (a post written before carousels: its one asset). */
export async function assetIdsOfPosts(
  db: Db,
  posts: readonly ScheduledPost[],
): Promise<Map<string, string[]>> {
  const media = await listPostMedia(
    db,
    posts.map((p) => p.id),
  );
  return new Map(posts.map((p) => [p.id, media.get(p.id)?.map((m) => m.asset_id) ?? [p.asset_id]]));
}

export type PostMediaDto = {
  assetId: string;
  position: number;
  type: "image" | "video" | null;
  /** A small picture of the item (a video's poster); null when the asset is gone. */
  thumbnailUrl: string | null;
  /** The file itself; null when the asset is gone. */
  url: string | null;
  width: number | null;
  height: number | null;
  /** The asset was deleted since (the post keeps its place in the history). */
  deleted: boolean;
};

/** Each post's items, with what the posts page shows of them, in one query per page. */
export async function mediaOfPosts(
  db: Db,
  storage: MediaStorage,
  posts: readonly ScheduledPost[],
): Promise<Map<string, PostMediaDto[]>> {
  const ids = await assetIdsOfPosts(db, posts);
  const assets = await findMediaAssetsByIds(db, [...new Set([...ids.values()].flat())]);
  const byId = new Map(assets.map((a) => [a.id, a]));
  const out = new Map<string, PostMediaDto[]>();
  for (const [postId, list] of ids) {
    const items: PostMediaDto[] = [];
    for (const [position, assetId] of list.entries()) {
      items.push(await mediaItemDto(storage, assetId, position, byId.get(assetId)));
    }
    out.set(postId, items);
  }
  return out;
}

/** One item of a post as the posts page shows it (a deleted or missing asset keeps its place). */
async function mediaItemDto(
  storage: MediaStorage,
  assetId: string,
  position: number,
  asset: MediaAsset | undefined,
): Promise<PostMediaDto> {
  const keys = asset ? storageKeysOf(asset) : {};
  const gone = !asset || asset.deleted_at !== null;
  const url = !gone && keys.resultKey ? await storage.urlFor(keys.resultKey) : null;
  const thumb = !gone && keys.thumbnailKey ? await storage.urlFor(keys.thumbnailKey) : null;
  return {
    assetId,
    position,
    type: asset ? (asset.type === "video" ? "video" : "image") : null,
    thumbnailUrl: thumb ?? (asset?.type === "image" ? url : null),
    url,
    width: asset?.width ?? null,
    height: asset?.height ?? null,
    deleted: gone,
  };
}
