// Post analytics and insights (issue 20) in Debian's Chromium against the real server and the
// Zernio fake: two images (3:2 and 1:1) posted 8 times each to Instagram "now" on the fake's clock,
// which is set two days back (so the first analytics read, 1 h after publishing, is due at once) →
// the fake's figures are set (the 3:2 posts ~3× the engagement) → the analytics tick reads them →
// the posts page and the studio's asset card show them → /insights compares the formats with a
// sentence, charts and the best posting times; CSV export → "Make more like this" fills the
// studio with the top post's model, size and prompt → post.platform.deleted shows "Deleted on
// Instagram". axe at 1280 and 390 px in each state. E2E_DOCS_SHOT=1 writes docs/insights.png
// (production build).
import { createHmac } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { http } from "msw";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditCount, auditPage, LAPTOP } from "./audit";
import { call, until } from "./page-api";
import {
  type BrowserStack,
  type ProviderMocks,
  startBrowserStack,
  startFakeZernio,
  WEB_MODES,
} from "./stack";
import { signUp } from "./steps";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, "../e2e-artifacts");
const DOCS_SHOT = path.resolve(HERE, "../../../docs/insights.png");
const WEBHOOK_SECRET = "whsec_e2e_insights";
const POSTS_EACH = 8;

async function startZernio() {
  // Before every GET /v1/analytics the test's figures are pinned on the fake (then the fake answers).
  const control = { beforeAnalytics: () => {} };
  const zernio = await startFakeZernio({
    sharedAccounts: true,
    // The fake's clock stands two days back: what it publishes now was published two days ago.
    fake: { startAt: Date.now() - 2 * 86_400_000 },
    before: (url) => [
      http.get(`${url}/v1/analytics`, () => {
        control.beforeAnalytics();
        return undefined;
      }),
    ],
  });
  return { ...zernio, control };
}

type ListedPost = {
  id: string;
  assetId: string;
  status: string;
  zernioPostId: string | null;
  captions: { instagram?: { text: string } };
};

/** Post i's figures: the 3:2 posts (even i) engage ~3× the 1:1 ones; 1,000 views each. */
function figuresOf(i: number) {
  const likes = (i % 2 === 0 ? 78 : 26) + (i % 3);
  return { impressions: 1300, reach: 800, views: 1000, likes };
}
const captionOf = (i: number) => `Gummies post ${i + 1}`;
const indexOf = (caption: string | undefined) =>
  Number(/Gummies post (\d+)/.exec(caption ?? "")?.[1]) - 1;

describe.each(WEB_MODES)("post analytics and insights (%s)", (mode) => {
  let s: BrowserStack<ProviderMocks, Awaited<ReturnType<typeof startZernio>>>;
  let page: Page;
  const artifacts = path.join(ARTIFACTS, `insights-${mode}`);
  const audited: AuditCount = { runs: 0, states: 0 };
  const assets = { tall: "", square: "" };
  let posts: ListedPost[] = [];

  beforeAll(async () => {
    s = await startBrowserStack({
      mode,
      artifacts,
      imageDelayMs: 200,
      zernio: startZernio,
      env: {
        MEDIA_MAX_CONCURRENT_PER_USER: "2",
        POST_POLL_MIN_MS: "200",
        POST_POLL_MAX_MS: "500",
        ZERNIO_ANALYTICS_PER_MINUTE: "60",
        ZERNIO_ANALYTICS_TICK_SECONDS: "2",
        ZERNIO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
      context: {
        locale: "en-US",
        timezoneId: "Europe/Berlin",
        acceptDownloads: true,
      },
      shots: { settleMs: 250 },
    });
    page = s.page;
    await signUpAndPublish();
  }, 300_000);

  afterAll(async () => {
    await s?.close();
  });

  async function generate(prompt: string, size: string) {
    const made = await call<{ asset: { id: string } }>(
      page,
      "media.generate",
      {
        type: "image",
        model: "gpt-image-2",
        prompt,
        options: { size },
        idempotencyKey: crypto.randomUUID(),
      },
      true,
    );
    const id = made.asset.id;
    await until(
      async () =>
        (await call<{ status: string }>(page, "media.byId", { id }, false)).status === "succeeded",
      60_000,
    );
    return id;
  }

  async function signUpAndPublish() {
    await signUp(page, s.web.url, {
      name: "Ana Lytics",
      email: `insights-${mode}@example.com`,
      from: "/sign-up",
    });
    assets.tall = await generate("Creatine gummies in a gym bag, landscape", "1536x1024");
    assets.square = await generate("Creatine gummies on a white plate", "1024x1024");
    // Advance the fake's metrics: every post Zernio holds gets its figures before it is read.
    s.zernio.control.beforeAnalytics = () => {
      for (const post of s.zernio.fake.listPosts()) {
        const i = indexOf(post.content);
        if (i >= 0) s.zernio.fake.analytics.setMetrics(post._id, "instagram", figuresOf(i));
      }
    };
    for (let i = 0; i < POSTS_EACH * 2; i++) {
      const assetId = i % 2 ? assets.square : assets.tall;
      await call(
        page,
        "social.schedule",
        {
          assetIds: [assetId],
          targets: [{ platform: "instagram", accountId: "acc_instagram_1" }],
          captions: { instagram: { text: captionOf(i) } },
          publishNow: true,
          idempotencyKey: crypto.randomUUID(),
        },
        true,
      );
    }
    await until(async () => {
      posts = await call<ListedPost[]>(page, "social.posts", {}, false);
      return posts.filter((p) => p.status === "published").length === POSTS_EACH * 2;
    }, 120_000);
  }

  it("reads the fake's figures into the posts page and the studio's asset card", async () => {
    await until(async () => {
      const figures = await call<{ posts: Array<{ totals: unknown }> }>(
        page,
        "analytics.posts",
        { postIds: posts.map((p) => p.id) },
        false,
      );
      return figures.posts.every((p) => p.totals !== null);
    }, 90_000);
    expect(s.zernio.fake.requestsTo("analytics.get").length).toBeGreaterThanOrEqual(posts.length);

    await page.goto(`${s.web.url}/posts`);
    await page.getByRole("button", { name: "History" }).click();
    const first = posts.find((p) => indexOf(p.captions.instagram?.text) === 0) as ListedPost;
    expect(first.assetId).toBe(assets.tall);
    const figures = page.locator(`[data-figures-post="${first.id}"] [data-platform="instagram"]`);
    await figures.waitFor({ timeout: 30_000 });
    // 1,000 views; 78 likes of 1,300 impressions is 6.0 %.
    expect(await figures.textContent()).toMatch(/1K views · 78 likes · 6\.0% engagement/);
    await auditPage(page, "posts with figures", audited);
    await s.shot("posts-figures");

    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Studio" })
      .click();
    const card = page.locator(`[data-figures-asset="${assets.tall}"]`).first();
    await card.waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toMatch(/views · \d+ likes · \d+\.\d% engagement/);
    await s.shot("studio-figures");
  });

  it("compares the formats on /insights with a sentence, charts, best times and a CSV", async () => {
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Insights" })
      .click();
    await page.waitForURL(/\/insights$/);
    await page.getByRole("heading", { name: "Insights", level: 1 }).waitFor();
    const format = page.locator('[data-dimension="aspectRatio"]');
    await s.shot("insights-loaded");
    // (Polled on the card's text, so a failure says what the card says instead.)
    await expect.poll(() => format.textContent(), { timeout: 20_000 }).toMatch(/median engagement/);
    expect(await format.locator("[data-real-difference]").textContent()).toMatch(
      /^3:2: median engagement [23]\.\d× your 1:1 \(8 vs 8 posts\)$/,
    );
    // A chart per dimension (loaded after the page), with the sample sizes on it.
    await format.locator("svg.chart").waitFor();
    expect(await format.locator("svg.chart").textContent()).toContain("n=8");
    // One model and one platform: nothing to compare, said in words, no sentence.
    const platform = page.locator('[data-dimension="platform"]');
    expect(await platform.locator(".insight-verdict").textContent()).toMatch(/^Not enough data/);
    expect(await platform.locator("[data-real-difference]").count()).toBe(0);
    // Best posting times: all 16 went out in the same hour — a heatmap with one counted hour.
    await page.locator(".insights-times svg.chart").waitFor();
    // The queue slots' suggestions (SuggestedSlots): one counted hour is nothing to compare with.
    const suggested = page.getByRole("region", { name: "Suggested from your posts" });
    expect(await suggested.textContent()).toContain(
      "Not enough data yet: at least two hours of the week need 3 posts with figures each.",
    );
    await auditPage(page, "insights", audited);
    await s.shot("insights");
    if (mode === "dist" && process.env.E2E_DOCS_SHOT) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({
        path: DOCS_SHOT,
        fullPage: true,
        clip: { x: 0, y: 0, width: LAPTOP.width, height: 1000 },
      });
    }
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^streamline-insights-.*\.csv$/);
    const csvPath = path.join(artifacts, download.suggestedFilename());
    await download.saveAs(csvPath);
    const csv = await import("node:fs/promises").then((fs) => fs.readFile(csvPath, "utf8"));
    expect(csv.trimEnd().split("\r\n")).toHaveLength(1 + POSTS_EACH * 2);
  });

  it('"Make more like this" fills the studio with the top post\'s model, size and prompt', async () => {
    const top = page.locator(".top-item").first();
    expect(await top.getAttribute("data-asset-id")).toBe(assets.tall);
    await page.getByLabel("Variants per “make more”").selectOption("2");
    await top.getByRole("link", { name: /Make more like this/ }).click();
    await page.waitForURL(/\/ai-studio$/, { timeout: 30_000 });
    const prompt = page.getByLabel("Describe your product / scene");
    await expect
      .poll(() => prompt.inputValue(), { timeout: 20_000 })
      .toBe("Creatine gummies in a gym bag, landscape");
    expect(await page.locator('select[name="option-size"]').inputValue()).toBe("1536x1024");
    expect(await page.locator('select[name="variants"]').inputValue()).toBe("2");
    await auditPage(page, "studio filled from insights", audited);
    await s.shot("make-more");
  });

  it("post.platform.deleted: the post shows as deleted on Instagram", async () => {
    const post = posts.find((p) => indexOf(p.captions.instagram?.text) === 1) as ListedPost;
    const body = JSON.stringify({
      id: `evt_deleted_${mode}`,
      event: "post.platform.deleted",
      post: { id: post.zernioPostId, status: "published", platforms: [] },
      platform: { name: "instagram", status: "deleted", deletedAt: new Date().toISOString() },
      account: { accountId: "acc_instagram_1", platform: "instagram", username: "demo" },
    });
    const signature = createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex");
    const response = await fetch(`${s.server.url}/webhooks/zernio`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-zernio-signature": signature },
      body,
    });
    expect(response.status).toBe(200);
    await page.goto(`${s.web.url}/posts`);
    await page.getByRole("button", { name: "History" }).click();
    const deleted = page.locator(`[data-figures-post="${post.id}"] [data-figures-deleted]`);
    await deleted.waitFor({ timeout: 20_000 });
    expect(await deleted.textContent()).toBe("Deleted on Instagram");
    await s.shot("deleted");
    expect(audited.states).toBeGreaterThanOrEqual(3);
  });

  it("the queue-slot editor offers the account's best hours (the same suggestions)", async () => {
    await page.goto(`${s.web.url}/posts`);
    await page.getByRole("button", { name: "Queue slots…" }).click();
    const dialog = page.getByRole("dialog", { name: "Queue slots" });
    const suggested = dialog.getByRole("region", { name: "Suggested from your posts" });
    await suggested.waitFor();
    expect(await suggested.textContent()).toContain(
      "Not enough data yet: at least two hours of the week need 3 posts with figures each.",
    );
    await auditPage(page, "queue slots with suggestions", audited);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
  });
});
