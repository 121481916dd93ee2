// What a Zernio `post.platform.*` webhook means for analytics. Only `post.platform.deleted` changes
// anything: the (post, platform) pair is marked deleted (the studio shows it) and never read
// again. It is applied on every delivery, duplicates included (it is idempotent), so an event that
// was recorded but not applied (a crash between the two) is applied by Zernio's next delivery.
// Snapshots are written only by the refresh job, one per slot: a webhook never writes one.
import { type Database, findScheduledPostByZernioId, markPairDeleted } from "@streamline/db";
import { fromZernioPlatform } from "@streamline/social";
import type { Kysely } from "kysely";

type PlatformEvent = {
  event?: unknown;
  platform?: { name?: unknown; deletedAt?: unknown; status?: unknown };
  account?: { accountId?: unknown };
};

export async function applyPlatformEvent(
  db: Kysely<Database>,
  zernioPostId: string,
  name: string,
  event: unknown,
): Promise<"deleted" | "ignored"> {
  if (name !== "post.platform.deleted") return "ignored";
  const e = (event ?? {}) as PlatformEvent;
  const zernioPlatform = typeof e.platform?.name === "string" ? e.platform.name : undefined;
  const platform = zernioPlatform ? fromZernioPlatform(zernioPlatform) : undefined;
  if (!platform) return "ignored";
  const post = await findScheduledPostByZernioId(db, zernioPostId);
  if (!post) return "ignored";
  const deletedAt =
    typeof e.platform?.deletedAt === "string" && !Number.isNaN(Date.parse(e.platform.deletedAt))
      ? new Date(e.platform.deletedAt)
      : new Date();
  const result = post.results.find((r) => r.platform === platform);
  await markPairDeleted(db, {
    postId: post.id,
    platform,
    userId: post.user_id,
    accountId:
      (typeof e.account?.accountId === "string" ? e.account.accountId : undefined) ??
      result?.accountId ??
      null,
    publishedAt: result?.publishedAt
      ? new Date(result.publishedAt)
      : (post.completed_at ?? post.updated_at),
    deletedAt,
  });
  return "deleted";
}
