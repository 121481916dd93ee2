// Sending the Post dialog: schedule (now or at a time), add to queue (each account's next free
// slot), or update a rescheduled post; one idempotency key per click, a double click sends once.
// The toast says when each post goes out (for the queue: the slot each account got).
import { useRef, useState } from "react";
import { toast } from "sonner";
import { fieldErrorsOf, messageOf, toastApiError } from "../../lib/errors";
import { trpc } from "../../trpc";
import { PLATFORM_LABEL, type ScheduledPost } from "../platforms";
import { localFormat } from "./time";

/** "Instagram Tue, 8 Dec, 09:00; X Wed, 9 Dec, 18:00": where each queued post landed. */
export function queuedSummary(posts: readonly ScheduledPost[]): string {
  return posts
    .map((post) => {
      const where = post.platforms.map((t) => PLATFORM_LABEL[t.platform]).join(", ");
      const at = post.scheduledFor ? localFormat.format(new Date(post.scheduledFor)) : "later";
      return `${where} ${at}`;
    })
    .join("; ");
}

export function useScheduleSend(assetId: string, close: () => void) {
  const utils = trpc.useUtils();
  const inFlight = useRef(false);
  const [serverErrors, setServerErrors] = useState<string[]>([]);
  const onDone = (message: string) => {
    toast.success(message);
    void utils.social.posts.invalidate();
    void utils.social.captions.invalidate({ assetId });
    void utils.social.freeSlots.invalidate();
    close();
  };
  const onFail = (error: unknown) => {
    const fields = Object.values(fieldErrorsOf(error)).flat() as string[];
    setServerErrors(fields.length ? fields : [messageOf(error)]);
    toastApiError(error);
  };
  const onSettled = () => {
    inFlight.current = false;
  };
  const schedule = trpc.social.schedule.useMutation({
    onSuccess: (post, sent) =>
      onDone(
        post.publishNow
          ? "Posting now"
          : `Scheduled for ${post.scheduledFor ? localFormat.format(new Date(post.scheduledFor)) : sent.scheduledFor}`,
      ),
    onError: onFail,
    onSettled,
  });
  const queue = trpc.social.addToQueue.useMutation({
    onSuccess: ({ posts }) => onDone(`Added to the queue: ${queuedSummary(posts)}`),
    onError: onFail,
    onSettled,
  });
  const update = trpc.social.update.useMutation({
    onSuccess: () => onDone("Post updated"),
    onError: onFail,
    onSettled,
  });
  /** False when one is already in flight. */
  const begin = () => {
    if (inFlight.current) return false;
    inFlight.current = true;
    setServerErrors([]);
    return true;
  };
  return {
    ...{ schedule, queue, update, begin, serverErrors },
    pending: schedule.isPending || update.isPending || queue.isPending,
  };
}
