// The analytics client against the fake Zernio: 200, 202 (pending), 424 (every platform failed),
// 404 (not published), 402 (no add-on), the list form and its rules, hasAnalyticsAccess.

import { createZernioFake, ZERNIO_MOCK_API_KEY } from "@streamline/fakes/zernio";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { analyticsListProblem, toPostMetrics } from "./analytics";
import { createZernio } from "./zernio";

const START = new Date("2026-12-01T08:00:00Z");
const fake = createZernioFake({ startAt: START, publishDurationMs: 1_000 });
const server = setupServer(...fake.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  fake.reset();
  server.resetHandlers();
});
afterAll(() => server.close());

const zernio = () =>
  createZernio({
    apiKey: ZERNIO_MOCK_API_KEY,
    baseURL: fake.baseURL,
    timeoutMs: 500,
    retry: { sleep: async () => {}, random: () => 0.5 },
  });

async function publish(requestId: string, platforms = ["instagram", "twitter"]) {
  const created = await zernio().createPost({
    requestId,
    content: `Post ${requestId}`,
    mediaItems: [{ type: "image", url: "https://media.zernio.mock/x.png" }],
    platforms: platforms.map((p) => ({ platform: p, accountId: `acc_${p}_1` })),
    publishNow: true,
  });
  return created.postId;
}

describe("GET /v1/analytics?postId=", () => {
  it("reads per-platform figures with Zernio's engagement rate and the extras", async () => {
    const id = await publish("a1");
    fake.analytics.setMetrics(id, "instagram", {
      impressions: 1000,
      reach: 800,
      views: 900,
      likes: 40,
      comments: 5,
      shares: 3,
      saves: 2,
      clicks: 7,
      follows: 4,
    });
    const result = await zernio().postAnalytics(id);
    expect(result.kind).toBe("ready");
    if (result.kind !== "ready") return;
    const ig = result.platforms.find((p) => p.platform === "instagram");
    expect(ig?.syncStatus).toBe("synced");
    expect(ig?.accountId).toBe("acc_instagram_1");
    expect(ig?.metrics).toMatchObject({ impressions: 1000, likes: 40, engagementRate: 5 });
    expect(ig?.metrics?.extras).toMatchObject({ follows: 4 });
    expect(result.platforms.map((p) => p.platform).sort()).toEqual(["instagram", "twitter"]);
    expect(fake.requestsTo("analytics.get")[0]?.query).toEqual({ postId: id });
  });

  it("answers 202 while every platform's sync is pending, then figures", async () => {
    fake.analytics.setSyncDelay(60 * 60_000);
    const id = await publish("a2");
    const pending = await zernio().postAnalytics(id);
    expect(pending.kind).toBe("pending");
    expect(pending.kind === "pending" && pending.platforms.every((p) => p.metrics === null)).toBe(
      true,
    );
    fake.clock.advance(61 * 60_000);
    const ready = await zernio().postAnalytics(id);
    expect(ready.kind).toBe("ready");
  });

  it("answers 424 when every platform failed, 404 before publishing, 402 without the add-on", async () => {
    fake.failPublishing("instagram");
    fake.failPublishing("twitter");
    const failedId = await publish("a3");
    const failed = await zernio().postAnalytics(failedId);
    expect(failed.kind).toBe("failed");
    expect(failed.kind === "failed" && failed.platforms.length).toBe(2);
    expect(await zernio().postAnalytics("nope")).toEqual({ kind: "not_found", postId: "nope" });
    fake.analytics.setAccess(false);
    expect((await zernio().postAnalytics(failedId)).kind).toBe("no_access");
    expect(await zernio().listAnalytics()).toEqual({ kind: "no_access" });
    expect(await zernio().analyticsAccess()).toBe(false);
    fake.analytics.setAccess(true);
    expect(await zernio().analyticsAccess()).toBe(true);
  });

  it("accepts a platform entry's external id", async () => {
    const id = await publish("a4", ["tiktok"]);
    fake.clock.advance(24 * 3_600_000);
    const external = fake.getPost(id)?.platforms[0] as { platformPostId?: string };
    const result = await zernio().postAnalytics(external.platformPostId ?? "");
    expect(result.kind).toBe("ready");
    const tiktok = result.kind === "ready" ? result.platforms[0] : undefined;
    expect(tiktok?.metrics?.views).toBeGreaterThan(0);
    expect(tiktok?.metrics?.extras).toHaveProperty("completionRate");
  });
});

describe("the list form", () => {
  it("filters by platform, sorts by a metric and pages", async () => {
    const a = await publish("l1", ["instagram"]);
    const b = await publish("l2", ["instagram", "twitter"]);
    fake.analytics.setMetrics(a, "instagram", { views: 10, impressions: 10, likes: 1 });
    fake.analytics.setMetrics(b, "instagram", { views: 50, impressions: 50, likes: 1 });
    const page = await zernio().listAnalytics({
      platform: "instagram",
      sortBy: "views",
      order: "desc",
      limit: 1,
    });
    expect(page.kind).toBe("ok");
    if (page.kind !== "ok") return;
    expect(page.posts.map((p) => p.zernioPostId)).toEqual([b]);
    expect(page).toMatchObject({ page: 1, pages: 2, total: 2, hasAnalyticsAccess: true });
    const second = await zernio().listAnalytics({
      platform: "instagram",
      sortBy: "views",
      order: "desc",
      limit: 1,
      page: 2,
    });
    expect(second.kind === "ok" && second.posts[0]?.zernioPostId).toBe(a);
  });

  it("refuses what Zernio refuses before sending it", async () => {
    expect(analyticsListProblem({ fromDate: "2026-01-01", toDate: "2027-06-01" })).toMatch(/366/);
    expect(analyticsListProblem({ limit: 101 })).toMatch(/100/);
    expect(analyticsListProblem({ fromDate: "01/02/2026" })).toMatch(/YYYY-MM-DD/);
    expect(analyticsListProblem({ fromDate: "2026-02-01", toDate: "2026-01-01" })).toMatch(/after/);
    await expect(zernio().listAnalytics({ limit: 500 })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    expect(fake.requestsTo("analytics.get")).toHaveLength(0);
  });
});

describe("toPostMetrics", () => {
  it("keeps the core figures, 0 for missing ones, and the rest as extras", () => {
    expect(
      toPostMetrics({ likes: 3, engagementRate: 1.5, igReelsAvgWatchTime: 2100, follows: null }),
    ).toEqual({
      impressions: 0,
      reach: 0,
      views: 0,
      likes: 3,
      comments: 0,
      shares: 0,
      saves: 0,
      clicks: 0,
      engagementRate: 1.5,
      extras: { igReelsAvgWatchTime: 2100, follows: null },
    });
    expect(toPostMetrics(null)).toBeNull();
  });
});
