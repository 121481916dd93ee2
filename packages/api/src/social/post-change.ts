// The routers' way to change a post: packages/social decides what an edit, cancel or retry writes
// (the same transitionPost the worker uses), packages/db writes it under its guard with its event.
import {
  applyPostTransition,
  type Executor,
  type ScheduledPost,
  type ScheduledPostStatus,
} from "@streamline/db";
import { type PostEvent, type PostState, postEventOf, transitionPost } from "@streamline/social";

/** Undefined when the event does not apply in the post's state or its guard no longer held. */
export async function changePost(
  db: Executor,
  post: ScheduledPost,
  event: PostEvent,
): Promise<ScheduledPost | undefined> {
  return applyPostTransition(db, post.id, transitionPost(post, event), postEventOf);
}

// The posting domain's states are the table's, both ways (a new status must be added to both).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const POST_STATES_MATCH_TABLE: Same<PostState, ScheduledPostStatus> = true;
