// Posting through Zernio: a pg-boss job per scheduled_posts row. It uploads the asset (presign →
// PUT, streamed from our storage), creates the post with the row id as x-request-id, saves Zernio's
// post id at once, then follows the post until every platform is terminal, publishing each change
// through media_events/NOTIFY so the studio's media.onProgress stream carries it. What each change
// is lives in packages/social (transitionPost); this package runs the queue and the steps.
import type { Database } from "@streamline/db";
import { findScheduledPost } from "@streamline/db";
import { setContextFields } from "@streamline/log";
import type { ZernioClient } from "@streamline/social";
import type { MediaStorage } from "@streamline/storage";
import type { Kysely } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import { type JobOrigin, jobOrigin, runJobInContext } from "./job-context";
import { runTakenJob, traceData } from "./job-telemetry";
import { followPost, sendPost } from "./posting-run";

export const POSTING_QUEUE = "social-post";

/**
 * The post, the request id and user of the call (or job) that enqueued it (log context), and its
 * trace context (when tracing is on).
 */
export type PostingJobData = {
  postId: string;
  trace?: Record<string, string> | undefined;
} & JobOrigin;

export interface PostingQueueOptions {
  /** Seconds without a heartbeat before a post job counts as abandoned (pg-boss minimum 10). */
  heartbeatSeconds?: number;
  retryDelaySeconds?: number;
}

export interface PostingQueue {
  boss: PgBoss;
  /** Sends the job inside the caller's transaction (it exists exactly when the row does). */
  enqueue(
    tx: Kysely<Database>,
    postId: string,
    options?: { startAfter?: Date | undefined },
  ): Promise<string | null>;
  /** Outside a transaction: a follow-up check, e.g. at the scheduled time or after a rate limit. */
  enqueueLater(postId: string, startAfter: Date): Promise<string | null>;
}

/** The posting queue, on the same pg-boss instance as generations (its own queue name). */
export async function createPostingQueue(
  boss: PgBoss,
  options: PostingQueueOptions = {},
): Promise<PostingQueue> {
  await boss.createQueue(POSTING_QUEUE, {
    heartbeatSeconds: options.heartbeatSeconds ?? 10,
    // A job that dies is retried; the row (and Zernio's x-request-id) keeps it from posting twice.
    retryLimit: 3,
    retryDelay: options.retryDelaySeconds ?? 1,
    retryBackoff: true,
    expireInSeconds: 60 * 60,
    notify: true,
  });
  return {
    boss,
    async enqueue(tx, postId, opts = {}) {
      const data: PostingJobData = { postId, ...jobOrigin(), ...traceData() };
      return boss.send(POSTING_QUEUE, data, {
        db: fromKysely(tx),
        ...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
      });
    },
    async enqueueLater(postId, startAfter) {
      const data: PostingJobData = { postId, ...jobOrigin() };
      return boss.send(POSTING_QUEUE, data, { startAfter });
    },
  };
}

export interface PostingDeps {
  db: Kysely<Database>;
  storage: MediaStorage;
  /** Undefined when posting is not configured: jobs then fail their row with that reason. */
  zernio: ZernioClient | undefined;
  /**
   * ZERNIO_SHARED_ACCOUNTS=1: any account of the workspace may be posted to. Off (default): before
   * a post is created, its accounts are checked again against its user's own Zernio profile.
   */
  sharedAccounts?: boolean | undefined;
  queue: Pick<PostingQueue, "enqueueLater">;
  /**
   * When set, our media is public and durable at `${publicMediaBaseUrl}/${storageKey}` and its URL
   * is posted as is; otherwise the bytes are uploaded to Zernio (presign → PUT) first.
   */
  publicMediaBaseUrl?: string | undefined;
  /**
   * An upload of the same asset younger than this is posted again instead of uploading the same
   * bytes (ZERNIO_UPLOAD_REUSE_MINUTES; default 1 hour, 0 = never).
   */
  uploadReuseMs?: number | undefined;
  poll?: { minIntervalMs?: number; maxIntervalMs?: number; followForMs?: number } | undefined;
  /** First delay before a post whose create failed transiently is sent again (doubles). */
  retryDelayMs?: number | undefined;
  /** A post's lease without renewal (default POST_LEASE_MS, 15 s; renewed every third of it). */
  leaseMs?: number | undefined;
  /** Create attempts (jobs) before a transiently failing post is marked failed. */
  maxAttempts?: number | undefined;
  now?: (() => Date) | undefined;
  /** Where failure lines go (tests); the process logger (@streamline/log) by default. */
  logger?: ((line: string) => void) | undefined;
}

/** Runs one post job: send it when it was never sent, then follow it. Safe to run again at any point. */
export async function runPost(
  postId: string,
  deps: PostingDeps,
  signal?: AbortSignal,
  drain?: AbortSignal,
): Promise<void> {
  const post = await findScheduledPost(deps.db, { id: postId });
  if (!post) return;
  setContextFields({ userId: post.user_id });
  if (drain?.aborted) {
    // Shutting down before anything was sent or read: the next worker takes it at once.
    await deps.queue.enqueueLater(post.id, new Date());
    return;
  }
  if (!post.zernio_post_id) {
    if (post.status !== "queued" && post.status !== "sending") return;
    await sendPost(post, deps, signal, drain);
    return;
  }
  await followPost(post, deps, signal, drain);
}

/** Starts pulling post jobs. Stopping aborts running ones; they are retried and resume from the row. */
export async function startPostingWorker(
  queue: PostingQueue,
  deps: PostingDeps,
  options: { concurrency?: number; pollingIntervalSeconds?: number } = {},
): Promise<{ drain(): void; stop(): Promise<void> }> {
  const draining = new AbortController();
  const polling = options.pollingIntervalSeconds ?? 1;
  await queue.boss.work<PostingJobData>(
    POSTING_QUEUE,
    {
      localConcurrency: options.concurrency ?? 4,
      pollingIntervalSeconds: polling,
      notifyPollingIntervalSeconds: polling,
      includeMetadata: true,
    },
    async ([job]) => {
      if (!job) return;
      const { postId } = job.data;
      await runTakenJob(POSTING_QUEUE, job, { "streamline.post.id": postId }, () =>
        runJobInContext(job, { queue: POSTING_QUEUE, postId }, () =>
          runPost(postId, deps, job.signal, draining.signal),
        ),
      );
    },
  );
  return {
    // Shutting down: a post being followed hands itself to the next worker at its next wait (its
    // Zernio id is saved); a create in flight is left to answer (stop()'s grace period bounds it).
    drain: () => draining.abort(),
    stop: () => queue.boss.offWork(POSTING_QUEUE, { wait: false }),
  };
}
