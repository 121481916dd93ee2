// media.delete and what it will do (media.deleteImpact, for the studio's dialog). A deleted asset
// must not publish: its posts that have not gone out are cancelled first (at Zernio too), and the
// delete is refused while one is being sent or published (Zernio cannot stop a publishing post).
// Published posts stay on the networks. Then the row is soft-deleted (it stays for audit and the
// spend cap) and its stored files are removed.
import { findMediaAsset, listPostsInStatus } from "@streamline/db";
import { changeGeneration } from "@streamline/jobs";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../context";
import { cancelPendingPosts, type PostsImpact, postsImpactOf } from "../social/cancel-posts";
import { storageKeysOf } from "./dto";

type Ctx = ApiContext & { user: SessionUser };

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such asset." });

const POST_STATUSES = [
  "queued",
  "sending",
  "scheduled",
  "publishing",
  "published",
  "partial",
] as const;

async function ownAsset(ctx: Ctx, id: string) {
  const asset = await findMediaAsset(ctx.db, { id, userId: ctx.user.id });
  if (!asset) throw notFound();
  return asset;
}

const postsOf = (ctx: Ctx, assetId: string) =>
  listPostsInStatus(ctx.db, { userId: ctx.user.id, assetId, statuses: POST_STATUSES });

/** media.deleteImpact: the asset's posts the delete would cancel, refuse on, or leave published. */
export async function assetDeleteImpact(ctx: Ctx, id: string): Promise<PostsImpact> {
  const asset = await ownAsset(ctx, id);
  return postsImpactOf(await postsOf(ctx, asset.id));
}

/** Every stored object an asset owns: result, poster/thumbnail, uploaded reference photo. */
export function storedKeysOf(asset: Parameters<typeof storageKeysOf>[0]): string[] {
  const keys = storageKeysOf(asset);
  return [keys.resultKey, keys.thumbnailKey, keys.referenceKey].filter((key): key is string =>
    Boolean(key),
  );
}

export async function deleteAsset(ctx: Ctx, id: string) {
  const asset = await ownAsset(ctx, id);
  const what = asset.type === "video" ? "this video" : "this image";
  // Posts first: a refusal (one in flight) leaves the asset untouched, to be deleted later.
  const cancelledPosts = await cancelPendingPosts(ctx, await postsOf(ctx, asset.id), what);
  await changeGeneration(ctx.db, asset, { type: "delete", at: new Date() });
  await Promise.all(
    storedKeysOf(asset).map((key) => ctx.storage.deleteObject(key).catch(() => {})),
  );
  return { id: asset.id, deleted: true as const, cancelledPosts };
}
