// What a post change publishes on media_events, so the studio's media.onProgress stream carries it.
import type { PostRecord } from "./record";

/** A post's per-platform state as subscribers receive it (our platform ids: x, not twitter). */
export type PostPlatformEvent = {
  platform: string;
  accountId: string;
  status: string;
  url: string | null;
  errorMessage: string | null;
  errorCategory: string | null;
};

/**
 * `kind: "post"` tells it apart from generation events; status/phase/progress describe the asset
 * itself (done: only finished assets are posted), so a consumer that reads every event as
 * generation progress is never misled.
 */
export type PostEventPayload = {
  kind: "post";
  status: "succeeded";
  phase: "done";
  progress: 100;
  estimated: false;
  post: {
    id: string;
    status: PostRecord["status"];
    scheduledFor: string | null;
    publishNow: boolean;
    platforms: PostPlatformEvent[];
    error: { code: string; message: string } | null;
  };
};

/** The event payload for a row as it is now. */
export function postEventOf(
  post: Pick<
    PostRecord,
    "id" | "status" | "scheduled_for" | "publish_now" | "results" | "error_code" | "error_message"
  >,
): PostEventPayload {
  return {
    kind: "post",
    status: "succeeded",
    phase: "done",
    progress: 100,
    estimated: false,
    post: {
      id: post.id,
      status: post.status,
      scheduledFor: post.scheduled_for ? post.scheduled_for.toISOString() : null,
      publishNow: post.publish_now,
      platforms: post.results.map((r) => ({
        platform: r.platform,
        accountId: r.accountId,
        status: r.status,
        url: r.url,
        errorMessage: r.errorMessage,
        errorCategory: r.errorCategory,
      })),
      error: post.error_code
        ? { code: post.error_code, message: post.error_message ?? post.error_code }
        : null,
    },
  };
}
