// account.delete: a user removes their account and everything it holds. The password is checked
// with better-auth first (a stolen session alone cannot do it). Then, in an order where a failure
// at any step leaves a state the next attempt finishes (every step is idempotent, and the user row,
// which keeps the user signed in to retry, goes last):
// 1. every asset is soft-deleted and every running generation canceled (the generation worker
//    drops a result that arrives for a canceled or missing row, and no post job sends a deleted
//    asset);
// 2. posts that have not gone out are cancelled — at Zernio too (refused, nothing changed, while
//    one is being sent or published);
// 3. the user's own Zernio profile is removed: its accounts disconnected (Zernio refuses to delete
//    a profile with connected accounts), then the profile deleted. Shared mode
//    (ZERNIO_SHARED_ACCOUNTS=1) never touches the workspace's accounts or profile;
// 4. every stored object (results, posters, reference photos; local disk or S3) is deleted;
// 5. the user row is deleted: foreign keys with ON DELETE CASCADE remove every other row — assets,
//    events, captions, caption requests, posts, the profile row, API keys, sessions — at once, so
//    the session and every API key stop working.
import {
  deleteUserRow,
  findSocialProfile,
  listAssetStorageOf,
  listPostsInStatus,
  retireUserAssets,
} from "@streamline/db";
import { countTerminal } from "@streamline/jobs";
import { isSocialError, type ZernioClient } from "@streamline/social";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../context";
import { storedKeysOf } from "../media/delete";
import { fieldError } from "../media/upload";
import { assertNoneInFlight, cancelPendingPosts } from "../social/cancel-posts";
import { socialErrorToTRPC } from "../social/errors";
import { profileNameOf } from "../social/profiles";

type Ctx = ApiContext & { user: SessionUser };

async function checkPassword(ctx: Ctx, password: string): Promise<void> {
  if (!ctx.verifyPassword) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "Account deletion is not available on this server.",
    });
  }
  const check = await ctx.verifyPassword(
    { headers: ctx.headers, email: ctx.user.email ?? ctx.user.id },
    password,
  );
  if (check.retryAfterSeconds) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Too many wrong passwords for this account. Try again in ${Math.ceil(check.retryAfterSeconds / 60)} minutes.`,
    });
  }
  if (!check.ok) throw fieldError("password", "That password is not right.");
}

/**
 * Step 1: no generation goes on, no post job sends, and the rows say so before anything else. The
 * bulk form of the generation's "delete" transition, without events: the account's streams end.
 */
async function retireAssets(ctx: Ctx): Promise<void> {
  const canceled = await retireUserAssets(ctx.db, ctx.user.id, new Date());
  // Each ended generation counts as canceled (streamline.generations), as media.cancel's do.
  for (const asset of canceled) countTerminal(asset);
}

/** Runs a Zernio call where "already gone" (404) is what we wanted anyway. */
async function gone(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (isSocialError(error) && error.code === "NOT_FOUND") return;
    if (isSocialError(error)) throw socialErrorToTRPC(error);
    throw error;
  }
}

/** Step 3: the user's own Zernio profile, its accounts disconnected first (Zernio's rule). */
async function removeZernioProfile(ctx: Ctx, zernio: ZernioClient): Promise<void> {
  const row = await findSocialProfile(ctx.db, ctx.user.id);
  if (!row) return;
  // A claim that never completed may still have made the profile: it carries our name for it.
  const ids = row.zernio_profile_id
    ? [row.zernio_profile_id]
    : (await zernio.listProfiles({ name: profileNameOf(ctx.user.id) }))
        .filter((p) => p.name === profileNameOf(ctx.user.id))
        .map((p) => p.id);
  for (const profileId of ids) {
    let accounts: Awaited<ReturnType<ZernioClient["listAccounts"]>> = [];
    try {
      accounts = await zernio.listAccounts({ profileId });
    } catch (error) {
      if (!(isSocialError(error) && error.code === "NOT_FOUND")) {
        throw isSocialError(error) ? socialErrorToTRPC(error) : error;
      }
      continue; // the profile is gone already
    }
    for (const account of accounts.filter((a) => a.profileId === profileId)) {
      await gone(() => zernio.deleteAccount(account.id));
    }
    await gone(() => zernio.deleteProfile(profileId));
  }
}

export async function deleteAccount(ctx: Ctx, password: string) {
  await checkPassword(ctx, password);
  const unsettled = () =>
    listPostsInStatus(ctx.db, {
      userId: ctx.user.id,
      statuses: ["queued", "sending", "scheduled", "publishing"],
    });
  // A post in flight refuses before anything changes; then no new send can start (the posting
  // job sends nothing for a deleted asset), and the rest are cancelled.
  assertNoneInFlight(await unsettled(), "your account");
  await retireAssets(ctx);
  const cancelledPosts = await cancelPendingPosts(ctx, await unsettled(), "your account");
  const zernio = ctx.social?.zernio;
  if (zernio && !ctx.social?.sharedAccounts) await removeZernioProfile(ctx, zernio);
  const assets = await listAssetStorageOf(ctx.db, ctx.user.id);
  // A missing object is not an error (deleteObject is idempotent); any other failure stops here,
  // before the rows go, so the next attempt still knows which files to remove.
  for (const asset of assets) {
    await Promise.all(storedKeysOf(asset).map((key) => ctx.storage.deleteObject(key)));
  }
  await deleteUserRow(ctx.db, ctx.user.id);
  return { deleted: true as const, cancelledPosts, deletedAssets: assets.length };
}
