// The posts page's actions on one post: cancel (after a confirm), retry the failed platforms,
// duplicate as a new post, and move to a new local time (social.update, the reschedule
// procedure). Each refreshes the listing; errors become toasts.
import { toast } from "sonner";
import { toastApiError } from "../lib/errors";
import { newIdempotencyKey } from "../lib/idempotency";
import { wallClock } from "../social/schedule/time";
import { trpc } from "../trpc";
import type { ListedPost } from "./types";
import { whenText } from "./zone";

export function usePostActions(zone: string) {
  const utils = trpc.useUtils();
  const refresh = () => {
    void utils.social.list.invalidate();
    void utils.social.posts.invalidate();
  };
  const cancel = trpc.social.cancel.useMutation({
    onSuccess: () => {
      toast.success("Post cancelled");
      refresh();
    },
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
  return {
    cancel: (post: ListedPost) => cancel.mutateAsync({ postId: post.id }),
    cancelling: cancel.isPending,
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
    moving: move.isPending,
  };
}

export type PostActions = ReturnType<typeof usePostActions>;
