// What one post job does, and the crash rules where they apply:
// - the row is written (and this job enqueued) before anything reaches Zernio;
// - a first send asks Zernio's validation (validate/media per new URL, validate/post on the exact
//   create body) first: its errors fail the post with no create; a re-send only replays;
// - every create carries x-request-id = the row id, so a re-sent create (timeout, crash, retry)
//   replays the first post instead of making a second, and a 409 duplicate links the existing one;
// - Zernio's post id is saved the moment it is known; from then on the job only follows it;
// - one runner at a time holds a lease on the row (a second job defers until the lease ends).
import { randomUUID } from "node:crypto";
import {
  applyPostTransition,
  findMediaAsset,
  findScheduledPost,
  leaseScheduledPost,
  listPostMedia,
  releaseScheduledPost,
  type ScheduledPost,
  TERMINAL_POST_STATUSES,
} from "@streamline/db";
import { sleep } from "@streamline/providers";
import {
  fromZernioPlatform,
  isPlatform,
  isSocialError,
  type PostContentBody,
  type PostEvent,
  type PostFailure,
  type PostStatus,
  type PostValidation,
  platformLabel,
  postEventOf,
  requestIdOf,
  type SocialError,
  timingOf,
  transitionPost,
  zernioPostBody,
} from "@streamline/social";
import { metrics } from "@streamline/telemetry";
import type { PostingDeps } from "./posting";
import {
  assertOwnedTargets,
  mediaItemsFor,
  PostingFailure,
  postingLog,
  type SentMediaItem,
  validationSignal,
} from "./posting-media";

const DEFAULT_POLL = { minIntervalMs: 2_000, maxIntervalMs: 30_000, followForMs: 30 * 60_000 };

/**
 * Applies what `event` does to the post (packages/social decides, packages/db writes it under its
 * guard and publishes the change); undefined when the event does not apply or the guard failed.
 */
export async function changePost(
  db: PostingDeps["db"],
  post: ScheduledPost,
  event: PostEvent,
): Promise<ScheduledPost | undefined> {
  const updated = await applyPostTransition(db, post.id, transitionPost(post, event), postEventOf);
  if (updated) countOutcome(post, updated);
  return updated;
}

/** A post that reached an outcome: one count per platform (streamline.posts). */
function countOutcome(before: ScheduledPost, after: ScheduledPost): void {
  if (TERMINAL_POST_STATUSES.includes(before.status)) return;
  if (!TERMINAL_POST_STATUSES.includes(after.status)) return;
  for (const target of after.targets) {
    const result = after.results.find(
      (r) => r.platform === target.platform && r.accountId === target.accountId,
    );
    const outcome =
      result && ["published", "failed", "cancelled"].includes(result.status)
        ? result.status
        : after.status === "partial"
          ? "failed"
          : after.status;
    metrics().posts.add(1, { platform: target.platform, outcome });
  }
}

const log = postingLog;

const lease = (deps: PostingDeps, id: string, runner: string, ms: number) =>
  leaseScheduledPost(deps.db, { id, runner, ms });
const release = (deps: PostingDeps, id: string, runner: string) =>
  releaseScheduledPost(deps.db, { id, runner });

/**
 * How long a lease lasts without renewal. The holder renews it every third of that while it works
 * (a heartbeat, also through long waits: an upload, a create, the wait between status reads), so a
 * runner that was killed lets go within this time and the retried job re-sends the post then.
 */
export const POST_LEASE_MS = 15_000;

function leaseMs(deps: PostingDeps): number {
  return deps.leaseMs ?? POST_LEASE_MS;
}

/** Renews `runner`'s lease every third of its length until stopped; a failed renewal is logged. */
function heartbeat(deps: PostingDeps, id: string, runner: string, ms: number): () => void {
  const timer = setInterval(
    () => {
      lease(deps, id, runner, ms).then(
        (held) => {
          if (!held) log(deps, `[Posting] post ${id}: lease lost to another runner`, "warn");
        },
        () => {}, // the database is away: the next beat (or the lease's end) settles it
      );
    },
    Math.max(250, Math.floor(ms / 3)),
  );
  timer.unref?.();
  return () => clearInterval(timer);
}

/**
 * A job that finds the row leased looks again this soon at the latest, not only when the lease
 * runs out: the holder often enqueues the next job (a retry, the next poll) just before it releases
 * the lease, and that job must not wait out a whole lease (60 s) for a holder that is already done.
 */
export const LEASE_RECHECK_MS = 2_000;

/** Runs `work` under the row's lease, or defers the job until the current holder lets go. */
async function underLease(
  post: ScheduledPost,
  deps: PostingDeps,
  work: (leased: ScheduledPost, renew: () => Promise<void>, runner: string) => Promise<void>,
): Promise<void> {
  const runner = randomUUID();
  const ms = leaseMs(deps);
  const leased = await lease(deps, post.id, runner, ms);
  if (!leased) {
    const current = await findScheduledPost(deps.db, { id: post.id });
    const until = current?.locked_until?.getTime() ?? Date.now();
    const at = Math.min(Math.max(until, Date.now()) + 1_000, Date.now() + LEASE_RECHECK_MS);
    await deps.queue.enqueueLater(post.id, new Date(at));
    return;
  }
  const stop = heartbeat(deps, post.id, runner, ms);
  try {
    await work(leased, async () => void (await lease(deps, post.id, runner, ms)), runner);
  } finally {
    stop();
    await release(deps, post.id, runner).catch(() => {});
  }
}

/** Sends a post that was never sent (or whose send was interrupted), then follows it. */
export async function sendPost(
  post: ScheduledPost,
  deps: PostingDeps,
  signal?: AbortSignal,
  drain?: AbortSignal,
): Promise<void> {
  if (!deps.zernio) {
    await changePost(deps.db, post, { type: "unconfigured" });
    return;
  }
  const zernio = deps.zernio;
  await underLease(post, deps, async (leased, renew) => {
    if (leased.zernio_post_id) return follow(leased, deps, renew, signal, drain);
    // Undefined when it is no longer queued or sending (cancelled meanwhile).
    let current = await changePost(deps.db, leased, { type: "send" });
    if (!current) return;
    try {
      await assertOwnedTargets(current, deps, signal);
      let media = await mediaItemsFor(current, deps, signal);
      await renew();
      const { content, platforms } = zernioPostBody(current);
      const sending = current;
      // The content body of the create: what validate/post checks is what createPost sends.
      const bodyOf = (items: SentMediaItem[]): PostContentBody => ({
        content,
        // Every item, in the post's order (a carousel).
        mediaItems: items.map((item) => ({ type: item.type, url: item.url })),
        platforms,
      });
      // Only a post whose create was never attempted is validated (see validateBeforeCreate).
      const firstSend = sending.attempts <= 1;
      if (firstSend) await validateBeforeCreate(sending, bodyOf(media.items), zernio, deps, signal);
      const create = () =>
        zernio.createPost({
          requestId: requestIdOf(sending),
          // Webhooks echo it: an event that beats the saved Zernio id still finds this row.
          metadata: { studioPostId: sending.id },
          ...bodyOf(media.items),
          ...timingOf(sending),
          signal,
        });
      let created: Awaited<ReturnType<typeof create>>;
      try {
        created = await create();
      } catch (error) {
        // An earlier upload Zernio refused (its URL may have expired: retention is undocumented):
        // upload the file afresh and send once more (a refused create made no post to replay).
        if (!media.reused || !isSocialError(error) || error.code !== "VALIDATION") throw error;
        media = await mediaItemsFor(sending, deps, signal, { fresh: true });
        // Zernio holds no post of this request (refused): the new body is validated like the first.
        if (firstSend)
          await validateBeforeCreate(sending, bodyOf(media.items), zernio, deps, signal);
        created = await create();
      }
      // Saved before anything else: from here on this post is only ever followed, never re-sent.
      current = (await changePost(deps.db, current, { type: "created", created })) ?? current;
    } catch (error) {
      if (signal?.aborted) {
        // Shutting down: back to queued; the retried job re-sends with the same x-request-id.
        await changePost(deps.db, current, { type: "interrupted" });
        throw error;
      }
      await failSend(current, error, deps);
      return;
    }
    if (await withdrawIfAssetDeleted(current, deps)) return;
    await follow(current, deps, renew, signal, drain);
  });
}

/**
 * Zernio's validation as the authority at send time (issue 19 item 5): POST /v1/tools/validate/post
 * with the exact content body the create is about to send (real media URLs now, where scheduling
 * validated stand-ins). Its errors fail the post with Zernio's words on each platform (category
 * user_content, like a create Zernio refuses) and nothing is created; its warnings were shown when
 * the post was scheduled and are not repeated. A 400 is a verdict too (the create has the same
 * schema). Validation that cannot be reached (timeout, 5xx, a gateway's 404, the network) lets the
 * create go: the local rules and the schedule-time validation already passed. A 429 is thrown: the
 * create would meet the same limit, and the post is sent again after the reset.
 *
 * Called only on a post's first send (attempts = 1). From the second on, an earlier attempt may
 * have reached Zernio with this x-request-id (a create that timed out, a runner killed mid-create):
 * that send must be replayed as it is, so Zernio answers with the post it already made (or a 409
 * links it). A verdict in between (a changed rule, an expired upload) could otherwise fail a row
 * whose post Zernio holds and will publish. The first send's verdict covered the same body anyway.
 */
async function validateBeforeCreate(
  post: ScheduledPost,
  body: PostContentBody,
  zernio: NonNullable<PostingDeps["zernio"]>,
  deps: PostingDeps,
  signal: AbortSignal | undefined,
): Promise<void> {
  let verdict: PostValidation;
  try {
    verdict = await zernio.validatePost(body, { signal: validationSignal(signal) });
  } catch (error) {
    if (signal?.aborted) throw error;
    if (isSocialError(error) && error.code === "RATE_LIMITED") throw error;
    if (!(isSocialError(error) && error.code === "VALIDATION")) {
      const why = isSocialError(error) ? error.code : "unreachable";
      log(
        deps,
        `[Posting] post ${post.id}: Zernio's validation could not be reached (${why}); creating on the checks made when it was scheduled`,
        "warn",
      );
      return;
    }
    verdict = { valid: false, errors: [{ platform: "", message: error.message }], warnings: [] };
  }
  if (verdict.valid || verdict.errors.length === 0) return;
  throw validationRefusal(post, verdict.errors);
}

/** Zernio's validation errors as the post's failure: each platform gets its own findings. */
function validationRefusal(post: ScheduledPost, errors: PostValidation["errors"]): PostingFailure {
  const labelled: string[] = [];
  const byPlatform: Record<string, string[]> = {};
  const general: string[] = [];
  for (const finding of errors) {
    const platform = fromZernioPlatform(finding.platform);
    const target = post.targets.find((t) => t.platform === platform);
    if (!target) {
      general.push(finding.message);
      labelled.push(finding.message);
      continue;
    }
    const own = byPlatform[target.platform] ?? [];
    byPlatform[target.platform] = [...own, finding.message];
    const label = isPlatform(target.platform) ? platformLabel(target.platform) : target.platform;
    labelled.push(`${label}: ${finding.message}`);
  }
  const message = `Zernio refused the post, so nothing was posted — ${labelled.join("; ")}`;
  const own: Record<string, string> = {};
  for (const [platform, messages] of Object.entries(byPlatform)) {
    own[platform] = [...messages, ...general].join("; ");
  }
  return new PostingFailure("VALIDATION", message, { category: "user_content", byPlatform: own });
}

async function failSend(post: ScheduledPost, error: unknown, deps: PostingDeps): Promise<void> {
  const maxAttempts = deps.maxAttempts ?? 5;
  if (isSocialError(error) && error.retryable && post.attempts < maxAttempts) {
    const base = deps.retryDelayMs ?? 30_000;
    const delay = base * 2 ** Math.max(0, post.attempts - 1);
    const at = new Date(Math.max(Date.now() + delay, error.resetAt?.getTime() ?? 0));
    log(
      deps,
      `[Posting] post ${post.id} attempt ${post.attempts} failed (${error.code}), again at ${at.toISOString()}: ${error.message}`,
      "warn",
    );
    const failure = { code: error.code, message: error.message, category: null };
    const queued = await changePost(deps.db, post, { type: "sendFailed", failure, retryAt: at });
    if (queued) await deps.queue.enqueueLater(post.id, at);
    return;
  }
  const failure = describeSendFailure(error);
  log(deps, `[Posting] Error: post ${post.id} ${failure.code} ${failure.message}`);
  await changePost(deps.db, post, { type: "sendFailed", failure });
}

function describeSendFailure(error: unknown): PostFailure {
  if (error instanceof PostingFailure) {
    const { code, message, category, byPlatform } = error;
    return { code, message, category, ...(byPlatform ? { byPlatform } : {}) };
  }
  if (isSocialError(error)) {
    const category =
      error.code === "ACCOUNT_DISCONNECTED" || error.code === "AUTH"
        ? "auth_expired"
        : error.code === "VALIDATION"
          ? "user_content"
          : error.code === "RATE_LIMITED"
            ? "platform_rate_limit"
            : null;
    return { code: error.code, message: error.message, category };
  }
  return {
    code: "POSTING_ERROR",
    message: error instanceof Error ? error.message : "The post could not be sent.",
    category: null,
  };
}

/** Follows a post Zernio has (its id is saved) until every platform is terminal. */
export async function followPost(
  post: ScheduledPost,
  deps: PostingDeps,
  signal?: AbortSignal,
  drain?: AbortSignal,
): Promise<void> {
  if (TERMINAL_POST_STATUSES.includes(post.status) || !deps.zernio) return;
  await underLease(post, deps, (leased, renew) => follow(leased, deps, renew, signal, drain));
}

async function follow(
  start: ScheduledPost,
  deps: PostingDeps,
  renew: () => Promise<void>,
  signal: AbortSignal | undefined,
  drain?: AbortSignal,
): Promise<void> {
  const zernio = deps.zernio;
  const postId = start.zernio_post_id;
  if (!zernio || !postId) return;
  const poll = { ...DEFAULT_POLL, ...deps.poll };
  const startedAt = Date.now();
  let interval = poll.minIntervalMs;
  let post = start;
  for (;;) {
    if (TERMINAL_POST_STATUSES.includes(post.status)) return;
    if (await handedOff(post, deps, poll, startedAt)) return;
    if (await handedOver(post.id, interval, deps, signal, drain)) return;
    interval = Math.min(poll.maxIntervalMs, Math.round(interval * 1.5));
    await renew();
    const fresh = await findScheduledPost(deps.db, { id: post.id });
    if (!fresh || fresh.zernio_post_id !== postId) return;
    post = fresh;
    if (TERMINAL_POST_STATUSES.includes(post.status)) return;
    const read = await readStatus(post, postId, zernio, deps, poll, signal);
    if (read === "stop") return;
    if (read === "again") continue;
    if ("waitMs" in read) {
      interval = Math.max(interval, read.waitMs);
      continue;
    }
    post =
      (await changePost(deps.db, post, { type: "zernioAnswered", status: read.status })) ?? post;
  }
}

type FollowPoll = typeof DEFAULT_POLL;

/**
 * Hands the post to a later job instead of holding a worker: a time far ahead (checked again
 * shortly before it), or a post followed for `followForMs` already.
 */
async function handedOff(
  post: ScheduledPost,
  deps: PostingDeps,
  poll: FollowPoll,
  startedAt: number,
): Promise<boolean> {
  const now = () => (deps.now?.() ?? new Date()).getTime();
  // Waiting for a time far ahead holds no worker: check again shortly before it.
  if (post.status === "scheduled" && post.scheduled_for) {
    const until = post.scheduled_for.getTime() - now();
    if (until > 2 * poll.maxIntervalMs) {
      await deps.queue.enqueueLater(post.id, new Date(Date.now() + until - poll.maxIntervalMs));
      return true;
    }
  }
  if (Date.now() - startedAt > poll.followForMs) {
    await deps.queue.enqueueLater(post.id, new Date(Date.now() + poll.maxIntervalMs));
    return true;
  }
  return false;
}

/** One status read: Zernio's answer, or what its failure means (stop, go on, or wait first). */
async function readStatus(
  post: ScheduledPost,
  postId: string,
  zernio: NonNullable<PostingDeps["zernio"]>,
  deps: PostingDeps,
  poll: FollowPoll,
  signal: AbortSignal | undefined,
): Promise<{ status: PostStatus } | { waitMs: number } | "again" | "stop"> {
  try {
    return { status: await zernio.getPost(postId, { signal }) };
  } catch (error) {
    if (signal?.aborted) throw error;
    if (!isSocialError(error)) throw error;
    const next = await onFollowError(post, error, deps);
    if (next === "stop") return "stop";
    if (next instanceof Date) {
      const wait = next.getTime() - Date.now();
      if (wait > 2 * poll.maxIntervalMs) {
        await deps.queue.enqueueLater(post.id, next);
        return "stop";
      }
      return { waitMs: wait };
    }
    return "again";
  }
}

/**
 * Waits `interval` before the next status read. Shutting down (drain) during the wait, the post —
 * its Zernio id saved — is handed to the next worker, which reads it then; true when handed over.
 */
async function handedOver(
  postId: string,
  interval: number,
  deps: PostingDeps,
  signal: AbortSignal | undefined,
  drain: AbortSignal | undefined,
): Promise<boolean> {
  const until = Date.now() + interval;
  try {
    await sleep(interval, drain && signal ? AbortSignal.any([signal, drain]) : (signal ?? drain));
    return false;
  } catch (error) {
    if (signal?.aborted || !drain?.aborted) throw error;
    await deps.queue.enqueueLater(postId, new Date(until));
    return true;
  }
}

/** What a failed status read means: wait (until a time), go on, or stop following. */
async function onFollowError(
  post: ScheduledPost,
  error: SocialError,
  deps: PostingDeps,
): Promise<Date | "continue" | "stop"> {
  if (error.code === "RATE_LIMITED") return error.resetAt ?? new Date(Date.now() + 60_000);
  if (error.retryable) return "continue";
  if (error.code === "NOT_FOUND") {
    await changePost(deps.db, post, { type: "goneAtZernio" });
    return "stop";
  }
  // A refused key: the post may still publish. Say so on the row and look again later.
  log(
    deps,
    `[Posting] post ${post.id}: reading its status failed (${error.code}): ${error.message}`,
    "warn",
  );
  await deps.queue.enqueueLater(post.id, new Date(Date.now() + 5 * 60_000));
  return "stop";
}

/** Reads a post's state from Zernio once and applies it (webhooks, social.retry). */
export async function refreshPost(post: ScheduledPost, deps: PostingDeps): Promise<ScheduledPost> {
  if (!deps.zernio || !post.zernio_post_id) return post;
  const status = await deps.zernio.getPost(post.zernio_post_id);
  return (await changePost(deps.db, post, { type: "zernioAnswered", status })) ?? post;
}

/**
 * The asset was deleted (or its account is being deleted) while this post was being created:
 * Zernio now holds a post of a deleted asset. A scheduled one is deleted there at once and the
 * row cancelled, so it never publishes; one already publishing cannot be stopped and is followed.
 */
async function withdrawIfAssetDeleted(post: ScheduledPost, deps: PostingDeps): Promise<boolean> {
  if (post.status !== "scheduled" || !post.zernio_post_id) return false;
  // Any item of the post (a carousel) deleted meanwhile withdraws the whole post.
  const items = (await listPostMedia(deps.db, [post.id])).get(post.id)?.map((m) => m.asset_id) ?? [
    post.asset_id,
  ];
  let allThere = true;
  for (const id of items) {
    if (!(await findMediaAsset(deps.db, { id, userId: post.user_id }))) allThere = false;
  }
  if (allThere) return false;
  try {
    await deps.zernio?.deletePost(post.zernio_post_id);
  } catch (error) {
    if (!(isSocialError(error) && error.code === "NOT_FOUND")) return false; // followed, retried
  }
  await changePost(deps.db, post, { type: "withdrawn" });
  return true;
}
