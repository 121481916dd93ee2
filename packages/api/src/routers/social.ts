import type { TRPCRouterRecord } from "@trpc/server";
import { accountOptionsOf } from "../social/account-options";
import {
  captionModelsOf,
  captionsOfAsset,
  editCaption,
  platformLimits,
  writeCaptions,
} from "../social/captions";
import {
  accountsOf,
  cancelPost,
  checkPostInput,
  connectAccount,
  postsOf,
  retryPost,
  schedulePost,
  updatePost,
} from "../social/posts";
import { cancelMany, duplicatePost, listPosts, moveMany, restorePost } from "../social/posts-page";
import { addToQueue, freeSlotsOf, queueSlotsOf, setQueueSlots } from "../social/queue";
import {
  accountOptionsInput,
  addToQueueInput,
  cancelManyInput,
  captionInput,
  captionsInput,
  checkInput,
  connectInput,
  duplicatePostInput,
  editCaptionInput,
  freeSlotsInput,
  listPostsInput,
  moveManyInput,
  postIdInput,
  postsInput,
  queueSlotsInput,
  restorePostInput,
  retryPostInput,
  scheduleInput,
  setQueueSlotsInput,
  updatePostInput,
} from "../social/schemas";
import { protectedProcedure, publicProcedure } from "../trpc";

/** Captions for an asset and posting it through Zernio. Platform ids are ours: x, not twitter. */
export const socialRouter = {
  /** Caption models with availability; `isDefault` follows CAPTION_MODEL. */
  captionModels: publicProcedure.query(({ ctx }) => ({
    models: captionModelsOf(ctx),
    defaultModel: ctx.captions?.defaultModel ?? null,
    limits: platformLimits(),
  })),

  /** One provider call from the media itself; a new version per platform; idempotent by key. */
  caption: protectedProcedure
    .input(captionInput)
    .mutation(({ ctx, input }) => writeCaptions(ctx, input)),

  /** The latest caption per platform and a page of versions, newest first (`nextCursor` for more). */
  captions: protectedProcedure
    .input(captionsInput)
    .query(({ ctx, input }) => captionsOfAsset(ctx, input)),

  /** What the user typed becomes a new version (source "edited"). */
  editCaption: protectedProcedure
    .input(editCaptionInput)
    .mutation(({ ctx, input }) => editCaption(ctx, input)),

  /**
   * The caller's connected Zernio accounts — only those in their own Zernio profile (created on
   * first use), or every account with ZERNIO_SHARED_ACCOUNTS=1; `{ configured: false, message }`
   * without a Zernio key.
   */
  accounts: protectedProcedure.query(({ ctx }) => accountsOf(ctx)),

  /** Zernio's sign-in URL for a platform: `{ url }`; the account lands in the caller's profile. */
  connect: protectedProcedure
    .input(connectInput)
    .mutation(({ ctx, input }) => connectAccount(ctx, input.platform)),

  /**
   * What one of the caller's accounts can be posted with: `{ accountId, platform, x: { premium,
   * captionLimit } | null, tiktok: { privacyLevels, canPostMore, maxVideoDurationSec, interactions }
   * | null, pinterest: { boards } | null }` (Zernio's creator info, boards and account metadata).
   */
  accountOptions: protectedProcedure
    .input(accountOptionsInput)
    .query(({ ctx, input }) => accountOptionsOf(ctx, input)),

  /**
   * Pre-publish refusals and warnings for the dialog: the local rules and Zernio's validation of the
   * exact body (each issue's `source`; `validation: { by, notice? }`); an account not the caller's is refused.
   */
  check: protectedProcedure.input(checkInput).query(({ ctx, input }) => checkPostInput(ctx, input)),

  /** Checks, then writes the post row and its job in one transaction; idempotent by key. */
  schedule: protectedProcedure
    .input(scheduleInput)
    .mutation(({ ctx, input }) => schedulePost(ctx, input)),

  /** The user's posts (one asset's when given), newest first, with per-platform status. */
  posts: protectedProcedure
    .input(postsInput)
    .query(({ ctx, input }) => postsOf(ctx, input.assetId)),

  /** Reschedule or edit captions while still scheduled. */
  update: protectedProcedure
    .input(updatePostInput)
    .mutation(({ ctx, input }) => updatePost(ctx, input)),

  /** Cancel a scheduled post (deleted in Zernio when it was sent there). */
  cancel: protectedProcedure
    .input(postIdInput)
    .mutation(({ ctx, input }) => cancelPost(ctx, input.postId)),

  /** Publish a failed or partial post's failed platforms again. */
  retry: protectedProcedure
    .input(retryPostInput)
    .mutation(({ ctx, input }) => retryPost(ctx, input.postId)),

  // ── The posts page (issue 19) ──

  /**
   * The caller's posts by when they go out, a page at a time (`nextCursor`), each with its media
   * items, per-platform status (link, Zernio's error message and category), time and captions;
   * filters by view, status, platform, account, date range (`from`/`to`) and caption text (`q`).
   */
  list: protectedProcedure.input(listPostsInput).query(({ ctx, input }) => listPosts(ctx, input)),

  /** Undo a cancel while the post's time is still ahead: it is sent to Zernio again. */
  restore: protectedProcedure
    .input(restorePostInput)
    .mutation(({ ctx, input }) => restorePost(ctx, input.postId)),

  /** A new post with the same media, accounts and captions, at a new time; idempotent by key. */
  duplicate: protectedProcedure
    .input(duplicatePostInput)
    .mutation(({ ctx, input }) => duplicatePost(ctx, input)),

  /** Cancel several posts; `results` says which were refused and why. */
  cancelMany: protectedProcedure
    .input(cancelManyInput)
    .mutation(({ ctx, input }) => cancelMany(ctx, input.postIds)),

  /** Move several posts, each to its own new local time and timezone. */
  moveMany: protectedProcedure
    .input(moveManyInput)
    .mutation(({ ctx, input }) => moveMany(ctx, input.moves)),

  // ── Queue slots (issue 19) ──

  /** The caller's weekly posting slots per account: `{ accounts: [{ accountId, timezone, slots }] }`. */
  queueSlots: protectedProcedure
    .input(queueSlotsInput)
    .query(({ ctx, input }) => queueSlotsOf(ctx, input.accountId)),

  /** Replaces one account's weekly slots (ISO weekday 1–7, local "HH:mm", one IANA timezone). */
  setQueueSlots: protectedProcedure
    .input(setQueueSlotsInput)
    .mutation(({ ctx, input }) => setQueueSlots(ctx, input)),

  /** The account's free slots in [from, to) (default the next 14 days), for the calendar. */
  freeSlots: protectedProcedure
    .input(freeSlotsInput)
    .query(({ ctx, input }) => freeSlotsOf(ctx, input)),

  /** One post per chosen account in its next free slot; `{ posts }`; idempotent by key. */
  addToQueue: protectedProcedure
    .input(addToQueueInput)
    .mutation(({ ctx, input }) => addToQueue(ctx, input)),
} satisfies TRPCRouterRecord;
