// Post analytics storage (migration 2026_12_08_200): the (post, platform) pairs we follow, their
// place on the refresh schedule, and their snapshots. The schedule's policy (which step when, the
// jitter, the rate budget) lives in packages/jobs (analytics-refresh.ts); this file stores it and
// keeps the crash rules:
// - a due pair is claimed by pushing its next_refresh_at forward by a lease (FOR UPDATE SKIP
//   LOCKED): two workers never read the same pair at once, and a worker that dies leaves it due
//   again when the lease ends;
// - a snapshot is inserted … ON CONFLICT (post_id, platform, slot) DO NOTHING in the same
//   transaction that moves the pair to its next step, guarded by the step it read: a re-run never
//   writes a slot twice, and a write that did not commit leaves the pair due for the same slot.
import { type Kysely, sql, type Transaction } from "kysely";
import type {
  AnalyticsTargetStatus,
  Database,
  JsonObject,
  PostAnalyticsTarget,
  PostMetricSnapshot,
} from "../schema";
import type { Executor } from "./media-assets";

const WORKSPACE = "workspace";

export interface SnapshotFigures {
  impressions: number;
  reach: number;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  clicks: number;
  engagementRate: number;
  extras: JsonObject;
}

export interface PublishedPlatform {
  postId: string;
  userId: string;
  platform: string;
  accountId: string | null;
  publishedAt: Date;
}

/**
 * Published (post, platform) pairs not followed yet: posts published (or partial) since `since`,
 * each platform whose result is published. The refresh tick adopts them, so nothing in the posting
 * code has to remember to.
 */
export async function findUntrackedPublished(
  db: Executor,
  options: { since: Date; limit: number },
): Promise<PublishedPlatform[]> {
  const { rows } = await sql<{
    post_id: string;
    user_id: string;
    platform: string;
    account_id: string | null;
    published_at: Date | string;
  }>`
    select sp.id as post_id, sp.user_id, r->>'platform' as platform, r->>'accountId' as account_id,
           coalesce((r->>'publishedAt')::timestamptz, sp.completed_at, sp.updated_at) as published_at
    from scheduled_posts sp
    cross join lateral jsonb_array_elements(sp.results) r
    where sp.status in ('published', 'partial')
      and coalesce(sp.completed_at, sp.updated_at) >= ${options.since}
      and r->>'status' = 'published'
      and not exists (
        select 1 from post_analytics_targets t
        where t.post_id = sp.id and t.platform = r->>'platform')
    order by published_at
    limit ${options.limit}`.execute(db);
  const seen = new Set<string>();
  return rows.flatMap((row) => {
    // Two accounts on one platform: the pair is (post, platform), the first account is followed.
    const key = `${row.post_id}:${row.platform}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [
      {
        postId: row.post_id,
        userId: row.user_id,
        platform: row.platform,
        accountId: row.account_id,
        publishedAt: new Date(row.published_at),
      },
    ];
  });
}

/** Starts following a pair (a second call, e.g. from a webhook, changes nothing). */
export async function trackPublishedPlatform(
  db: Executor,
  pair: PublishedPlatform & { firstRefreshAt: Date },
): Promise<boolean> {
  const result = await db
    .insertInto("post_analytics_targets")
    .values({
      post_id: pair.postId,
      platform: pair.platform,
      user_id: pair.userId,
      account_id: pair.accountId,
      published_at: pair.publishedAt,
      next_refresh_at: pair.firstRefreshAt,
    })
    .onConflict((oc) => oc.columns(["post_id", "platform"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export type ClaimedTarget = PostAnalyticsTarget & { zernio_post_id: string | null };

/**
 * Claims up to `limit` due pairs, fairly across users: each user's most overdue pair first, then
 * each user's second … (one user's hundred posts never starve another's one). A claimed pair's
 * next_refresh_at moves `leaseMs` ahead, so it is due again only if its worker never finishes.
 */
export async function claimDueTargets(
  db: Kysely<Database>,
  options: { now: Date; limit: number; leaseMs: number },
): Promise<ClaimedTarget[]> {
  if (options.limit <= 0) return [];
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const { rows } = await sql<ClaimedTarget & { turn: number | string }>`
    with due as (
      select post_id, platform, next_refresh_at,
             row_number() over (partition by user_id order by next_refresh_at, post_id) as turn
      from post_analytics_targets
      where status = 'active' and next_refresh_at <= ${options.now}
    ), picked as (
      select t.post_id, t.platform, d.turn
      from post_analytics_targets t
      join due d on d.post_id = t.post_id and d.platform = t.platform
      where t.status = 'active' and t.next_refresh_at <= ${options.now}
      order by d.turn, d.next_refresh_at, t.post_id
      limit ${options.limit}
      for update of t skip locked
    )
    update post_analytics_targets t
    set next_refresh_at = ${leaseUntil}, updated_at = now()
    from picked, scheduled_posts sp
    where t.post_id = picked.post_id and t.platform = picked.platform and sp.id = t.post_id
    returning t.*, sp.zernio_post_id, picked.turn`.execute(db);
  // RETURNING keeps no order: put the claims back in turn order (the calls are made in it).
  const ordered = [...rows].sort(
    (a, b) =>
      Number(a.turn) - Number(b.turn) ||
      new Date(a.published_at).getTime() - new Date(b.published_at).getTime(),
  );
  return ordered.map(({ turn: _turn, ...row }) => ({
    ...row,
    published_at: new Date(row.published_at),
    next_refresh_at: row.next_refresh_at ? new Date(row.next_refresh_at) : null,
  }));
}

/**
 * Writes the snapshot of `slot` and moves the pair to `next` (its next step and time, or done) —
 * one transaction, only while the pair is still active on `slot`. `inserted` is false when the slot
 * was already written (a re-run): the figures already there stay.
 */
export async function recordSnapshot(
  db: Kysely<Database>,
  values: {
    postId: string;
    platform: string;
    userId: string;
    slot: number;
    figures: SnapshotFigures;
    takenAt?: Date | undefined;
    next: { step: number; at: Date } | null;
  },
): Promise<{ inserted: boolean }> {
  return db.transaction().execute(async (tx) => {
    const inserted = await insertSnapshot(tx, values);
    await tx
      .updateTable("post_analytics_targets")
      .set({
        step: values.next ? values.next.step : values.slot + 1,
        next_refresh_at: values.next?.at ?? null,
        status: values.next ? "active" : "done",
        pending_count: 0,
        last_error: null,
        updated_at: new Date(),
      })
      .where("post_id", "=", values.postId)
      .where("platform", "=", values.platform)
      .where("status", "=", "active")
      .where("step", "=", values.slot)
      .execute();
    return { inserted };
  });
}

/**
 * One statement: inserts the slot's snapshot (ON CONFLICT DO NOTHING) and raises the pair's
 * latest_* figures to it when it is the highest slot seen. The figures come from the row inserted
 * or, on a conflict, from the row already there: a retry after anything that left a snapshot
 * without its latest_* (a crash of an older build, a row written before migration 2026_12_09_700)
 * mends them. Whether the snapshot was inserted (false: the slot was already written).
 */
export async function insertSnapshot(
  db: Executor,
  values: {
    postId: string;
    platform: string;
    userId: string;
    slot: number;
    figures: SnapshotFigures;
    takenAt?: Date | undefined;
  },
): Promise<boolean> {
  const f = values.figures;
  const takenAt = values.takenAt ? sql`${values.takenAt}::timestamptz` : sql`now()`;
  const { rows } = await sql<{ inserted: number | string }>`
    with ins as (
      insert into post_metric_snapshots (post_id, platform, user_id, slot, taken_at, impressions,
        reach, views, likes, comments, shares, saves, clicks, engagement_rate, extras)
      values (${values.postId}, ${values.platform}, ${values.userId}, ${values.slot}, ${takenAt},
        ${f.impressions}, ${f.reach}, ${f.views}, ${f.likes}, ${f.comments}, ${f.shares},
        ${f.saves}, ${f.clicks}, ${f.engagementRate}, ${JSON.stringify(f.extras)}::jsonb)
      on conflict (post_id, platform, slot) do nothing
      returning post_id, platform, slot, taken_at, impressions, reach, views, likes, comments,
        shares, saves, clicks, engagement_rate
    ), snapshot as (
      select * from ins
      union all
      select post_id, platform, slot, taken_at, impressions, reach, views, likes, comments,
        shares, saves, clicks, engagement_rate
      from post_metric_snapshots
      where post_id = ${values.postId} and platform = ${values.platform} and slot = ${values.slot}
        and not exists (select 1 from ins)
    ), latest as (
      update post_analytics_targets t
      set latest_slot = s.slot, latest_taken_at = s.taken_at, latest_impressions = s.impressions,
          latest_reach = s.reach, latest_views = s.views, latest_likes = s.likes,
          latest_comments = s.comments, latest_shares = s.shares, latest_saves = s.saves,
          latest_clicks = s.clicks, latest_engagement_rate = s.engagement_rate
      from snapshot s
      where t.post_id = s.post_id and t.platform = s.platform
        and (t.latest_slot is null or t.latest_slot < s.slot)
      returning t.post_id
    )
    select (select count(*) from ins) as inserted, (select count(*) from latest) as raised`.execute(
    db,
  );
  return Number(rows[0]?.inserted ?? 0) > 0;
}

/** Tries the pair again at `at` (202 pending, 404 not yet, a transient error); `pending` counts 202s. */
export async function deferTarget(
  db: Executor,
  values: { postId: string; platform: string; at: Date; pending: boolean; error?: string | null },
): Promise<void> {
  await db
    .updateTable("post_analytics_targets")
    .set((eb) => ({
      next_refresh_at: values.at,
      pending_count: values.pending ? eb("pending_count", "+", 1) : eb.ref("pending_count"),
      last_error: values.error ?? null,
      updated_at: new Date(),
    }))
    .where("post_id", "=", values.postId)
    .where("platform", "=", values.platform)
    .where("status", "=", "active")
    .execute();
}

/**
 * Stops following a post's pairs (one platform, or all): `failed` (424), `unavailable` (Zernio
 * cannot sync it), `deleted` (removed on the network). A deleted pair stays deleted.
 */
export async function stopTargets(
  db: Executor,
  values: {
    postId: string;
    platform?: string | undefined;
    status: Exclude<AnalyticsTargetStatus, "active" | "done">;
    error?: string | null | undefined;
    at?: Date | undefined;
  },
): Promise<number> {
  let query = db
    .updateTable("post_analytics_targets")
    .set({
      status: values.status,
      next_refresh_at: null,
      last_error: values.error ?? null,
      ...(values.status === "deleted" ? { deleted_at: values.at ?? new Date() } : {}),
      updated_at: new Date(),
    })
    .where("post_id", "=", values.postId)
    .where("status", "!=", "deleted");
  if (values.platform) query = query.where("platform", "=", values.platform);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}

export interface AnalyticsState {
  hasAccess: boolean | null;
  checkedAt: Date | null;
  pausedUntil: Date | null;
}

export async function readAnalyticsState(db: Executor): Promise<AnalyticsState> {
  const row = await db
    .selectFrom("zernio_analytics_state")
    .selectAll()
    .where("id", "=", WORKSPACE)
    .executeTakeFirst();
  return {
    hasAccess: row?.has_access ?? null,
    checkedAt: row?.checked_at ?? null,
    pausedUntil: row?.paused_until ?? null,
  };
}

export async function writeAnalyticsState(
  db: Executor,
  values: { hasAccess?: boolean; checkedAt?: Date; pausedUntil?: Date | null },
): Promise<void> {
  const set = {
    ...(values.hasAccess !== undefined ? { has_access: values.hasAccess } : {}),
    ...(values.checkedAt !== undefined ? { checked_at: values.checkedAt } : {}),
    ...(values.pausedUntil !== undefined ? { paused_until: values.pausedUntil } : {}),
  };
  await db
    .insertInto("zernio_analytics_state")
    .values({ id: WORKSPACE, ...set })
    .onConflict((oc) => oc.column("id").doUpdateSet(set))
    .execute();
}

/**
 * Takes up to `wanted` of the workspace's `max` analytics calls in the last `windowSeconds` (an
 * advisory lock makes concurrent ticks count one at a time); the number granted.
 */
export async function reserveAnalyticsCalls(
  db: Kysely<Database>,
  values: { wanted: number; max: number; windowSeconds: number },
): Promise<number> {
  if (values.wanted <= 0) return 0;
  const window = sql`make_interval(secs => ${values.windowSeconds})`;
  return db.transaction().execute(async (trx: Transaction<Database>) => {
    await sql`select pg_advisory_xact_lock(hashtext('zernio-analytics-rate'))`.execute(trx);
    const { rows } = await sql<{ seen: number }>`
      select count(*)::int as seen from zernio_analytics_requests
      where created_at > now() - ${window}`.execute(trx);
    const granted = Math.max(0, Math.min(values.wanted, values.max - (rows[0]?.seen ?? 0)));
    if (granted > 0) {
      await sql`insert into zernio_analytics_requests (created_at)
        select now() from generate_series(1, ${granted})`.execute(trx);
    }
    await sql`delete from zernio_analytics_requests
      where created_at < now() - ${window} - interval '1 minute'`.execute(trx);
    return granted;
  });
}

/** Snapshots of pairs, oldest first (sparklines); only the user's own. */
export async function snapshotsOf(
  db: Executor,
  values: { userId: string; postIds: string[] },
): Promise<PostMetricSnapshot[]> {
  if (values.postIds.length === 0) return [];
  return db
    .selectFrom("post_metric_snapshots")
    .selectAll()
    .where("user_id", "=", values.userId)
    .where("post_id", "in", values.postIds)
    .orderBy("post_id")
    .orderBy("platform")
    .orderBy("slot")
    .execute();
}

/** The pairs followed for these posts (their status: deleted on the network, failed …). */
export async function targetsOf(
  db: Executor,
  values: { userId: string; postIds: string[] },
): Promise<PostAnalyticsTarget[]> {
  if (values.postIds.length === 0) return [];
  return db
    .selectFrom("post_analytics_targets")
    .selectAll()
    .where("user_id", "=", values.userId)
    .where("post_id", "in", values.postIds)
    .orderBy("post_id")
    .orderBy("platform")
    .execute();
}

export async function analyticsNoticeSeen(db: Executor, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("analytics_notices")
    .select("user_id")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Boolean(row);
}

export async function markAnalyticsNoticeSeen(db: Executor, userId: string): Promise<void> {
  await db
    .insertInto("analytics_notices")
    .values({ user_id: userId })
    .onConflict((oc) => oc.column("user_id").doNothing())
    .execute();
}

/**
 * The pair was removed on the network (webhook post.platform.deleted): it is marked deleted and
 * never read again — also when the refresh had not adopted it yet. Idempotent.
 */
export async function markPairDeleted(
  db: Executor,
  values: {
    postId: string;
    platform: string;
    userId: string;
    accountId: string | null;
    publishedAt: Date;
    deletedAt: Date;
  },
): Promise<void> {
  await db
    .insertInto("post_analytics_targets")
    .values({
      post_id: values.postId,
      platform: values.platform,
      user_id: values.userId,
      account_id: values.accountId,
      published_at: values.publishedAt,
      status: "deleted",
      deleted_at: values.deletedAt,
      next_refresh_at: null,
    })
    .onConflict((oc) =>
      oc.columns(["post_id", "platform"]).doUpdateSet((eb) => ({
        status: "deleted",
        next_refresh_at: null,
        deleted_at: eb.fn.coalesce("post_analytics_targets.deleted_at", eb.val(values.deletedAt)),
        updated_at: new Date(),
      })),
    )
    .execute();
}

/** Whether any followed pair is due (the tick asks Zernio nothing, not even access, otherwise). */
export async function hasDueTargets(db: Executor, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom("post_analytics_targets")
    .select("post_id")
    .where("status", "=", "active")
    .where("next_refresh_at", "<=", now)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}
