// The posts page's actions on one post or several: cancel (after a confirm; the toast offers Undo
// while the post's time is more than a minute ahead — social.restore's rule), retry the failed
// platforms, duplicate as a new post, move to a new local time (social.update, the reschedule
// procedure), edit captions (social.update too: the server's checks apply), and cancel or move a
// selection (cancelMany / moveMany). Each refreshes the listing; errors become toasts.
import { toast } from "sonner";
import { toastApiError } from "../lib/errors";
import { newIdempotencyKey } from "../lib/idempotency";
import { wallClock } from "../social/schedule/time";
import { trpc } from "../trpc";
import type { ListedPost } from "./types";
import { whenText } from "./zone";

/** social.restore puts a cancelled post back only while its time is more than this far ahead. */
const RESTORE_MARGIN_MS = 60_000;
/** How long the Undo toast stays up (it is also on the cancelled post's card in the history). */
const UNDO_TOAST_MS = 12_000;

type Captions = Partial<Record<string, { text: string; title?: string | undefined }>>;

/** Whether Undo can still work for a post just cancelled (the server decides in the end). */
export function undoable(post: { scheduledFor: string | Date | null; publishNow: boolean }) {
  if (post.publishNow || !post.scheduledFor) return false;
  return new Date(post.scheduledFor).getTime() - RESTORE_MARGIN_MS > Date.now();
}

export function usePostActions(zone: string) {
  const utils = trpc.useUtils();
  const refresh = () => {
    void utils.social.list.invalidate();
    void utils.social.posts.invalidate();
    void utils.social.freeSlots.invalidate();
  };
  const restore = trpc.social.restore.useMutation({
    onSuccess: () => {
      toast.success("Cancel undone — the post is scheduled again");
      refresh();
    },
    onError: toastApiError,
  });
  const offerUndo = (message: string, posts: ReadonlyArray<ListedPost>) => {
    const back = posts.filter(undoable);
    if (back.length === 0) {
      toast.success(message);
      return;
    }
    toast.success(message, {
      duration: UNDO_TOAST_MS,
      action: {
        label: "Undo",
        onClick: () => {
          for (const post of back) restore.mutate({ postId: post.id });
        },
      },
    });
  };
  const cancel = trpc.social.cancel.useMutation({ onSettled: refresh, onError: toastApiError });
  const cancelMany = trpc.social.cancelMany.useMutation({
    onSettled: refresh,
    onError: toastApiError,
  });
  const moveMany = trpc.social.moveMany.useMutation({
    onSettled: refresh,
    onError: toastApiError,
  });
  const retry = trpc.social.retry.useMutation({
    onSuccess: () => {
      toast.success("Publishing the failed platforms again");
      refresh();
    },
    onError: toastApiError,
  });
  const duplicate = trpc.social.duplicate.useMutation({
    onSuccess: (post) => {
      const when = post.scheduledFor ? whenText(new Date(post.scheduledFor), zone) : "now";
      toast.success(`Duplicated — the copy goes out ${when}`);
      refresh();
    },
    onError: toastApiError,
  });
  const move = trpc.social.update.useMutation({
    onSuccess: (post) => {
      const when = post.scheduledFor ? whenText(new Date(post.scheduledFor), zone) : "";
      toast.success(`Moved to ${when}`);
      refresh();
    },
    onError: toastApiError,
  });
  const edit = trpc.social.update.useMutation({
    onSuccess: () => {
      toast.success("Captions saved");
      refresh();
    },
    onError: toastApiError,
  });
  return {
    cancel: async (post: ListedPost) => {
      await cancel.mutateAsync({ postId: post.id });
      offerUndo("Post cancelled", [post]);
    },
    cancelling: cancel.isPending || cancelMany.isPending,
    /** Cancels each; says how many were refused (and why, for the first). */
    cancelMany: async (posts: ReadonlyArray<ListedPost>) => {
      const result = await cancelMany.mutateAsync({ postIds: posts.map((p) => p.id) });
      const done = new Set(result.results.filter((r) => r.ok).map((r) => r.postId));
      const refused = result.results.find((r) => !r.ok);
      if (refused)
        toast.warning(`${result.failed} not cancelled`, { description: refused.error?.message });
      if (done.size > 0)
        offerUndo(
          `${done.size} post${done.size > 1 ? "s" : ""} cancelled`,
          posts.filter((p) => done.has(p.id)),
        );
      return result;
    },
    restore: (post: ListedPost) => restore.mutate({ postId: post.id }),
    restoring: restore.isPending,
    retry: (post: ListedPost) => retry.mutate({ postId: post.id }),
    retrying: retry.isPending,
    /** A copy tomorrow at 09:00 in the user's zone; it can then be moved like any post. */
    duplicate: (post: ListedPost) =>
      duplicate.mutate({
        postId: post.id,
        idempotencyKey: newIdempotencyKey(),
        scheduledFor: wallClock(zone, 1, 9),
        timezone: zone,
      }),
    duplicating: duplicate.isPending,
    /** `local` is "YYYY-MM-DDTHH:mm" in the user's zone. */
    move: (post: ListedPost, local: string) =>
      move.mutateAsync({ postId: post.id, scheduledFor: local, timezone: zone }),
    moving: move.isPending || moveMany.isPending,
    /** Each post to its own new local time in the user's zone. */
    moveMany: async (moves: ReadonlyArray<{ post: ListedPost; local: string }>) => {
      const result = await moveMany.mutateAsync({
        moves: moves.map((m) => ({ postId: m.post.id, scheduledFor: m.local, timezone: zone })),
      });
      const refused = result.results.find((r) => !r.ok);
      if (result.ok > 0) toast.success(`${result.ok} post${result.ok > 1 ? "s" : ""} moved`);
      if (refused)
        toast.warning(`${result.failed} not moved`, { description: refused.error?.message });
      return result;
    },
    /** New captions (per platform) through social.update: the same checks as the Post dialog. */
    editCaptions: (post: ListedPost, captions: Captions) =>
      edit.mutateAsync({ postId: post.id, captions: captions as never }),
    editing: edit.isPending,
  };
}

export type PostActions = ReturnType<typeof usePostActions>;
