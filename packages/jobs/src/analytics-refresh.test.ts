// The analytics refresh schedule against the fake Zernio, on PGlite and PostgreSQL: decay and
// jitter, the shared rate budget spread across users, 202 → later, 424 → failed, no access → no
// analytics calls, 429 → paused, and re-runs that never write a slot twice.
import {
  ensureUserRow,
  insertMediaAsset,
  type ScheduledPost,
  snapshotsOf,
  stopTargets,
} from "@streamline/db";
import { createTestDb, type TestDb, testBackends } from "@streamline/db/testing";
import { createZernioFake, rateLimitHeaders, ZERNIO_MOCK_API_KEY } from "@streamline/fakes/zernio";
import { createZernio } from "@streamline/social";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AnalyticsDeps,
  nextRefresh,
  pendingRetryAt,
  REFRESH_STEPS_MS,
  refreshDueAt,
  refreshJitterMs,
  runAnalyticsTick,
} from "./analytics-refresh";

const HOUR = 3_600_000;
const START = new Date("2026-12-01T08:00:00Z");
const fake = createZernioFake({ startAt: START, publishDurationMs: 1_000 });
const server = setupServer(...fake.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterAll(() => server.close());

const zernio = createZernio({
  apiKey: ZERNIO_MOCK_API_KEY,
  baseURL: fake.baseURL,
  timeoutMs: 1_000,
  retry: { sleep: async () => {}, random: () => 0.5 },
});
const now = () => new Date(fake.clock.now());

describe("the decaying schedule", () => {
  const pair = { postId: "p1", platform: "instagram", publishedAt: START };

  it("steps 1 h, 6 h, 24 h, 3 d, 7 d, 30 d after publishing, each with a fixed jitter ≤ 10 % (≤ 2 h)", () => {
    REFRESH_STEPS_MS.forEach((offset, step) => {
      const at = refreshDueAt(pair, step).getTime() - START.getTime();
      const jitter = at - offset;
      expect(jitter).toBeGreaterThanOrEqual(0);
      expect(jitter).toBeLessThan(Math.min(offset * 0.1, 2 * HOUR));
      expect(refreshDueAt(pair, step)).toEqual(refreshDueAt(pair, step));
    });
    // Posts published together are spread: 50 pairs' first reads fall on many different minutes.
    const minutes = new Set(
      Array.from({ length: 50 }, (_, i) =>
        Math.floor(refreshJitterMs(`post-${i}`, "instagram", 0) / 60_000),
      ),
    );
    expect(minutes.size).toBeGreaterThan(4);
  });

  it("skips steps whose time passed, ends after 30 d, and backs off pending reads", () => {
    const late = new Date(START.getTime() + 2 * 24 * HOUR);
    expect(nextRefresh(pair, 0, late)?.step).toBe(3);
    expect(nextRefresh(pair, 5, late)).toBeNull();
    expect(pendingRetryAt(START, 0).getTime() - START.getTime()).toBe(15 * 60_000);
    expect(pendingRetryAt(START, 2).getTime() - START.getTime()).toBe(60 * 60_000);
    expect(pendingRetryAt(START, 10).getTime() - START.getTime()).toBe(6 * HOUR);
  });
});

describe.each(testBackends())("the analytics refresh on %s", (backend) => {
  let t: TestDb;
  let deps: AnalyticsDeps;
  beforeAll(async () => {
    t = await createTestDb(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    fake.reset();
    for (const table of [
      "scheduled_posts",
      "post_metric_snapshots",
      "post_analytics_targets",
      "zernio_analytics_state",
      "zernio_analytics_requests",
    ] as const) {
      await t.db.deleteFrom(table).execute();
    }
    deps = { db: t.db, zernio, now, callsPerMinute: 20, logger: () => {} };
  });

  /** Publishes through the fake Zernio and writes our row as the posting job would. */
  async function published(userId: string, platforms: string[], key: string) {
    await ensureUserRow(t.db, userId);
    const created = await zernio.createPost({
      requestId: key,
      content: `Post ${key}`,
      mediaItems: [{ type: "image", url: "https://media.zernio.mock/x.png" }],
      platforms: platforms.map((p) => ({ platform: p, accountId: `acc_${p}_1` })),
      publishNow: true,
    });
    const asset = await insertMediaAsset(t.db, {
      user_id: userId,
      provider: "openai",
      type: "image",
      model: "gpt-image-2",
      prompt: "p",
      status: "succeeded",
    });
    const ours = (p: string) => (p === "twitter" ? "x" : p);
    return t.db
      .insertInto("scheduled_posts")
      .values({
        asset_id: asset.id,
        user_id: userId,
        status: "published",
        idempotency_key: key,
        targets: JSON.stringify(
          platforms.map((p) => ({ platform: ours(p), accountId: `acc_${p}_1` })),
        ),
        zernio_post_id: created.postId,
        completed_at: now(),
        results: JSON.stringify(
          platforms.map((p) => ({
            platform: ours(p),
            accountId: `acc_${p}_1`,
            status: "published",
            url: null,
            publishedAt: now().toISOString(),
            errorMessage: null,
            errorCategory: null,
          })),
        ),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  const targetsOf = (post: ScheduledPost) =>
    t.db
      .selectFrom("post_analytics_targets")
      .selectAll()
      .where("post_id", "=", post.id)
      .orderBy("platform")
      .execute();
  const analyticsCalls = () => fake.requestsTo("analytics.get").length;

  it("reads each step once, for every platform in one call, and follows the decay", async () => {
    const post = await published("u-decay", ["instagram", "twitter"], `decay-${backend}`);
    const first = await runAnalyticsTick(deps);
    expect(first).toMatchObject({ adopted: 2, calls: 0 });
    // Nothing due yet: Zernio is not asked anything, not even about access.
    expect(fake.requestsTo("accounts.list")).toHaveLength(0);
    fake.clock.advance(HOUR + 6 * 60_000);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, snapshots: 2 });
    expect(fake.requestsTo("accounts.list")).toHaveLength(1);
    // Re-running the tick (a retried job) reads and writes nothing more.
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 0, snapshots: 0 });
    const targets = await targetsOf(post);
    for (const target of targets) {
      expect(target.step).toBe(1);
      expect(target.next_refresh_at).toEqual(
        refreshDueAt(
          { postId: post.id, platform: target.platform, publishedAt: target.published_at },
          1,
        ),
      );
    }
    fake.clock.advance(5 * HOUR + 34 * 60_000);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, snapshots: 2 });
    const rows = await snapshotsOf(t.db, { userId: "u-decay", postIds: [post.id] });
    expect(rows.map((r) => [r.platform, r.slot])).toEqual([
      ["instagram", 0],
      ["instagram", 1],
      ["x", 0],
      ["x", 1],
    ]);
    // The fake's figures grow with time: the 6 h snapshot has more views than the 1 h one.
    expect(rows[1]?.views).toBeGreaterThan(rows[0]?.views ?? 0);
    expect(rows[0]?.extras).toHaveProperty("follows");
    // Thirty days on, the steps that passed are skipped: one more read, then the schedule ends.
    fake.clock.advance(31 * 24 * HOUR);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, snapshots: 2 });
    expect((await targetsOf(post)).map((x) => x.status)).toEqual(["done", "done"]);
  });

  it("202: tries again later, backing off, then stores the figures", async () => {
    fake.analytics.setSyncDelay(2 * HOUR);
    const post = await published("u-pending", ["tiktok"], `pending-${backend}`);
    await runAnalyticsTick(deps);
    fake.clock.advance(HOUR + 6 * 60_000);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, pending: 1, snapshots: 0 });
    let [target] = await targetsOf(post);
    expect(target).toMatchObject({ pending_count: 1, status: "active", step: 0 });
    expect(target?.next_refresh_at).toEqual(pendingRetryAt(now(), 0));
    fake.clock.advance(15 * 60_000);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, pending: 1 });
    [target] = await targetsOf(post);
    expect(target?.pending_count).toBe(2);
    expect(target?.next_refresh_at).toEqual(pendingRetryAt(now(), 1));
    fake.clock.advance(HOUR);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, snapshots: 1 });
    [target] = await targetsOf(post);
    expect(target).toMatchObject({ pending_count: 0, step: 1 });
  });

  it("424: marks the post's pairs failed and never reads them again", async () => {
    fake.failPublishing("youtube");
    const post = await published("u-failed", ["youtube"], `failed-${backend}`);
    await runAnalyticsTick(deps);
    fake.clock.advance(2 * HOUR);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, failed: 1 });
    expect((await targetsOf(post))[0]).toMatchObject({ status: "failed", next_refresh_at: null });
    fake.clock.advance(10 * 24 * HOUR);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 0 });
    expect(analyticsCalls()).toBe(1);
  });

  it("no analytics access: asks GET /v1/accounts once, makes no analytics call, re-checks daily", async () => {
    fake.analytics.setAccess(false);
    await published("u-noaccess", ["instagram"], `noaccess-${backend}`);
    fake.clock.advance(2 * HOUR);
    expect(await runAnalyticsTick(deps)).toMatchObject({ skipped: "no_access", calls: 0 });
    fake.clock.advance(HOUR);
    expect(await runAnalyticsTick(deps)).toMatchObject({ skipped: "no_access", calls: 0 });
    expect(fake.requestsTo("accounts.list")).toHaveLength(1);
    expect(analyticsCalls()).toBe(0);
    const state = await t.db.selectFrom("zernio_analytics_state").selectAll().executeTakeFirst();
    expect(state?.has_access).toBe(false);
    // The add-on is bought: the next daily check finds it and the overdue post is read.
    fake.analytics.setAccess(true);
    fake.clock.advance(24 * HOUR);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, snapshots: 1 });
    expect(fake.requestsTo("accounts.list")).toHaveLength(2);
  });

  it("keeps within the shared budget and spreads the calls across users", async () => {
    deps = { ...deps, callsPerMinute: 3 };
    const heavy: ScheduledPost[] = [];
    for (let i = 0; i < 4; i++)
      heavy.push(await published("u-heavy", ["instagram"], `h${i}-${backend}`));
    const light = await published("u-light", ["threads"], `light-${backend}`);
    fake.clock.advance(2 * HOUR);
    // The access check takes one of the three calls of this minute.
    const tick = await runAnalyticsTick(deps);
    expect(tick).toMatchObject({ calls: 2, snapshots: 2 });
    const read = fake.requestsTo("analytics.get").map((r) => r.query.postId);
    expect(read).toContain(light.zernio_post_id);
    expect(read.filter((id) => heavy.some((h) => h.zernio_post_id === id))).toHaveLength(1);
    // The budget of this minute is spent: the next tick reads nothing and leaves them due.
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 0, released: 3 });
    expect(analyticsCalls()).toBe(2);
    const due = await t.db
      .selectFrom("post_analytics_targets")
      .select("post_id")
      .where("next_refresh_at", "<=", now())
      .where("status", "=", "active")
      .execute();
    expect(due).toHaveLength(3);
  });

  it("429 from Zernio pauses every read until its reset", async () => {
    const post = await published("u-429", ["instagram"], `rate-${backend}`);
    fake.clock.advance(2 * HOUR);
    const reset = new Date(Date.now() + 120_000);
    fake.failNext("analytics.get", { status: 429, headers: rateLimitHeaders(reset) }, 3);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, snapshots: 0 });
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 0 });
    const state = await t.db.selectFrom("zernio_analytics_state").selectAll().executeTakeFirst();
    // Zernio's reset (X-RateLimit-Reset, or Retry-After if later), to the second.
    expect(state?.paused_until?.getTime()).toBeGreaterThanOrEqual(reset.getTime() - 1000);
    // Even a pair that is due meanwhile waits for the reset.
    await t.db.updateTable("post_analytics_targets").set({ next_refresh_at: now() }).execute();
    expect(await runAnalyticsTick(deps)).toMatchObject({ skipped: "paused", calls: 0 });
    expect(analyticsCalls()).toBe(1);
    expect((await targetsOf(post))[0]?.status).toBe("active");
  });

  it("a pair deleted on the network is never read again", async () => {
    const post = await published("u-deleted", ["instagram", "tiktok"], `deleted-${backend}`);
    await runAnalyticsTick(deps);
    await stopTargets(t.db, { postId: post.id, platform: "instagram", status: "deleted" });
    fake.clock.advance(2 * HOUR);
    expect(await runAnalyticsTick(deps)).toMatchObject({ calls: 1, snapshots: 1 });
    const rows = await snapshotsOf(t.db, { userId: "u-deleted", postIds: [post.id] });
    expect(rows.map((r) => r.platform)).toEqual(["tiktok"]);
  });
});
