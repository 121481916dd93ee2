// Cancelling every post that has not gone out yet, when its asset (media.delete) or its whole
// account (account.delete) goes. What each state allows:
// - queued (not sent to Zernio): cancelled on the row; the job then finds it cancelled and sends
//   nothing (its status guard), and a job already past that point holds the row as 'sending';
// - sending (our job is creating it at Zernio right now): refused — a few seconds later it is
//   'scheduled' (and cancellable) or failed; cancelling now could miss the post being created;
// - scheduled at Zernio: DELETE /v1/posts/{id} (Zernio allows it for draft or scheduled posts
//   only), then cancelled on the row; a 404 means Zernio no longer has it: cancelled too;
// - publishing: refused — Zernio cannot stop it; it ends published or failed in moments;
// - published / partial / failed / cancelled: left as they are — published posts stay on the
//   networks (deleting our copy does not reach them), and a failed post never goes out again.
// Every step is safe to repeat, so a failure midway (Zernio down) leaves a state the next attempt
// finishes.
import { findScheduledPost, type ScheduledPost } from "@streamline/db";
import { isSocialError } from "@streamline/social";
import { TRPCError } from "@trpc/server";
import type { ApiContext } from "../context";
import { postingNotConfigured, socialErrorToTRPC } from "./errors";
import { changePost } from "./post-change";

type Deps = Pick<ApiContext, "db" | "social">;

/** What happens to an asset's posts when it is deleted, counted for the dialog. */
export type PostsImpact = {
  /** Not gone out yet: cancelled (at Zernio too) by the delete. */
  scheduled: number;
  /** Being sent or published right now: the delete is refused until they settle. */
  inFlight: number;
  /** Published (or partly): they stay on the networks. */
  published: number;
};

const PENDING = new Set<ScheduledPost["status"]>(["queued", "scheduled"]);
const IN_FLIGHT = new Set<ScheduledPost["status"]>(["sending", "publishing"]);

export function postsImpactOf(posts: readonly ScheduledPost[]): PostsImpact {
  return {
    scheduled: posts.filter((p) => PENDING.has(p.status)).length,
    inFlight: posts.filter((p) => IN_FLIGHT.has(p.status)).length,
    published: posts.filter((p) => p.status === "published" || p.status === "partial").length,
  };
}

function inFlightError(what: string): TRPCError {
  return new TRPCError({
    code: "CONFLICT",
    message: `A post of ${what} is being sent or published right now, and Zernio cannot stop it. Try again in a minute, once it shows as published or failed.`,
  });
}

/** Cancels one post at Zernio (when it was sent there) and on the row. */
async function cancelOne(deps: Deps, post: ScheduledPost, what: string): Promise<void> {
  if (post.status === "queued" && !post.zernio_post_id) {
    if (await changePost(deps.db, post, { type: "cancel" })) return;
    // The job took it meanwhile: look again.
    const now = await findScheduledPost(deps.db, { id: post.id });
    if (!now || now.status === "cancelled") return;
    if (!PENDING.has(now.status)) {
      if (IN_FLIGHT.has(now.status)) throw inFlightError(what);
      return;
    }
    post = now;
  }
  if (!post.zernio_post_id) return cancelOne(deps, post, what);
  const zernio = deps.social?.zernio;
  if (!zernio) throw postingNotConfigured();
  try {
    await zernio.deletePost(post.zernio_post_id);
  } catch (error) {
    if (!isSocialError(error)) throw error;
    // Zernio no longer has it (deleted there, or by an earlier attempt of ours).
    if (error.code !== "NOT_FOUND") {
      // 400: no longer draft or scheduled — publishing started meanwhile.
      if (error.code === "VALIDATION") throw inFlightError(what);
      throw socialErrorToTRPC(error);
    }
  }
  await changePost(deps.db, post, { type: "cancel" });
}

/** Refuses (CONFLICT) when one of `posts` is being sent or published right now. */
export function assertNoneInFlight(posts: readonly ScheduledPost[], what: string): void {
  if (posts.some((p) => IN_FLIGHT.has(p.status))) throw inFlightError(what);
}

/**
 * Cancels every pending post in `posts` (one asset's, or a user's), refusing first — before
 * anything is changed — when one is in flight. `what` names the thing in the refusal ("this image").
 */
export async function cancelPendingPosts(
  deps: Deps,
  posts: readonly ScheduledPost[],
  what: string,
): Promise<number> {
  assertNoneInFlight(posts, what);
  let cancelled = 0;
  for (const post of posts) {
    if (!PENDING.has(post.status)) continue;
    await cancelOne(deps, post, what);
    cancelled++;
  }
  return cancelled;
}
