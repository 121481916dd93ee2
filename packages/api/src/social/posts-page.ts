// The posts page's procedures (issue 19): the listing for the calendar and the queue, and the
// actions on one or many posts (undo a cancel, duplicate, cancel or move several).
import {
  findScheduledPost,
  listPostsPage,
  type ScheduledPost,
  type ScheduledPostStatus,
} from "@streamline/db";
import { canRestore, type Platform, pinterestSettingsOf } from "@streamline/social";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../context";
import { fieldError } from "../media/upload";
import { notFound } from "./errors";
import { changePost } from "./post-change";
import { assetIdsOfPosts } from "./post-media";
import { cancelPost, postDto, postDtos, schedulePost, updatePost } from "./posts";
import type { DuplicatePostInput, ListPostsInput } from "./schemas";

type Ctx = ApiContext & { user: SessionUser };

const UPCOMING: ScheduledPostStatus[] = ["queued", "sending", "scheduled", "publishing"];
const HISTORY: ScheduledPostStatus[] = ["published", "partial", "failed", "cancelled"];

type Cursor = { at: Date; id: string };

function encodeCursor(post: ScheduledPost): string {
  return Buffer.from(JSON.stringify({ a: post.post_at.toISOString(), i: post.id })).toString(
    "base64url",
  );
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
      a?: unknown;
      i?: unknown;
    };
    const at = typeof value.a === "string" ? new Date(value.a) : undefined;
    if (!at || Number.isNaN(at.getTime()) || typeof value.i !== "string") throw new Error();
    return { at, id: value.i };
  } catch {
    throw fieldError("cursor", "This cursor is not one social.list gave out.");
  }
}

/** social.list: one page of the caller's posts with their media and per-platform status. */
export async function listPosts(ctx: Ctx, input: ListPostsInput) {
  const view = input.view;
  const viewStatuses = view === "upcoming" ? UPCOMING : view === "history" ? HISTORY : undefined;
  let statuses = input.status as ScheduledPostStatus[] | undefined;
  if (viewStatuses) {
    statuses = statuses ? statuses.filter((s) => viewStatuses.includes(s)) : viewStatuses;
    // Asked for statuses the view does not show: nothing matches.
    if (statuses.length === 0) return { items: [], nextCursor: null };
  }
  const order = input.order ?? (view === "history" ? "desc" : "asc");
  const { rows, more } = await listPostsPage(ctx.db, {
    userId: ctx.user.id,
    statuses,
    platforms: input.platform,
    accountIds: input.accountId,
    from: input.from ? new Date(input.from) : undefined,
    to: input.to ? new Date(input.to) : undefined,
    search: input.q,
    order,
    after: input.cursor ? decodeCursor(input.cursor) : undefined,
    limit: input.limit,
  });
  const last = rows.at(-1);
  return {
    items: (await postDtos(ctx, rows)).map((dto, i) => ({
      ...dto,
      canRestore: canRestoreNow(ctx, rows[i] as ScheduledPost),
    })),
    nextCursor: more && last ? encodeCursor(last) : null,
  };
}

/** At least this long before its time, a cancelled post can still be put back. */
const RESTORE_MARGIN_MS = 60_000;

function canRestoreNow(ctx: Ctx, post: ScheduledPost): boolean {
  const now = (ctx.social?.now?.() ?? new Date()).getTime();
  return (
    canRestore(post) &&
    post.scheduled_for !== null &&
    post.scheduled_for.getTime() - RESTORE_MARGIN_MS > now
  );
}

async function ownPost(ctx: Ctx, postId: string): Promise<ScheduledPost> {
  const post = await findScheduledPost(ctx.db, { id: postId, userId: ctx.user.id });
  if (!post) throw notFound("post");
  return post;
}

/**
 * social.restore (undo a cancel). Zernio deleted its copy when the post was cancelled (DELETE
 * /v1/posts/{id}; only a post Zernio unpublished stays there as cancelled), so the post is sent
 * again as a new Zernio post at the same time, under a new x-request-id. Allowed while its time is
 * more than a minute ahead (a past scheduledFor would publish at once) and nothing was published.
 */
export async function restorePost(ctx: Ctx, postId: string) {
  const social = ctx.social;
  if (!social?.zernio)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "Posting is not configured — add ZERNIO_API_KEY",
    });
  const post = await ownPost(ctx, postId);
  if (!canRestoreNow(ctx, post)) {
    throw new TRPCError({
      code: "CONFLICT",
      message:
        post.status !== "cancelled"
          ? `Only a cancelled post can be put back; this one is ${post.status}.`
          : "This cancel can no longer be undone: its time has come (or it was never scheduled). Duplicate it instead.",
    });
  }
  const row = await ctx.db.transaction().execute(async (tx) => {
    const restored = await changePost(tx, post, { type: "restore" });
    if (restored) await social.queue.enqueue(tx, restored.id);
    return restored;
  });
  if (!row)
    throw new TRPCError({ code: "CONFLICT", message: "This post changed meanwhile; reload it." });
  return postDto(ctx, row);
}

/** social.duplicate: a new post with the same media (in order), accounts and captions. */
export async function duplicatePost(ctx: Ctx, input: DuplicatePostInput) {
  const post = await ownPost(ctx, input.postId);
  const assetIds = (await assetIdsOfPosts(ctx.db, [post])).get(post.id) ?? [post.asset_id];
  const captions: Partial<Record<Platform, { text: string; title?: string | undefined }>> = {};
  for (const [platform, caption] of Object.entries(post.captions)) {
    captions[platform as Platform] = { text: caption.text, title: caption.title ?? undefined };
  }
  const tiktok = post.metadata.tiktok as
    | { allowComment: boolean; allowDuet: boolean; allowStitch: boolean; consent: boolean }
    | undefined;
  return schedulePost(ctx, {
    assetIds,
    targets: post.targets.map((t) => ({
      accountId: t.accountId,
      platform: t.platform as Platform,
    })),
    captions,
    tiktok,
    // The Pinterest board picked for the original (issue 19 item 7).
    pinterest: pinterestSettingsOf(post.metadata),
    publishNow: input.publishNow,
    scheduledFor: input.scheduledFor,
    timezone: input.timezone,
    idempotencyKey: input.idempotencyKey,
  });
}

export type BulkResult = {
  postId: string;
  ok: boolean;
  post: Awaited<ReturnType<typeof postDto>> | null;
  error: { code: string; message: string } | null;
};

/** Runs `action` on each post in turn; one refusal does not stop the others. */
async function eachPost(
  ids: readonly string[],
  action: (postId: string) => Promise<Awaited<ReturnType<typeof postDto>>>,
): Promise<{ results: BulkResult[]; ok: number; failed: number }> {
  const results: BulkResult[] = [];
  for (const postId of ids) {
    try {
      results.push({ postId, ok: true, post: await action(postId), error: null });
    } catch (error) {
      const code = error instanceof TRPCError ? error.code : "INTERNAL_SERVER_ERROR";
      const message = error instanceof Error ? error.message : "Failed.";
      results.push({ postId, ok: false, post: null, error: { code, message } });
    }
  }
  const ok = results.filter((r) => r.ok).length;
  return { results, ok, failed: results.length - ok };
}

/** social.cancelMany: each post as social.cancel would; the results say which were refused. */
export function cancelMany(ctx: Ctx, postIds: readonly string[]) {
  return eachPost(postIds, (postId) => cancelPost(ctx, postId));
}

/** social.moveMany: each post to its new local time (Zernio PUT when it has the post). */
export function moveMany(
  ctx: Ctx,
  moves: ReadonlyArray<{ postId: string; scheduledFor: string; timezone: string }>,
) {
  const byId = new Map(moves.map((m) => [m.postId, m]));
  return eachPost(
    moves.map((m) => m.postId),
    (postId) => {
      const move = byId.get(postId) as (typeof moves)[number];
      return updatePost(ctx, {
        postId,
        scheduledFor: move.scheduledFor,
        timezone: move.timezone,
        publishNow: false,
      });
    },
  );
}
