// analytics.* through the caller (PGlite, and PostgreSQL when TEST_DATABASE_URL is set): figures of
// a post / an asset with sparkline series, insights with fixed data and known verdicts, the CSV
// export, the access flag said once, and the post.platform.deleted webhook.
import { createHmac } from "node:crypto";
import {
  type MediaAsset,
  recordSnapshot,
  type SnapshotFigures,
  trackPublishedPlatform,
  writeAnalyticsState,
} from "@streamline/db";
import { testBackends } from "@streamline/db/testing";
import type { ZernioClient } from "@streamline/social";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleZernioWebhook } from "../social/webhook";
import { createTestApi, type TestApi, useTestApi } from "../testing/context";
import { refusalOf } from "../testing/refusal";

const HOUR = 3_600_000;

function figures(views: number, engagementRate: number): SnapshotFigures {
  const impressions = Math.round(views * 1.25);
  const likes = Math.round((impressions * engagementRate) / 100);
  return {
    impressions,
    reach: Math.round(views * 0.8),
    views,
    likes,
    comments: 0,
    shares: 0,
    saves: 0,
    clicks: 1,
    engagementRate,
    extras: { follows: 1 },
  };
}

async function publishedPost(
  api: TestApi,
  asset: MediaAsset,
  platforms: string[],
  options: { at?: Date; tone?: string; captionText?: string; zernioId?: string } = {},
) {
  const at = options.at ?? new Date("2026-12-01T18:30:00Z");
  const captions: Record<string, { captionId: string; text: string; title: null }> = {};
  for (const platform of platforms) {
    const caption = await api.handle.db
      .insertInto("captions")
      .values({
        asset_id: asset.id,
        user_id: asset.user_id,
        platform,
        text: options.captionText ?? "Short caption",
        source: "ai",
        tone: options.tone ?? "playful",
        length: (options.captionText ?? "Short caption").length,
        limit: 2200,
        over_limit: false,
        hashtags: [],
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    captions[platform] = {
      captionId: caption.id,
      text: options.captionText ?? "Short caption",
      title: null,
    };
  }
  const post = await api.handle.db
    .insertInto("scheduled_posts")
    .values({
      asset_id: asset.id,
      user_id: asset.user_id,
      status: "published",
      idempotency_key: `k-${Math.random().toString(36).slice(2)}`,
      targets: JSON.stringify(
        platforms.map((p) => ({ platform: p, accountId: `acc_${p}`, handle: `@${p}_me` })),
      ),
      captions: JSON.stringify(captions),
      zernio_post_id: options.zernioId ?? `z_${Math.random().toString(36).slice(2)}`,
      timezone: "Europe/Berlin",
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
  for (const platform of platforms) {
    await trackPublishedPlatform(api.handle.db, {
      postId: post.id,
      userId: asset.user_id,
      platform,
      accountId: `acc_${platform}`,
      publishedAt: at,
      firstRefreshAt: new Date(at.getTime() + HOUR),
    });
  }
  return post;
}

async function snapshot(
  api: TestApi,
  post: { id: string; user_id: string },
  platform: string,
  slot: number,
  f: SnapshotFigures,
) {
  await recordSnapshot(api.handle.db, {
    postId: post.id,
    platform,
    userId: post.user_id,
    slot,
    figures: f,
    takenAt: new Date(Date.UTC(2026, 11, 1, 19 + slot)),
    next: { step: slot + 1, at: new Date(Date.UTC(2026, 11, 9)) },
  });
}

describe.each(testBackends())("analytics procedures (%s)", (backend) => {
  const api = useTestApi(backend);

  it("post: latest figures per platform, a sparkline series, totals; NOT_FOUND for others", async () => {
    const asset = await api.insertAsset("an-alice");
    const post = await publishedPost(api, asset, ["instagram", "x"]);
    await snapshot(api, post, "instagram", 0, figures(100, 4));
    await snapshot(api, post, "instagram", 1, figures(400, 5));
    await snapshot(api, post, "x", 0, figures(50, 2));
    const alice = await api.as("an-alice");
    const result = await alice.analytics.post({ postId: post.id });
    const ig = result.platforms.find((p) => p.platform === "instagram");
    expect(ig?.status).toBe("active");
    expect(ig?.latest).toMatchObject({
      views: 400,
      engagementRate: 5,
      slot: 1,
      extras: { follows: 1 },
    });
    expect(ig?.series.map((s) => [s.label, s.views])).toEqual([
      ["1h", 100],
      ["6h", 400],
    ]);
    // Totals: sums, and the rate over the summed impressions (500 + 63 = 563; likes 25 + 1).
    expect(result.totals).toMatchObject({ views: 450, impressions: 563, likes: 26 });
    expect(result.totals?.engagementRate).toBeCloseTo((26 / 563) * 100, 2);
    const bob = await api.as("an-bob");
    expect((await refusalOf(bob.analytics.post({ postId: post.id }))).code).toBe("NOT_FOUND");
    expect(await refusalOf(bob.analytics.post({ postId: "nope" }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: { postId: [expect.any(String)] },
    });
    // posts: many at once (the posts page); another user's ids are left out.
    expect((await bob.analytics.posts({ postIds: [post.id] })).posts).toEqual([]);
    const many = await alice.analytics.posts({ postIds: [post.id, post.id] });
    expect(many.posts.map((p) => p.postId)).toEqual([post.id]);
    const tooMany = Array.from({ length: 101 }, () => post.id);
    expect((await refusalOf(alice.analytics.posts({ postIds: tooMany }))).fields).toHaveProperty(
      "postIds",
    );
  });

  it("asset: every post of the asset, totals and a series per step", async () => {
    const asset = await api.insertAsset("an-carol");
    const a = await publishedPost(api, asset, ["tiktok"]);
    const b = await publishedPost(api, asset, ["instagram"]);
    await snapshot(api, a, "tiktok", 0, figures(100, 10));
    await snapshot(api, b, "instagram", 0, figures(300, 2));
    await snapshot(api, b, "instagram", 1, figures(900, 2));
    const carol = await api.as("an-carol");
    const result = await carol.analytics.asset({ assetId: asset.id });
    expect(result.posts).toHaveLength(2);
    expect(result.totals).toMatchObject({ views: 1000 });
    expect(result.series).toEqual([
      { slot: 0, label: "1h", views: 400, likes: 13 + 8, pairs: 2 },
      { slot: 1, label: "6h", views: 900, likes: 23, pairs: 1 },
    ]);
    const dave = await api.as("an-dave");
    expect((await refusalOf(dave.analytics.asset({ assetId: asset.id }))).code).toBe("NOT_FOUND");
  });

  it("insights: a real difference says so in a sentence; too few posts and no difference say so too", async () => {
    const user = "an-erin";
    const vertical = await api.insertAsset(user, {
      type: "video",
      model: "sora-2",
      width: 1080,
      height: 1920,
    });
    const square = await api.insertAsset(user, { width: 1024, height: 1024 });
    const high = [4.1, 3.8, 5.2, 4.6, 6.0, 3.9, 4.4, 5.5, 4.9, 5.1];
    const low = [1.9, 2.2, 1.7, 2.5, 2.0, 1.8, 2.4, 2.1];
    for (const [i, rate] of high.entries()) {
      const post = await publishedPost(api, vertical, ["instagram"], {
        at: new Date(Date.UTC(2026, 10, 2 + i, 17)),
        tone: i % 2 ? "playful" : "calm",
      });
      await snapshot(api, post, "instagram", 0, figures(1000, rate));
    }
    for (const [i, rate] of low.entries()) {
      const post = await publishedPost(api, square, ["instagram"], {
        at: new Date(Date.UTC(2026, 10, 2 + i, 17)),
        tone: i % 2 ? "playful" : "calm",
      });
      await snapshot(api, post, "instagram", 0, figures(1000, rate));
    }
    const erin = await api.as(user);
    const result = await erin.analytics.insights({ from: "2026-11-01", to: "2026-11-30" });
    expect(result).toMatchObject({ pairs: 18, posts: 18, minSample: 8, metric: "engagementRate" });
    const format = result.dimensions.find((d) => d.key === "aspectRatio");
    expect(format?.groups.map((g) => [g.value, g.n])).toEqual([
      ["9:16", 10],
      ["1:1", 8],
    ]);
    expect(format?.verdict.verdict).toBe("real_difference");
    // "Make more like this" from an insight: each group names its best post's asset.
    expect(format?.groups.map((g) => g.bestAssetId)).toEqual([vertical.id, square.id]);
    // The top posts, one per asset, best first (6.0 % is the best vertical, 2.5 % the best square).
    expect(result.top.map((t) => [t.assetId, t.value, t.aspectRatio])).toEqual([
      [vertical.id, 6, "9:16"],
      [square.id, 2.5, "1:1"],
    ]);
    expect(format?.sentence).toBe("9:16: median engagement 2.3× your 1:1 (10 vs 8 posts)");
    expect(result.dimensions.find((d) => d.key === "mediaType")?.sentence).toBe(
      "videos: median engagement 2.3× your images (10 vs 8 posts)",
    );
    // One platform only: nothing to compare.
    expect(result.dimensions.find((d) => d.key === "platform")?.verdict).toEqual({
      verdict: "not_enough_data",
      minSample: 8,
      groupsWithEnough: 1,
    });
    // Tone alternates within both formats: 9 vs 9, no real difference, no sentence.
    const tone = result.dimensions.find((d) => d.key === "captionTone");
    expect(tone?.verdict.verdict).toBe("no_real_difference");
    expect(tone?.sentence).toBeNull();
    // Posting hour in the post's time zone: 17:00 UTC is 18:00 in Berlin in November.
    expect(result.dimensions.find((d) => d.key === "postingHour")?.groups[0]?.value).toBe("18:00");
    // Outside the range: nothing.
    expect((await erin.analytics.insights({ from: "2026-12-05" })).pairs).toBe(0);
    expect(
      await refusalOf(erin.analytics.insights({ from: "2026-11-30", to: "2026-11-01" })),
    ).toMatchObject({
      code: "BAD_REQUEST",
      fields: { from: [expect.any(String)] },
    });
    expect((await refusalOf(erin.analytics.insights({ keys: ["colour" as never] }))).code).toBe(
      "BAD_REQUEST",
    );
    // Another user's insights are their own.
    expect((await (await api.as("an-frank")).analytics.insights({})).pairs).toBe(0);
  });

  it("bestTimes: weekday × hour in the asked zone, the best hour as a queue slot, confident only beyond noise", async () => {
    const user = "an-hal";
    const asset = await api.insertAsset(user);
    const at = (day: number, hourUtc: number) => new Date(Date.UTC(2026, 9, day, hourUtc));
    // Tuesdays 17:00 UTC (18:00 in Berlin), Thursdays 08:00, Saturdays 12:00 (Oct 27 is a Tuesday).
    const plan: Array<[number, number, number[]]> = [
      [27, 17, [4.8, 5.1, 5.5, 4.9, 5.2]],
      [29, 8, [1.9, 2.0, 2.1, 1.8, 2.2, 2.0]],
      [31, 12, [2.4, 2.5, 2.6, 2.3, 2.7, 2.5]],
    ];
    for (const [day, hour, rates] of plan) {
      for (const [week, rate] of rates.entries()) {
        const post = await publishedPost(api, asset, ["instagram"], {
          at: at(day + 7 * week, hour),
        });
        await snapshot(api, post, "instagram", 0, figures(1000, rate));
      }
    }
    const hal = await api.as(user);
    const range = { from: "2026-10-01", to: "2026-12-31" };
    const berlin = await hal.analytics.bestTimes({ ...range, timezone: "Europe/Berlin" });
    expect(berlin).toMatchObject({ pairs: 17, minPerCell: 3, overallMedian: 2.5, countedCells: 3 });
    // Saturday's median equals the overall median: not a suggestion. Tuesday's is, beyond noise.
    expect(berlin.suggestions).toHaveLength(1);
    expect(berlin.suggestions[0]).toMatchObject({
      weekday: 2,
      hour: 18,
      time: "18:00",
      n: 5,
      median: 5.1,
      confident: true,
    });
    expect(berlin.suggestions[0]?.ratio).toBeCloseTo(5.1 / 2.5, 5);
    expect(berlin.cells.map((c) => [c.weekday, c.hour, c.n])).toEqual([
      [2, 18, 5],
      [4, 9, 6],
      [6, 13, 6],
    ]);
    // The same posts planned in UTC: the hour moves with the zone.
    const utc = await hal.analytics.bestTimes({ ...range, timezone: "UTC" });
    expect(utc.suggestions[0]).toMatchObject({ weekday: 2, time: "17:00" });
    // Another account has no posts; two posts in a cell are too few to count.
    expect(
      (await hal.analytics.bestTimes({ ...range, timezone: "UTC", accountId: "acc_x" })).pairs,
    ).toBe(0);
    const few = await hal.analytics.bestTimes({
      from: "2026-10-27",
      to: "2026-11-04",
      timezone: "UTC",
    });
    expect(few).toMatchObject({ countedCells: 0, suggestions: [] });
    expect(await refusalOf(hal.analytics.bestTimes({ timezone: "Mars/Olympus" }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: { timezone: [expect.any(String)] },
    });
  });

  it("exportCsv: one line per post and platform, quoted, formulas defused", async () => {
    const user = "an-gina";
    const asset = await api.insertAsset(user);
    const post = await publishedPost(api, asset, ["threads"], {
      at: new Date("2026-11-20T10:00:00Z"),
      tone: '=HYPERLINK("x")',
    });
    await snapshot(api, post, "threads", 0, figures(200, 3));
    const gina = await api.as(user);
    const result = await gina.analytics.exportCsv({ from: "2026-11-01", to: "2026-11-30" });
    expect(result.rows).toBe(1);
    expect(result.filename).toBe("streamline-insights-2026-11-01-to-2026-11-30.csv");
    const lines = result.csv.trimEnd().split("\r\n");
    expect(lines[0]?.split(",")).toContain("engagement_rate");
    expect(lines[1]).toContain(
      `${post.id},${asset.id},threads,'@threads_me,active,2026-11-20T10:00:00.000Z`,
    );
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe.each(testBackends())("analytics access and webhooks (%s)", (backend) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(backend);
    const social = api.deps.social;
    if (social) social.zernio = {} as ZernioClient;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it("says 'no analytics access' once per user, until dismissed", async () => {
    const harry = await api.as("an-harry");
    expect(await harry.analytics.access()).toMatchObject({
      configured: true,
      status: "unknown",
      showNotice: false,
    });
    await writeAnalyticsState(api.handle.db, { hasAccess: false, checkedAt: new Date() });
    expect(await harry.analytics.access()).toMatchObject({
      status: "unavailable",
      showNotice: true,
    });
    expect(await harry.analytics.dismissNotice()).toEqual({ ok: true });
    expect((await harry.analytics.access()).showNotice).toBe(false);
    expect((await (await api.as("an-ivy")).analytics.access()).showNotice).toBe(true);
    await writeAnalyticsState(api.handle.db, { hasAccess: true, checkedAt: new Date() });
    expect(await harry.analytics.access()).toMatchObject({
      status: "available",
      showNotice: false,
      message: null,
    });
  });

  it("post.platform.deleted marks the pair deleted (duplicates too) and it shows as such", async () => {
    const asset = await api.insertAsset("an-jo");
    const post = await publishedPost(api, asset, ["x", "instagram"], {
      zernioId: "zernio-post-77",
    });
    await snapshot(api, post, "x", 0, figures(100, 3));
    const secret = "whsec_test";
    const body = JSON.stringify({
      id: "evt_deleted_1",
      event: "post.platform.deleted",
      post: { id: "zernio-post-77", status: "published", platforms: [] },
      platform: { name: "twitter", status: "deleted", deletedAt: "2026-12-02T09:00:00Z" },
      account: { accountId: "acc_x", platform: "twitter", username: "me" },
    });
    const rawBody = new TextEncoder().encode(body);
    const signature = createHmac("sha256", secret).update(rawBody).digest("hex");
    const deps = {
      db: api.handle.db,
      secret,
      posting: {
        db: api.handle.db,
        zernio: undefined,
        storage: api.storage,
        queue: { enqueueLater: async () => null },
      },
      logger: () => {},
    };
    expect((await handleZernioWebhook({ rawBody, signature }, deps)).status).toBe(200);
    const again = await handleZernioWebhook({ rawBody, signature }, deps);
    expect(again.body).toMatchObject({ duplicate: true });
    const jo = await api.as("an-jo");
    const result = await jo.analytics.post({ postId: post.id });
    const x = result.platforms.find((p) => p.platform === "x");
    expect(x).toMatchObject({
      status: "deleted",
      deletedAt: "2026-12-02T09:00:00.000Z",
      nextRefreshAt: null,
    });
    // Its snapshot is kept; the other platform is still followed.
    expect(x?.latest?.views).toBe(100);
    expect(result.platforms.find((p) => p.platform === "instagram")?.status).toBe("active");
  });
});
