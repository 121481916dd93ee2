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

/** Field errors the dialog shows on their own field rather than in the list at the bottom. */
const SHOWN_ON_FIELD = new Set(["tiktok.privacyLevel", "pinterest.boardId"]);

export function useScheduleSend(assetId: string, close: () => void) {
  const utils = trpc.useUtils();
  const inFlight = useRef(false);
  const [serverErrors, setServerErrors] = useState<string[]>([]);
  /** Errors on the fields shown next to them (TikTok's privacy level, the Pinterest board). */
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const onDone = (message: string) => {
    toast.success(message);
    void utils.social.posts.invalidate();
    void utils.social.captions.invalidate({ assetId });
    void utils.social.freeSlots.invalidate();
    close();
  };
  const onFail = (error: unknown) => {
    const byField = fieldErrorsOf(error) as Record<string, string[]>;
    const onFields = Object.fromEntries(
      Object.entries(byField).filter(([field]) => SHOWN_ON_FIELD.has(field)),
    );
    const rest = Object.entries(byField)
      .filter(([field]) => !SHOWN_ON_FIELD.has(field))
      .flatMap(([, list]) => list);
    setFieldErrors(onFields);
    setServerErrors(rest.length || Object.keys(onFields).length ? rest : [messageOf(error)]);
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
    setFieldErrors({});
    return true;
  };
  return {
    ...{ schedule, queue, update, begin, serverErrors, fieldErrors },
    pending: schedule.isPending || update.isPending || queue.isPending,
  };
}
