// Snapshot storage (PGlite and PostgreSQL): a slot is written once whatever re-runs it (a retried
// job, a crash after the write, two workers at once); a deleted pair stays deleted and is never
// claimed; claims are fair across users and leased; the shared call budget holds.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertMediaAsset } from "./queries/media-assets";
import {
  claimDueTargets,
  findUntrackedPublished,
  insertSnapshot,
  recordSnapshot,
  reserveAnalyticsCalls,
  snapshotsOf,
  stopTargets,
  trackPublishedPlatform,
} from "./queries/post-analytics";
import { insightRows } from "./queries/post-insights";
import { ensureUserRow } from "./queries/users";
import { createTestDb, type TestDb, testBackends } from "./testing";

const FIGURES = {
  impressions: 1000,
  reach: 800,
  views: 900,
  likes: 40,
  comments: 5,
  shares: 3,
  saves: 2,
  clicks: 7,
  engagementRate: 5,
  extras: { follows: 4 },
};

async function publishedPost(
  t: TestDb,
  userId: string,
  platforms: string[],
  at = new Date("2026-12-01T10:00:00Z"),
) {
  await ensureUserRow(t.db, userId);
  const asset = await insertMediaAsset(t.db, {
    user_id: userId,
    provider: "openai",
    type: "image",
    model: "gpt-image-2",
    prompt: "p",
    status: "succeeded",
  });
  return t.db
    .insertInto("scheduled_posts")
    .values({
      asset_id: asset.id,
      user_id: userId,
      status: "published",
      idempotency_key: `${userId}-${Math.random()}`,
      targets: JSON.stringify(platforms.map((p) => ({ platform: p, accountId: `acc_${p}` }))),
      zernio_post_id: `z_${Math.random().toString(36).slice(2)}`,
      completed_at: at,
      results: JSON.stringify(
        platforms.map((p) => ({
          platform: p,
          accountId: `acc_${p}`,
          status: "published",
          url: null,
          publishedAt: at.toISOString(),
          errorMessage: null,
          errorCategory: null,
        })),
      ),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

describe.each(testBackends())("post analytics storage on %s", (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("adopts published pairs once, and writes each slot once under re-runs", async () => {
    const post = await publishedPost(t, "u-store", ["instagram", "x"]);
    const since = new Date("2026-11-01T00:00:00Z");
    const found = await findUntrackedPublished(t.db, { since, limit: 10 });
    expect(found.filter((f) => f.postId === post.id).map((f) => f.platform)).toEqual([
      "instagram",
      "x",
    ]);
    for (const pair of found) {
      const firstRefreshAt = new Date(pair.publishedAt.getTime() + 3_600_000);
      expect(await trackPublishedPlatform(t.db, { ...pair, firstRefreshAt })).toBe(true);
      expect(await trackPublishedPlatform(t.db, { ...pair, firstRefreshAt })).toBe(false);
    }
    expect(await findUntrackedPublished(t.db, { since, limit: 10 })).toEqual([]);

    const write = () =>
      recordSnapshot(t.db, {
        postId: post.id,
        platform: "instagram",
        userId: "u-store",
        slot: 0,
        figures: FIGURES,
        next: { step: 1, at: new Date("2026-12-01T16:00:00Z") },
      });
    // Two workers at once, then a retry after a "crash" that did commit: one row.
    const results = await Promise.all([write(), write()]);
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect((await write()).inserted).toBe(false);
    const rows = await snapshotsOf(t.db, { userId: "u-store", postIds: [post.id] });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ slot: 0, impressions: 1000, engagement_rate: 5 });
    expect(rows[0]?.extras).toEqual({ follows: 4 });
    // Another user's reads never see them.
    expect(await snapshotsOf(t.db, { userId: "someone-else", postIds: [post.id] })).toEqual([]);
    const target = await t.db
      .selectFrom("post_analytics_targets")
      .selectAll()
      .where("post_id", "=", post.id)
      .where("platform", "=", "instagram")
      .executeTakeFirstOrThrow();
    expect(target).toMatchObject({ step: 1, status: "active" });
  });

  it("keeps each pair's latest figures at its highest slot under retries, stale writers and crashes", async () => {
    const post = await publishedPost(t, "u-latest", ["instagram", "x"]);
    for (const platform of ["instagram", "x"]) {
      await trackPublishedPlatform(t.db, {
        postId: post.id,
        userId: "u-latest",
        platform,
        accountId: `acc_${platform}`,
        publishedAt: new Date("2026-12-01T10:00:00Z"),
        firstRefreshAt: new Date("2026-12-01T11:00:00Z"),
      });
    }
    const pair = { postId: post.id, platform: "instagram", userId: "u-latest" };
    const latest = async () =>
      t.db
        .selectFrom("post_analytics_targets")
        .select(["latest_slot", "latest_likes", "latest_views", "latest_engagement_rate"])
        .where("post_id", "=", post.id)
        .where("platform", "=", "instagram")
        .executeTakeFirstOrThrow();
    const figures = (likes: number) => ({ ...FIGURES, likes, views: likes * 10 });
    // Nothing read yet: no latest figures, and the pair is not in the insights.
    expect(await latest()).toMatchObject({ latest_slot: null, latest_likes: null });
    const range = { userId: "u-latest", from: new Date("2026-11-01"), to: new Date("2027-01-01") };
    expect(await insightRows(t.db, range)).toEqual([]);

    expect(await insertSnapshot(t.db, { ...pair, slot: 1, figures: figures(50) })).toBe(true);
    expect(await latest()).toMatchObject({ latest_slot: 1, latest_likes: 50 });
    // A stale worker writes an earlier slot afterwards: stored, but the latest stays slot 1.
    expect(await insertSnapshot(t.db, { ...pair, slot: 0, figures: figures(10) })).toBe(true);
    expect(await latest()).toMatchObject({ latest_slot: 1, latest_likes: 50 });
    // A retried / doubled write of slot 1 with other figures: nothing changes.
    const twice = await Promise.all([
      insertSnapshot(t.db, { ...pair, slot: 1, figures: figures(99) }),
      recordSnapshot(t.db, { ...pair, slot: 1, figures: figures(99), next: null }),
    ]);
    expect(twice[0] || twice[1].inserted).toBe(false);
    expect(await latest()).toMatchObject({ latest_slot: 1, latest_likes: 50 });

    // A crash before the transaction commits: neither the snapshot nor the latest figures.
    await expect(
      t.db.transaction().execute(async (tx) => {
        await insertSnapshot(tx, { ...pair, slot: 2, figures: figures(70) });
        throw new Error("worker died");
      }),
    ).rejects.toThrow("worker died");
    expect(await latest()).toMatchObject({ latest_slot: 1, latest_likes: 50 });
    expect(await insertSnapshot(t.db, { ...pair, slot: 2, figures: figures(70) })).toBe(true);
    expect(await latest()).toMatchObject({ latest_slot: 2, latest_likes: 70, latest_views: 700 });

    // A snapshot stored without its latest figures (a crash between the two writes of an older
    // build, or a row from before the migration): the retry of that slot mends them from the row.
    await sql`insert into post_metric_snapshots (post_id, platform, user_id, slot, likes, views,
      engagement_rate) values (${post.id}, 'instagram', 'u-latest', 3, 80, 800, 6.5)`.execute(t.db);
    expect(await latest()).toMatchObject({ latest_slot: 2, latest_likes: 70 });
    expect(await insertSnapshot(t.db, { ...pair, slot: 3, figures: figures(1) })).toBe(false);
    expect(await latest()).toMatchObject({ latest_slot: 3, latest_likes: 80, latest_views: 800 });

    // The insights read exactly the highest slot of each pair, as a DISTINCT ON over every
    // snapshot does.
    await insertSnapshot(t.db, { ...pair, platform: "x", slot: 0, figures: figures(5) });
    const { rows: expected } = await sql<{ platform: string; slot: number; likes: string }>`
      select distinct on (platform) platform, slot, likes from post_metric_snapshots
      where post_id = ${post.id} order by platform, slot desc`.execute(t.db);
    const rows = await insightRows(t.db, range);
    expect(rows.map((r) => ({ platform: r.platform, slot: r.slot, likes: r.likes }))).toEqual(
      expected.map((e) => ({ platform: e.platform, slot: Number(e.slot), likes: Number(e.likes) })),
    );
    expect(rows[0]).toMatchObject({ engagementRate: 6.5, views: 800, model: "gpt-image-2" });
  });

  it("claims fairly across users, leases what it claims, and never claims a deleted pair", async () => {
    const now = new Date("2026-12-03T00:00:00Z");
    await t.db.updateTable("post_analytics_targets").set({ status: "done" }).execute();
    const heavy = await Promise.all(
      Array.from({ length: 4 }, () => publishedPost(t, "u-heavy", ["tiktok"])),
    );
    const light = await publishedPost(t, "u-light", ["tiktok"]);
    const gone = await publishedPost(t, "u-light", ["youtube"]);
    for (const post of [...heavy, light, gone]) {
      await trackPublishedPlatform(t.db, {
        postId: post.id,
        userId: post.user_id,
        platform: post.id === gone.id ? "youtube" : "tiktok",
        accountId: null,
        publishedAt: new Date("2026-12-01T10:00:00Z"),
        firstRefreshAt: new Date("2026-12-01T11:00:00Z"),
      });
    }
    expect(
      await stopTargets(t.db, { postId: gone.id, platform: "youtube", status: "deleted" }),
    ).toBe(1);
    // A later 424 does not turn a deleted pair into a failed one.
    expect(await stopTargets(t.db, { postId: gone.id, status: "failed" })).toBe(0);
    const ids = new Set([...heavy, light, gone].map((p) => p.id));
    const first = (await claimDueTargets(t.db, { now, limit: 2, leaseMs: 600_000 })).filter((c) =>
      ids.has(c.post_id),
    );
    expect(first.map((c) => c.user_id).sort()).toEqual(["u-heavy", "u-light"]);
    expect(first.every((c) => c.zernio_post_id?.startsWith("z_"))).toBe(true);
    const rest = (await claimDueTargets(t.db, { now, limit: 50, leaseMs: 600_000 })).filter((c) =>
      ids.has(c.post_id),
    );
    expect(rest).toHaveLength(3);
    expect(rest.some((c) => c.post_id === gone.id)).toBe(false);
    // Leased: nothing more until the lease ends, then the unfinished ones are due again.
    expect(
      (await claimDueTargets(t.db, { now, limit: 50, leaseMs: 600_000 })).filter((c) =>
        ids.has(c.post_id),
      ),
    ).toHaveLength(0);
    const later = new Date(now.getTime() + 600_001);
    expect(
      (await claimDueTargets(t.db, { now: later, limit: 50, leaseMs: 600_000 })).filter((c) =>
        ids.has(c.post_id),
      ),
    ).toHaveLength(5);
  });

  it("grants at most the shared budget per window, even to concurrent callers", async () => {
    const grants = await Promise.all(
      Array.from({ length: 4 }, () =>
        reserveAnalyticsCalls(t.db, { wanted: 10, max: 25, windowSeconds: 60 }),
      ),
    );
    expect(grants.reduce((a, b) => a + b, 0)).toBe(25);
    expect(await reserveAnalyticsCalls(t.db, { wanted: 1, max: 25, windowSeconds: 60 })).toBe(0);
  });
});
