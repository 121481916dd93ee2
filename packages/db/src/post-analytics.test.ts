// Snapshot storage (PGlite and PostgreSQL): a slot is written once whatever re-runs it (a retried
// job, a crash after the write, two workers at once); a deleted pair stays deleted and is never
// claimed; claims are fair across users and leased; the shared call budget holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertMediaAsset } from "./queries/media-assets";
import {
  claimDueTargets,
  findUntrackedPublished,
  recordSnapshot,
  reserveAnalyticsCalls,
  snapshotsOf,
  stopTargets,
  trackPublishedPlatform,
} from "./queries/post-analytics";
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
