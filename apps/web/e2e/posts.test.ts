// The posts page (issue 19) in Debian's Chromium against the real server and the Zernio fake:
// three posts scheduled through the API (two in the browser's zone, one in Berlin) → /posts lists
// them at the right local times (America/New_York) → the month calendar places them on their local
// days → cancel one with a confirm (Escape first: focus comes back) → move one with "Move to…"
// (Zernio receives the PUT with the new local time and zone) → the calendar's arrow keys → drag →
// Undo a cancel → edit captions → select several (Shift+click, keyboard) → move and cancel them
// together → a carousel of three images to Instagram and X partly fails, "Retry failed" publishes
// only X → queue slots set on the page show free on the calendar, "Add to queue" fills the first.
// axe at 1280×800 and 390×844 in each state, screenshots at both sizes. E2E_DOCS_SHOT=1 writes
// docs/posts.png (production build).
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditCount, auditPage } from "./audit";
import { call, until } from "./page-api";
import { startBrowserStack, startFakeZernio, WEB_MODES, type ZernioStack } from "./stack";
import { dayIn, signUp } from "./steps";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, "../e2e-artifacts");
const DOCS_SHOT = path.resolve(HERE, "../../../docs/posts.png");
const ZONE = "America/New_York";
const BERLIN = "Europe/Berlin";

const startZernio = () => startFakeZernio({ sharedAccounts: true });

const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe.each(WEB_MODES)("the posts page (%s)", (mode) => {
  let s: ZernioStack;
  let page: Page;
  const audited: AuditCount = { runs: 0, states: 0 };
  const ids: Record<"a" | "b" | "c", string> = { a: "", b: "", c: "" };
  const images: string[] = [];
  // Tomorrow in New York and the three days after it (B on the same date string in Berlin).
  const base = dayIn(ZONE, 1);
  const days = { a: base, b: plusDays(base, 1), c: plusDays(base, 2), moved: plusDays(base, 3) };

  beforeAll(async () => {
    s = await startBrowserStack({
      mode,
      artifacts: path.join(ARTIFACTS, `posts-${mode}`),
      zernio: startZernio,
      env: { POST_POLL_MIN_MS: "200", POST_POLL_MAX_MS: "500" },
      context: { timezoneId: ZONE, locale: "en-US" },
      shots: { settleMs: 250, phone: true },
    });
    page = s.page;
    await signUpAndSchedule();
  });

  afterAll(async () => {
    await s?.close();
  });

  async function signUpAndSchedule() {
    await signUp(page, s.web.url, {
      name: "Pat Planner",
      email: `planner-${mode}@example.com`,
      from: "/sign-up",
    });
    // Three images, generated through the API like the studio does, one at a time (one
    // generation at a time per user): the first carries the scheduled posts; all three go out as
    // one carousel later.
    for (const prompt of [
      "Creatine gummies on a desk",
      "Gummies in a gym bag",
      "A jar of gummies",
    ]) {
      const generated = await call<{ id?: string; asset?: { id: string } }>(
        page,
        "media.generate",
        { type: "image", model: "gpt-image-2", prompt, idempotencyKey: crypto.randomUUID() },
        true,
      );
      const id = generated.asset?.id ?? (generated.id as string);
      await until(
        async () =>
          (await call<{ status: string }>(page, "media.byId", { id }, false)).status ===
          "succeeded",
        60_000,
      );
      images.push(id);
    }
    const assetId = images[0] as string;
    const schedule = (targets: string[], local: string, timezone: string, text: string) =>
      call<{ id: string }>(
        page,
        "social.schedule",
        {
          assetIds: [assetId],
          targets: targets.map((t) => ({
            platform: t,
            accountId: t === "x" ? "acc_twitter_1" : "acc_instagram_1",
          })),
          captions: Object.fromEntries(targets.map((t) => [t, { text }])),
          scheduledFor: local,
          timezone,
          idempotencyKey: crypto.randomUUID(),
        },
        true,
      );
    ids.a = (await schedule(["instagram"], `${days.a}T09:00`, ZONE, "Morning gummies A")).id;
    // 18:30 in Berlin is 12:30 in New York (6 hours behind in winter and in summer).
    ids.b = (await schedule(["x"], `${days.b}T18:30`, BERLIN, "Berlin evening B")).id;
    ids.c = (await schedule(["instagram", "x"], `${days.c}T07:15`, ZONE, "Early bird C")).id;
    await until(() => s.zernio.fake.requestsTo("posts.create").length === 3, 30_000);
  }

  const item = (id: string) => page.locator(`li.posts-item[data-post-id="${id}"]`);

  it("lists the upcoming posts at their local times, with status and captions", async () => {
    await page.goto(`${s.web.url}/ai-studio`);
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Posts" })
      .click();
    await page.waitForURL(/\/posts$/);
    await page.getByRole("heading", { name: "Posts", level: 1 }).waitFor();
    await expect.poll(() => page.locator("li.posts-item").count(), { timeout: 30_000 }).toBe(3);
    // Soonest first; times in the browser's zone.
    const order = await page
      .locator("li.posts-item")
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-post-id")));
    expect(order).toEqual([ids.a, ids.b, ids.c]);
    expect(await item(ids.a).locator("time").textContent()).toMatch(/09:00\sAM/);
    expect(await item(ids.b).locator("time").textContent()).toMatch(/12:30\sPM/);
    expect(await item(ids.c).locator("time").textContent()).toMatch(/07:15\sAM/);
    await item(ids.c).getByText("Early bird C").first().waitFor();
    await expect
      .poll(() => item(ids.a).locator(".posts-status").textContent(), { timeout: 20_000 })
      .toBe("Scheduled");
    // Caption search narrows the list.
    await page.getByLabel("Search captions").fill("Berlin");
    await expect.poll(() => page.locator("li.posts-item").count()).toBe(1);
    await page.getByLabel("Search captions").fill("");
    await expect.poll(() => page.locator("li.posts-item").count()).toBe(3);
    await auditPage(page, "posts list", audited);
    await s.shot("list");
  });

  it("places them on their local days in the month calendar", async () => {
    await page.getByRole("button", { name: "Calendar" }).click();
    const grid = page.getByRole("grid");
    await grid.waitFor();
    for (const [key, time] of [
      ["a", "09:00"],
      ["b", "12:30"],
      ["c", "07:15"],
    ] as const) {
      // B: 18:30 Berlin is 12:30 the same calendar day in New York.
      const chip = grid.locator(`[data-cell="${days[key]}"] [data-post-id="${ids[key]}"]`);
      await chip.waitFor({ timeout: 20_000 });
      expect(await chip.textContent()).toContain(time);
    }
    await auditPage(page, "posts calendar", audited);
    await s.shot("calendar");
    // Arrow keys move between days.
    const today = dayIn(ZONE, 0);
    await grid.locator(`[data-cell="${today}"]`).focus();
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-cell"))).toBe(
      dayIn(ZONE, 1),
    );
  });

  it("cancels a post after a confirm; Escape keeps it and returns focus", async () => {
    await page.getByRole("button", { name: "Upcoming" }).click();
    const cancel = item(ids.a).getByRole("button", { name: "Cancel post" });
    await cancel.click();
    const dialog = page.getByRole("dialog", { name: "Cancel this post?" });
    await dialog.waitFor();
    await auditPage(page, "cancel confirm", audited);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe("Cancel post");
    expect(s.zernio.fake.requestsTo("posts.delete")).toHaveLength(0);
    await cancel.click();
    await dialog.getByRole("button", { name: "Cancel post" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => page.locator("li.posts-item").count(), { timeout: 20_000 }).toBe(2);
    expect(s.zernio.fake.requestsTo("posts.delete")).toHaveLength(1);
    // Its button went with it: focus is on the page's heading, not lost.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("posts-title");
    await s.shot("cancelled");
    // Undo (its time is ahead): the post is back and Zernio receives it again.
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await expect.poll(() => page.locator("li.posts-item").count(), { timeout: 20_000 }).toBe(3);
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.create").length, { timeout: 30_000 })
      .toBe(4);
  });

  it("moves a post with Move to…: Zernio receives the PUT with the new local time", async () => {
    await item(ids.b).getByRole("button", { name: "Move to…" }).click();
    const dialog = page.getByRole("dialog", { name: "Move post to…" });
    await dialog.waitFor();
    await dialog.getByLabel("Date").fill(days.moved);
    await dialog.getByLabel("Time").fill("10:45");
    await auditPage(page, "move dialog", audited);
    await dialog.getByRole("button", { name: "Move", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.update").length, { timeout: 20_000 })
      .toBe(1);
    expect(s.zernio.fake.requestsTo("posts.update")[0]?.json).toMatchObject({
      scheduledFor: `${days.moved}T10:45`,
      timezone: ZONE,
    });
    await expect
      .poll(() => item(ids.b).locator("time").textContent(), { timeout: 20_000 })
      .toMatch(/10:45\sAM/);
    // Now last in the queue, and on its new day in the calendar.
    await page.getByRole("button", { name: "Calendar" }).click();
    const chip = page.locator(`[data-cell="${days.moved}"] [data-post-id="${ids.b}"]`);
    await chip.waitFor({ timeout: 20_000 });
    expect(await chip.textContent()).toContain("10:45");
    await s.shot("moved");
    expect(audited.states).toBeGreaterThanOrEqual(4);
  });

  it("drags a post to another day: same local time, Zernio receives the PUT", async () => {
    const target = plusDays(base, 4);
    const chip = page.locator(`[data-cell="${days.c}"] [data-post-id="${ids.c}"]`);
    await chip.dragTo(page.locator(`[data-cell="${target}"]`));
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.update").length, { timeout: 20_000 })
      .toBe(2);
    expect(s.zernio.fake.requestsTo("posts.update")[1]?.json).toMatchObject({
      scheduledFor: `${target}T07:15`,
      timezone: ZONE,
    });
    await page.locator(`[data-cell="${target}"] [data-post-id="${ids.c}"]`).waitFor();
  });

  it("edits a post's captions: the server checks them and Zernio receives the PUT", async () => {
    await page.getByRole("button", { name: "Upcoming" }).click();
    await item(ids.c).getByRole("button", { name: "Edit captions" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit captions" });
    await dialog.waitFor();
    const x = dialog.getByRole("textbox", { name: /^X\b/ });
    expect(await x.inputValue()).toBe("Early bird C");
    await x.fill("Early bird C, now with electrolytes");
    await auditPage(page, "edit captions", audited);
    const before = s.zernio.fake.requestsTo("posts.update").length;
    await dialog.getByRole("button", { name: "Save captions" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.update").length, { timeout: 20_000 })
      .toBe(before + 1);
    expect(JSON.stringify(s.zernio.fake.requestsTo("posts.update").at(-1)?.json)).toContain(
      "now with electrolytes",
    );
    await item(ids.c).getByText("Early bird C, now with electrolytes").waitFor();
  });

  it("selects several (Shift+click, keyboard), moves them together, cancels them together", async () => {
    await expect
      .poll(() => item(ids.a).locator(".posts-status").textContent(), { timeout: 30_000 })
      .toBe("Scheduled");
    const order = await page
      .locator("li.posts-item")
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-post-id") as string));
    expect(order).toHaveLength(3);
    const box = (id: string) => item(id).getByRole("checkbox");
    // Click the first, Shift+click the last: all three.
    await box(order[0] as string).click();
    await box(order[2] as string).click({ modifiers: ["Shift"] });
    await page.getByText("3 posts selected").waitFor();
    // Space on a checkbox toggles it (the middle one off).
    await box(order[1] as string).focus();
    await page.keyboard.press("Space");
    await page.getByText("2 posts selected").waitFor();
    await auditPage(page, "posts selected", audited);
    await s.shot("selected");
    // Move the two together: each keeps its local time of day.
    const target = plusDays(base, 6);
    const before = s.zernio.fake.requestsTo("posts.update").length;
    await page.getByRole("button", { name: "Move selected…" }).click();
    const move = page.getByRole("dialog", { name: "Move 2 posts to…" });
    await move.getByLabel("Date").fill(target);
    await move.getByRole("button", { name: "Move posts" }).click();
    await move.waitFor({ state: "detached" });
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.update").length, { timeout: 20_000 })
      .toBe(before + 2);
    for (const put of s.zernio.fake.requestsTo("posts.update").slice(before)) {
      expect(put.json).toMatchObject({ timezone: ZONE });
      expect((put.json as { scheduledFor: string }).scheduledFor.slice(0, 10)).toBe(target);
    }
    // Re-ordered by their new time: the one left behind is now first.
    const orderNow = () =>
      page
        .locator("li.posts-item")
        .evaluateAll((els) => els.map((el) => el.getAttribute("data-post-id") as string));
    await expect.poll(async () => (await orderNow())[0], { timeout: 20_000 }).toBe(order[1]);
    // The keyboard alone: Space on one, Shift+Space on another selects the range between.
    const now = await orderNow();
    await box(now[0] as string).focus();
    await page.keyboard.press("Space");
    await box(now[2] as string).focus();
    await page.keyboard.press("Shift+Space");
    await page.getByText("3 posts selected").waitFor();
    const deletes = s.zernio.fake.requestsTo("posts.delete").length;
    await page.getByRole("button", { name: "Cancel selected" }).click();
    const confirm = page.getByRole("dialog", { name: "Cancel 3 posts?" });
    await confirm.waitFor();
    await auditPage(page, "cancel selected", audited);
    await confirm.getByRole("button", { name: "Cancel 3 posts" }).click();
    await confirm.waitFor({ state: "detached" });
    await expect.poll(() => page.locator("li.posts-item").count(), { timeout: 20_000 }).toBe(0);
    expect(s.zernio.fake.requestsTo("posts.delete").length).toBe(deletes + 3);
    // Undo puts all three back.
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await expect.poll(() => page.locator("li.posts-item").count(), { timeout: 20_000 }).toBe(3);
  });

  it("a carousel to Instagram and X partly fails; Retry failed publishes only X", async () => {
    // Zernio's id for X is "twitter": the account id names it unambiguously.
    s.zernio.fake.failPublishing("acc_twitter_1");
    const post = await call<{ id: string }>(
      page,
      "social.schedule",
      {
        assetIds: images,
        targets: [
          { platform: "instagram", accountId: "acc_instagram_1" },
          { platform: "x", accountId: "acc_twitter_1" },
        ],
        captions: {
          instagram: { text: "Three ways to gummy" },
          x: { text: "Three ways to gummy" },
        },
        publishNow: true,
        idempotencyKey: crypto.randomUUID(),
      },
      true,
    );
    // Upcoming shows it on its way out, followed until it leaves for the History.
    // (Scheduled through the API: the page is read afresh.)
    await page.reload();
    await page.locator("li.posts-item").first().waitFor();
    await expect.poll(() => item(post.id).count(), { timeout: 45_000 }).toBe(0);
    await page.getByRole("button", { name: "History" }).click();
    const card = item(post.id);
    await expect
      .poll(() => card.getAttribute("data-post-status"), { timeout: 45_000 })
      .toBe("partial");
    expect(await card.locator(".posts-media img").count()).toBe(3);
    await card.getByText(/Failed.*The platform rejected the post \(platform_rejected\)/).waitFor();
    await card.getByRole("link", { name: /Published.*on Instagram/ }).waitFor();
    await auditPage(page, "partial post", audited);
    await s.shot("partial");
    s.zernio.fake.clearPublishingFailures();
    const retriedAt = Date.now();
    await card.getByRole("button", { name: "Retry failed" }).click();
    await expect
      .poll(() => card.getAttribute("data-post-status"), { timeout: 45_000 })
      .toBe("published");
    expect(s.zernio.fake.requestsTo("posts.retry")).toHaveLength(1);
    // Instagram was published by the first attempt and not again: only X went out on the retry.
    const sent = s.zernio.fake.listPosts().find((p) => p.mediaItems.length === 3);
    const publishedAt = (platform: string) =>
      Date.parse(
        String(
          sent?.platforms.find((t) => t.platform === platform && "publishedAt" in t)?.publishedAt,
        ),
      );
    expect(publishedAt("instagram")).toBeLessThan(retriedAt);
    expect(publishedAt("twitter")).toBeGreaterThanOrEqual(retriedAt);
    await card.getByRole("link", { name: /Published.*on X/ }).waitFor();
    // Open media: the cover's file answers.
    const href = await card.getByRole("link", { name: "Open media" }).getAttribute("href");
    expect((await page.request.get(new URL(href as string, s.web.url).toString())).status()).toBe(
      200,
    );
    // Duplicate: a new post with the same three images in order, tomorrow 09:00 in the user's zone.
    await card.getByRole("button", { name: "Duplicate" }).click();
    await page.getByText(/Duplicated — the copy goes out/).waitFor();
    await page.getByRole("button", { name: "Upcoming" }).click();
    const copy = page.locator("li.posts-item").filter({ hasText: "Three ways to gummy" });
    await copy.first().waitFor({ timeout: 20_000 });
    expect(await copy.first().locator(".posts-media img").count()).toBe(3);
    expect(await copy.first().locator("time").textContent()).toMatch(/09:00\sAM/);
  });

  it("queue slots set on the page show free on the calendar; Add to queue fills the first", async () => {
    await page.getByRole("button", { name: "Queue slots…" }).click();
    const dialog = page.getByRole("dialog", { name: "Queue slots" });
    await dialog.waitFor();
    await dialog.getByLabel("Account").selectOption("acc_twitter_1");
    await dialog.getByRole("button", { name: "Add a slot" }).click();
    const weekday = new Intl.DateTimeFormat("en-US", { weekday: "long", timeZone: "UTC" }).format(
      new Date(`${days.a}T12:00:00Z`),
    );
    await dialog.getByLabel("Day 1").selectOption({ label: weekday });
    await dialog.getByLabel("Time 1").fill("16:00");
    expect(await dialog.getByLabel("Timezone").inputValue()).toBe(ZONE);
    await auditPage(page, "queue slots", audited);
    await dialog.getByRole("button", { name: "Save slots" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Calendar" }).click();
    const free = page.locator(`[data-cell="${days.a}"] [data-free-slot]`);
    await free.first().waitFor({ timeout: 20_000 });
    expect(await free.first().textContent()).toContain("16:00");
    const slotAt = (await free.first().getAttribute("data-free-slot")) as string;
    await auditPage(page, "calendar with free slots", audited);
    await s.shot("free-slots");
    const queued = await call<{ posts: Array<{ id: string; scheduledFor: string }> }>(
      page,
      "social.addToQueue",
      {
        assetIds: [images[0]],
        targets: [{ platform: "x", accountId: "acc_twitter_1" }],
        captions: { x: { text: "Queued gummies" } },
        idempotencyKey: crypto.randomUUID(),
      },
      true,
    );
    expect(Date.parse(queued.posts[0]?.scheduledFor as string)).toBe(Date.parse(slotAt));
    // The slot is taken: the post is there at 16:00 and the slot no longer shows free.
    const chip = page.locator(`[data-cell="${days.a}"] [data-post-id="${queued.posts[0]?.id}"]`);
    // Queued through the API, not the page: read the page afresh.
    await page.reload();
    await page.getByRole("button", { name: "Calendar" }).click();
    await chip.waitFor({ timeout: 20_000 });
    expect(await chip.textContent()).toContain("16:00");
    await expect
      .poll(() => page.locator(`[data-free-slot="${slotAt}"]`).count(), { timeout: 20_000 })
      .toBe(0);
    await s.shot("queued");
    if (mode === "dist" && process.env.E2E_DOCS_SHOT) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: DOCS_SHOT });
    }
    expect(audited.states).toBeGreaterThanOrEqual(10);
  });
});
