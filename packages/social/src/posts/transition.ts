// Every change of a post's state, decided in one pure function. The worker's steps (lease, upload,
// send, follow) and the routers' edit, cancel, retry and delete all ask `transitionPost` what to
// write, and packages/db applies the patch only while the guard holds (one statement), so a cancel
// racing the worker never overwrites the other's outcome. The crash rules this encodes:
// - `send` moves queued → sending before anything reaches Zernio, and counts the attempt; a send
//   interrupted by a shutdown goes back to queued (the retried job re-sends with the same
//   x-request-id, so Zernio replays rather than posting twice);
// - once Zernio's post id is known (`created`) the post is only ever followed, never re-sent;
// - a transient send failure re-queues (only from sending: a cancel meanwhile wins); a final one
//   fails the post with every platform failed.
import type { CreatedPost, PostStatus } from "../types";
import type { PostCaptionRecord, PostPatch, PostRecord, PostState } from "./record";
import { failedResults, patchFromZernio, pendingResults, sameState } from "./zernio-answer";

export type PostFailure = {
  code: string;
  message: string;
  category: string | null;
  /** A platform's own message (Zernio's validation finding for it); the others get `message`. */
  byPlatform?: Readonly<Record<string, string>> | undefined;
};

export type PostEvent =
  /** Posting is not configured (no ZERNIO_API_KEY): the job fails its post. */
  | { type: "unconfigured" }
  /** The runner holds the lease and is about to upload and create. */
  | { type: "send" }
  /** Zernio created (or replayed) the post. */
  | { type: "created"; created: CreatedPost }
  /** The worker is shutting down mid-send. */
  | { type: "interrupted" }
  /** The create failed; `retryAt` when it is sent again then, absent when that was the last try. */
  | { type: "sendFailed"; failure: PostFailure; retryAt?: Date | undefined }
  /** What Zernio says about the post now (following, a webhook, a refresh). */
  | { type: "zernioAnswered"; status: PostStatus }
  /** Zernio no longer has the post. */
  | { type: "goneAtZernio" }
  /** The asset was deleted while the post was being created; Zernio's copy was deleted. */
  | { type: "withdrawn" }
  /** social.update: new captions and timing; `status` is Zernio's answer when it has the post. */
  | {
      type: "edit";
      captions: Record<string, PostCaptionRecord>;
      timing: Pick<PostRecord, "publish_now" | "scheduled_for" | "scheduled_local" | "timezone">;
      status?: PostStatus | undefined;
    }
  /** social.cancel, media.delete, account.delete (Zernio's copy, if any, is deleted first). */
  | { type: "cancel" }
  /** social.retry; `status` is Zernio's answer to its retry when it has the post. */
  | { type: "retry"; status?: PostStatus | undefined }
  /**
   * social.restore (undo a cancel): Zernio deleted its copy, so the post is sent again as a new
   * one, under a new x-request-id (the old one would replay the deleted post).
   */
  | { type: "restore" };

export type PostEventType = PostEvent["type"];

/** What to write, and the states the row must still be in for it to be written. */
export type PostTransition = { patch: PostPatch; guard?: readonly PostState[] };

const isTerminal = (state: PostState) =>
  state === "published" || state === "partial" || state === "failed" || state === "cancelled";

/**
 * The change `event` makes to `post`, or undefined when the event does not apply in its state
 * (or, for a Zernio answer, changes nothing). `now` stamps completions.
 */
// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one case per event, each a short guard — the switch reads as the state × event table (issue 17 keeps one machine in one place).
export function transitionPost(
  post: PostRecord,
  event: PostEvent,
  now: Date = new Date(),
): PostTransition | undefined {
  const sent = post.zernio_post_id !== null;
  const unsent = !sent && (post.status === "queued" || post.status === "sending");
  switch (event.type) {
    case "unconfigured":
      if (!unsent) return undefined;
      return {
        patch: {
          status: "failed",
          error_code: "NOT_CONFIGURED",
          error_message: "Posting is not configured — add ZERNIO_API_KEY.",
          results: failedResults(post, "Posting is not configured.", null),
          completed_at: now,
        },
      };
    case "send":
      if (!unsent) return undefined;
      return {
        patch: {
          status: "sending",
          attempts: post.attempts + 1,
          results: pendingResults(post, "pending"),
        },
        guard: ["queued", "sending"],
      };
    case "created":
      return post.status === "sending" ? createdTransition(post, event.created) : undefined;
    case "interrupted":
      return post.status === "sending"
        ? { patch: { status: "queued" }, guard: ["sending"] }
        : undefined;
    case "sendFailed":
      return post.status === "sending" ? sendFailedTransition(post, event, now) : undefined;
    case "zernioAnswered": {
      if (!sent) return undefined;
      const patch = patchFromZernio(post, event.status);
      return sameState(post, patch) ? undefined : { patch };
    }
    case "goneAtZernio":
      if (!sent || isTerminal(post.status)) return undefined;
      return {
        patch: {
          status: "failed",
          error_code: "NOT_FOUND",
          error_message: "Zernio no longer has this post (was it deleted there?).",
          completed_at: now,
        },
      };
    case "withdrawn":
      if (!sent || post.status !== "scheduled") return undefined;
      return {
        patch: {
          ...cancelledPatch(post, now),
          error_code: "MEDIA_DELETED",
          error_message: "The asset was deleted while this post was being sent; it was cancelled.",
        },
      };
    case "edit":
      return editTransition(post, event);
    case "cancel":
      if (!sent) {
        return post.status === "queued"
          ? { patch: cancelledPatch(post, now), guard: ["queued"] }
          : undefined;
      }
      return post.status === "queued" || post.status === "scheduled"
        ? { patch: cancelledPatch(post, now), guard: ["queued", "scheduled"] }
        : undefined;
    case "retry":
      return retryTransition(post, event);
    case "restore":
      return restoreTransition(post);
  }
}

/** The x-request-id a post is created with: its id, or the key a restore gave it. */
export function requestIdOf(post: Pick<PostRecord, "id" | "metadata">): string {
  const key = post.metadata.sendKey;
  return typeof key === "string" && key ? key : post.id;
}

/** Whether an undo of this cancel can be asked for (the router also checks the time is ahead). */
export function canRestore(post: PostRecord): boolean {
  return (
    post.status === "cancelled" &&
    !post.publish_now &&
    post.error_code === null &&
    !post.results.some((r) => r.status === "published")
  );
}

function restoreTransition(post: PostRecord): PostTransition | undefined {
  if (!canRestore(post)) return undefined;
  const restores = Number(post.metadata.restores ?? 0) + 1;
  return {
    patch: {
      status: "queued",
      zernio_post_id: null,
      completed_at: null,
      error_code: null,
      error_message: null,
      results: pendingResults(post, "pending"),
      metadata: { ...post.metadata, restores, sendKey: `${post.id}.r${restores}` },
    },
    guard: ["cancelled"],
  };
}

function cancelledPatch(post: PostRecord, now: Date): PostPatch {
  return {
    status: "cancelled",
    completed_at: now,
    results: post.results.map((r) => ({ ...r, status: "cancelled" })),
  };
}

/** Saved before anything else: from here on this post is only ever followed, never re-sent. */
function createdTransition(post: PostRecord, created: CreatedPost): PostTransition {
  const patch: PostPatch = created.post
    ? patchFromZernio(post, created.post)
    : {
        status: post.publish_now ? "publishing" : "scheduled",
        results: pendingResults(post, post.publish_now ? "pending" : "scheduled"),
      };
  return {
    patch: {
      ...patch,
      zernio_post_id: created.postId,
      error_code: patch.error_code ?? null,
      error_message: patch.error_message ?? null,
      metadata: {
        ...post.metadata,
        ...(created.duplicate ? { linkedExisting: created.duplicateOf ?? true } : {}),
        ...(created.warnings.length ? { zernioWarnings: created.warnings } : {}),
      },
    },
  };
}

function sendFailedTransition(
  post: PostRecord,
  event: Extract<PostEvent, { type: "sendFailed" }>,
  now: Date,
): PostTransition {
  const { failure, retryAt } = event;
  if (retryAt) {
    return {
      patch: {
        status: "queued",
        error_code: failure.code,
        error_message: `${failure.message} — trying again at ${retryAt.toISOString()}.`,
      },
      guard: ["sending"],
    };
  }
  return {
    patch: {
      status: "failed",
      error_code: failure.code,
      error_message: failure.message,
      results: failedResults(post, failure.message, failure.category).map((result) => ({
        ...result,
        errorMessage: failure.byPlatform?.[result.platform] ?? result.errorMessage,
      })),
      completed_at: now,
    },
    guard: ["sending", "queued"],
  };
}

function editTransition(
  post: PostRecord,
  event: Extract<PostEvent, { type: "edit" }>,
): PostTransition | undefined {
  if (post.status !== "queued" && post.status !== "scheduled") return undefined;
  if (post.zernio_post_id) {
    // Zernio has it: its answer to the update is the row's new state.
    if (!event.status) return undefined;
    return {
      patch: {
        captions: event.captions,
        ...event.timing,
        ...patchFromZernio({ ...post, ...event.timing }, event.status),
      },
    };
  }
  // Not sent yet: the worker reads the row when it sends, so changing the row is enough.
  if (post.status !== "queued") return undefined;
  return { patch: { captions: event.captions, ...event.timing }, guard: ["queued"] };
}

function retryTransition(
  post: PostRecord,
  event: Extract<PostEvent, { type: "retry" }>,
): PostTransition | undefined {
  if (post.status !== "failed" && post.status !== "partial") return undefined;
  if (!post.zernio_post_id) {
    // Zernio never took it (refused or unreachable): send it again, with the same x-request-id.
    // (Partial means some platform published, which only a post Zernio has can be.)
    if (post.status !== "failed") return undefined;
    return {
      patch: { status: "queued", error_code: null, error_message: null, completed_at: null },
      guard: ["failed"],
    };
  }
  // Zernio publishes the failed platforms again; its answer is the row's new state.
  if (!event.status) return undefined;
  return { patch: { ...patchFromZernio(post, event.status), attempts: post.attempts + 1 } };
}
