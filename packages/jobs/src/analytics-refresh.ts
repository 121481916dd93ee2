// Post analytics refresh (issue 20): one tick reads the figures of the (post, platform) pairs that
// are due, on a decaying schedule after publishing (1 h, 6 h, 24 h, 3 d, 7 d, 30 d), each step
// jittered by a fixed amount per pair (hash of post, platform, step: up to 10 % of the step, at
// most 2 h) so posts published together are not read together.
// - Zernio's rate limit is the workspace's (one key for every user, 60 requests a minute on the
//   smallest plan, shared with posting): a tick spends at most `callsPerMinute` analytics calls in
//   any 60 s, counted in the database across processes, and due pairs are claimed round-robin
//   across users (claimDueTargets), so one user's hundreds of posts never starve another's.
// - One GET /v1/analytics?postId= answers every platform of a post: pairs are grouped per post.
// - 202 (sync pending) → the pair is tried again later (15 min, doubling, at most 6 h);
//   424 (every platform failed) → its pairs are marked failed and never read again;
//   402 / hasAnalyticsAccess false → no analytics call is made until the daily re-check says yes;
//   429 → the whole refresh pauses until Zernio's reset.
// - A pair deleted on the network (webhook post.platform.deleted) is never claimed again.
import { createHash } from "node:crypto";
import {
  type ClaimedTarget,
  claimDueTargets,
  type Database,
  deferTarget,
  findUntrackedPublished,
  hasDueTargets,
  readAnalyticsState,
  recordSnapshot,
  reserveAnalyticsCalls,
  stopTargets,
  trackPublishedPlatform,
  writeAnalyticsState,
} from "@streamline/db";
import { logger } from "@streamline/log";
import {
  fromZernioPlatform,
  isSocialError,
  type PlatformMetrics,
  type PostAnalyticsResult,
  type ZernioClient,
} from "@streamline/social";
import type { Kysely } from "kysely";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** After publishing: when each snapshot is taken (before jitter). */
export const REFRESH_STEPS_MS = [HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY, 30 * DAY] as const;
export const REFRESH_STEP_LABELS = ["1h", "6h", "24h", "3d", "7d", "30d"] as const;
/** A pair still pending this long after publishing is given up on (unavailable). */
export const GIVE_UP_AFTER_MS = 37 * DAY;
const MAX_JITTER_MS = 2 * HOUR;
const PENDING_FIRST_DELAY_MS = 15 * 60_000;
const PENDING_MAX_DELAY_MS = 6 * HOUR;

export interface AnalyticsDeps {
  db: Kysely<Database>;
  /** Undefined when Zernio is not configured: nothing is read. */
  zernio: ZernioClient | undefined;
  /** Analytics calls the whole workspace may make per minute (ZERNIO_ANALYTICS_PER_MINUTE, 20). */
  callsPerMinute?: number | undefined;
  /** How often a workspace without analytics access is asked again (default 24 h). */
  accessCheckMs?: number | undefined;
  /** How long a claimed pair is held before another worker may take it (default 10 min). */
  leaseMs?: number | undefined;
  now?: (() => Date) | undefined;
  /** Where lines go (tests); the process logger (@streamline/log) by default. */
  logger?: ((line: string) => void) | undefined;
}

export const DEFAULT_ANALYTICS_CALLS_PER_MINUTE = 20;

/** A pair's fixed jitter for a step: [0, min(10 % of the step, 2 h)). */
export function refreshJitterMs(postId: string, platform: string, step: number): number {
  const base = REFRESH_STEPS_MS[step] ?? 0;
  const digest = createHash("sha256").update(`${postId}\u0000${platform}\u0000${step}`).digest();
  const fraction = digest.readUInt32BE(0) / 2 ** 32;
  return Math.floor(fraction * Math.min(base * 0.1, MAX_JITTER_MS));
}

/** When step `step` of a pair is due. */
export function refreshDueAt(
  pair: { postId: string; platform: string; publishedAt: Date },
  step: number,
): Date {
  const offset = REFRESH_STEPS_MS[step];
  if (offset === undefined) throw new RangeError(`No refresh step ${step}`);
  return new Date(
    pair.publishedAt.getTime() + offset + refreshJitterMs(pair.postId, pair.platform, step),
  );
}

/** The first step after `slot` that is still ahead of `now` (steps whose time passed are skipped). */
export function nextRefresh(
  pair: { postId: string; platform: string; publishedAt: Date },
  slot: number,
  now: Date,
): { step: number; at: Date } | null {
  for (let step = slot + 1; step < REFRESH_STEPS_MS.length; step++) {
    const at = refreshDueAt(pair, step);
    if (at.getTime() > now.getTime()) return { step, at };
  }
  return null;
}

/** When a pending pair is asked again: 15 min, doubling per 202 in a row, at most 6 h. */
export function pendingRetryAt(now: Date, pendingCount: number): Date {
  const delay = Math.min(PENDING_FIRST_DELAY_MS * 2 ** pendingCount, PENDING_MAX_DELAY_MS);
  return new Date(now.getTime() + delay);
}

export interface AnalyticsTickResult {
  skipped?: "unconfigured" | "no_access" | "paused" | undefined;
  adopted: number;
  /** GET /v1/analytics?postId= calls made. */
  calls: number;
  snapshots: number;
  pending: number;
  failed: number;
  /** Pairs claimed but left for a later tick (no budget, a pause, lost access). */
  released: number;
}

const pairOf = (t: ClaimedTarget) => ({
  postId: t.post_id,
  platform: t.platform,
  publishedAt: t.published_at,
});

/** Starts following what was published recently (local only: no Zernio call). */
async function adoptPublished(deps: AnalyticsDeps, now: Date): Promise<number> {
  const since = new Date(now.getTime() - GIVE_UP_AFTER_MS);
  const found = await findUntrackedPublished(deps.db, { since, limit: 500 });
  let adopted = 0;
  for (const pair of found) {
    const firstRefreshAt = refreshDueAt(pair, 0);
    if (await trackPublishedPlatform(deps.db, { ...pair, firstRefreshAt })) adopted++;
  }
  return adopted;
}

/** Whether analytics may be read now: checks hasAnalyticsAccess once, then daily while it is no. */
async function mayRead(
  deps: AnalyticsDeps,
  zernio: ZernioClient,
  now: Date,
): Promise<"yes" | "no_access" | "paused"> {
  const state = await readAnalyticsState(deps.db);
  if (state.pausedUntil && state.pausedUntil.getTime() > now.getTime()) return "paused";
  const stale =
    !state.checkedAt ||
    now.getTime() - state.checkedAt.getTime() >= (deps.accessCheckMs ?? DAY) ||
    state.hasAccess === null;
  if (!stale) return state.hasAccess ? "yes" : "no_access";
  const granted = await reserveAnalyticsCalls(deps.db, {
    wanted: 1,
    max: deps.callsPerMinute ?? DEFAULT_ANALYTICS_CALLS_PER_MINUTE,
    windowSeconds: 60,
  });
  if (granted === 0) return "paused";
  const hasAccess = await zernio.analyticsAccess();
  await writeAnalyticsState(deps.db, { hasAccess, checkedAt: now });
  return hasAccess ? "yes" : "no_access";
}

/** One refresh tick: adopt, check access, claim fairly within the budget, read, store. */
export async function runAnalyticsTick(deps: AnalyticsDeps): Promise<AnalyticsTickResult> {
  const now = deps.now?.() ?? new Date();
  const result: AnalyticsTickResult = {
    adopted: await adoptPublished(deps, now),
    calls: 0,
    snapshots: 0,
    pending: 0,
    failed: 0,
    released: 0,
  };
  const zernio = deps.zernio;
  if (!zernio) return { ...result, skipped: "unconfigured" };
  // Nothing due: no call at all (the access check included).
  if (!(await hasDueTargets(deps.db, now))) return result;
  const may = await mayRead(deps, zernio, now);
  if (may !== "yes") return { ...result, skipped: may };
  const perMinute = deps.callsPerMinute ?? DEFAULT_ANALYTICS_CALLS_PER_MINUTE;
  // A post's platforms come in one call: claim a few more pairs than calls, then group.
  const claimed = await claimDueTargets(deps.db, {
    now,
    limit: perMinute * 2,
    leaseMs: deps.leaseMs ?? 10 * 60_000,
  });
  const groups = groupByPost(claimed);
  const granted = await reserveAnalyticsCalls(deps.db, {
    wanted: groups.length,
    max: perMinute,
    windowSeconds: 60,
  });
  const release = async (left: ClaimedTarget[][]) => {
    for (const target of left.flat()) {
      await deferTarget(deps.db, {
        postId: target.post_id,
        platform: target.platform,
        at: now,
        pending: false,
        error: target.last_error,
      });
      result.released++;
    }
  };
  await release(groups.slice(granted));
  for (let i = 0; i < Math.min(granted, groups.length); i++) {
    const group = groups[i] ?? [];
    const outcome = await refreshGroup(deps, zernio, group, now, result);
    if (outcome === "stop") {
      await release(groups.slice(i + 1, granted));
      break;
    }
  }
  return result;
}

function groupByPost(claimed: ClaimedTarget[]): ClaimedTarget[][] {
  const groups = new Map<string, ClaimedTarget[]>();
  for (const target of claimed) {
    const key = target.zernio_post_id ?? `missing:${target.post_id}`;
    const list = groups.get(key);
    if (list) list.push(target);
    else groups.set(key, [target]);
  }
  return [...groups.values()];
}

/** Reads one post's analytics and applies the answer to each of its claimed pairs. */
async function refreshGroup(
  deps: AnalyticsDeps,
  zernio: ZernioClient,
  group: ClaimedTarget[],
  now: Date,
  result: AnalyticsTickResult,
): Promise<"ok" | "stop"> {
  const first = group[0];
  if (!first) return "ok";
  if (!first.zernio_post_id) {
    for (const t of group) {
      await stopTargets(deps.db, {
        postId: t.post_id,
        platform: t.platform,
        status: "unavailable",
      });
    }
    return "ok";
  }
  let answer: PostAnalyticsResult;
  try {
    result.calls++;
    answer = await zernio.postAnalytics(first.zernio_post_id);
  } catch (error) {
    if (isSocialError(error) && error.code === "RATE_LIMITED") {
      const until = error.resetAt ?? new Date(now.getTime() + 60_000);
      await writeAnalyticsState(deps.db, { pausedUntil: until });
      await deferAll(deps, group, until, false, "Zernio's rate limit: paused until its reset");
      return "stop";
    }
    const message = error instanceof Error ? error.message : String(error);
    const line = `[analytics] post ${first.post_id}: ${message}`;
    if (deps.logger) deps.logger(line);
    else logger.warn(line); // deferred, read again later
    await deferAll(deps, group, new Date(now.getTime() + PENDING_FIRST_DELAY_MS), false, message);
    return "ok";
  }
  switch (answer.kind) {
    case "no_access":
      await writeAnalyticsState(deps.db, { hasAccess: false, checkedAt: now });
      await deferAll(deps, group, now, false, null);
      return "stop";
    case "failed":
      for (const t of group) {
        await stopTargets(deps.db, {
          postId: t.post_id,
          platform: t.platform,
          status: "failed",
          error: answer.message ?? "Every platform failed (Zernio answered 424)",
        });
        result.failed++;
      }
      return "ok";
    case "pending":
    case "not_found":
      for (const t of group) await pendingPair(deps, t, now, result, answer.kind);
      return "ok";
    case "ready":
      for (const t of group) await applyEntry(deps, t, entryFor(answer.platforms, t), now, result);
      return "ok";
  }
}

async function deferAll(
  deps: AnalyticsDeps,
  group: ClaimedTarget[],
  at: Date,
  pending: boolean,
  error: string | null,
) {
  for (const t of group) {
    await deferTarget(deps.db, { postId: t.post_id, platform: t.platform, at, pending, error });
  }
}

function entryFor(entries: PlatformMetrics[], target: ClaimedTarget): PlatformMetrics | undefined {
  const mine = entries.filter(
    (e) => (fromZernioPlatform(e.platform) ?? e.platform) === target.platform,
  );
  return mine.find((e) => target.account_id && e.accountId === target.account_id) ?? mine[0];
}

async function pendingPair(
  deps: AnalyticsDeps,
  target: ClaimedTarget,
  now: Date,
  result: AnalyticsTickResult,
  why: "pending" | "not_found",
) {
  if (now.getTime() - target.published_at.getTime() > GIVE_UP_AFTER_MS) {
    await stopTargets(deps.db, {
      postId: target.post_id,
      platform: target.platform,
      status: "unavailable",
      error: "Zernio never synced this post's analytics",
    });
    return;
  }
  result.pending++;
  await deferTarget(deps.db, {
    postId: target.post_id,
    platform: target.platform,
    at: pendingRetryAt(now, target.pending_count),
    pending: true,
    error: why === "pending" ? "Zernio is still syncing (202)" : "Not published yet (404)",
  });
}

async function applyEntry(
  deps: AnalyticsDeps,
  target: ClaimedTarget,
  entry: PlatformMetrics | undefined,
  now: Date,
  result: AnalyticsTickResult,
) {
  const where = { postId: target.post_id, platform: target.platform };
  if (entry && !entry.published) {
    await stopTargets(deps.db, { ...where, status: "failed", error: entry.errorMessage });
    result.failed++;
    return;
  }
  if (entry?.syncStatus === "unavailable") {
    await stopTargets(deps.db, { ...where, status: "unavailable", error: entry.errorMessage });
    return;
  }
  if (!entry?.metrics) return pendingPair(deps, target, now, result, "pending");
  const next = nextRefresh(pairOf(target), target.step, now);
  const { inserted } = await recordSnapshot(deps.db, {
    ...where,
    userId: target.user_id,
    slot: target.step,
    takenAt: now,
    figures: { ...entry.metrics, extras: entry.metrics.extras },
    next,
  });
  if (inserted) result.snapshots++;
}
