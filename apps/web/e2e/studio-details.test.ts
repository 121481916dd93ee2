// Studio details a new user tripped over (issue 19 item 8), in Debian's Chromium against the real
// server (PGlite, provider mocks and the Zernio fake over loopback HTTP): the model picker's
// Image / Video switch, the Ctrl/⌘ + Enter hint only where there is a keyboard, the preview
// after a reload and in a new tab, and several results picked in the history (checkboxes, Shift +
// click, Space and Shift + Space) → posted as one Instagram carousel, downloaded as one .zip,
// deleted with one confirm. Dev server and production build; axe in each new state at 1280×800
// and 390×844; screenshots in e2e-artifacts/details-<mode>/.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditCount, auditPage, PHONE } from "./audit";
import { call } from "./page-api";
import {
  skipAfterFailure,
  startBrowserStack,
  startFakeZernio,
  WEB_MODES,
  type ZernioStack,
} from "./stack";
import { openModelPicker, signUp } from "./steps";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

/** The Zernio fake on loopback (API and presigned uploads), every account shared with the user. */
const startZernio = () =>
  startFakeZernio({ sharedAccounts: true, fake: { publishDurationMs: 300 } });

describe.each(WEB_MODES)("studio details (%s)", (WEB_MODE) => {
  let s: ZernioStack;
  let page: Page;
  const audited: AuditCount = { runs: 0, states: 0 };
  const shots = path.join(ARTIFACTS, `details-${WEB_MODE}`);
  /** The three results made below, newest first (the history's order). */
  let made: string[] = [];

  const audit = (state: string) => auditPage(page, state, audited);
  const prompt = () => page.getByLabel("Describe your product / scene");
  const preview = () => page.getByRole("region", { name: "Preview" });
  const history = () => page.getByRole("list", { name: "Your generations" });
  const selectionBar = () => page.getByRole("region", { name: "Selected results" });
  const box = (id: string) =>
    history()
      .locator(`article[data-asset-id="${id}"]`)
      .getByRole("checkbox", { name: /^Select / });
  const toast = (text: string | RegExp) =>
    page.locator("[data-sonner-toast]").filter({ hasText: text }).first();
  const openPicker = async () => {
    const panel = await openModelPicker(page);
    await panel.waitFor();
    return panel;
  };

  beforeAll(async () => {
    s = await startBrowserStack({
      mode: WEB_MODE,
      artifacts: shots,
      imageDelayMs: 300,
      zernio: startZernio,
      env: {
        MEDIA_MAX_CONCURRENT_PER_USER: "4",
        POST_POLL_MIN_MS: "200",
        POST_POLL_MAX_MS: "500",
        ZERNIO_RETRY_MIN_DELAY_MS: "5",
      },
      context: { acceptDownloads: true },
      shots: { scrollToTop: true },
    });
    page = s.page;
  });

  skipAfterFailure();

  afterAll(async () => {
    console.log(`[e2e details ${WEB_MODE}] axe: ${audited.states} states, ${audited.runs} runs`);
    await s?.close();
  });

  it("signs up; the Ctrl/⌘ + Enter hint shows with a mouse and keyboard", async () => {
    await signUp(page, s.web.url, {
      name: "Nia Newcomer",
      email: `nia-${WEB_MODE}@example.com`,
      from: "/sign-up",
    });
    await page.locator(".feed-live").waitFor();
    await page.locator("#prompt-hint").getByText("to generate").waitFor();
    expect(await prompt().getAttribute("aria-describedby")).toContain("prompt-hint");
  });

  it("hides the hint on a touch screen (pointer: coarse)", async () => {
    const phone = await s.browser.newContext({
      viewport: PHONE,
      hasTouch: true,
      isMobile: true,
      storageState: await s.context.storageState(),
    });
    try {
      const touch = await phone.newPage();
      await touch.goto(`${s.web.url}/ai-studio`);
      await touch.getByRole("button", { name: "Generate Media" }).waitFor();
      expect(await touch.evaluate(() => matchMedia("(pointer: coarse)").matches)).toBe(true);
      expect(await touch.locator("#prompt-hint").count()).toBe(0);
      const described = await touch
        .getByLabel("Describe your product / scene")
        .getAttribute("aria-describedby");
      expect(described).not.toContain("prompt-hint");
    } finally {
      await phone.close();
    }
  });

  it("the model picker switches between image and video models", async () => {
    const panel = await openPicker();
    const kinds = panel.getByRole("radiogroup", { name: "Show" });
    await kinds.getByRole("radio", { name: "Video" }).click();
    await panel.getByRole("group", { name: "Video models" }).waitFor();
    expect(await panel.getByRole("group", { name: "Image models" }).count()).toBe(0);
    const videoRows = await panel
      .getByRole("group", { name: "Video models" })
      .getByRole("button")
      .count();
    expect(videoRows).toBeGreaterThanOrEqual(2);
    await audit("model picker, video models");
    await s.shot("picker-video");
    await kinds.getByRole("radio", { name: "Image" }).click();
    await panel.getByRole("group", { name: "Image models" }).waitFor();
    expect(await panel.getByRole("group", { name: "Video models" }).count()).toBe(0);
    await panel.getByRole("button", { name: /^GPT Image 2 OpenAI/ }).click();
    await panel.waitFor({ state: "detached" });
  });

  it("makes three images; the preview shows the last one after a reload and in a new tab", async () => {
    for (const text of ["Gummies on a towel", "Gummies in a gym bag", "Gummies on a desk"]) {
      await prompt().fill(text);
      await page.getByRole("button", { name: "Generate Media" }).click();
      await preview()
        .locator("article")
        .filter({ hasText: text })
        .locator('img[src^="/media/image/"]')
        .waitFor({ timeout: 30_000 });
    }
    await expect.poll(() => history().locator("article").count()).toBe(3);
    made = await history()
      .locator("article")
      .evaluateAll((cards) => cards.map((c) => c.getAttribute("data-asset-id") as string));
    const last = await preview().locator("article").getAttribute("data-asset-id");
    expect(last).toBe(made[0]);

    await page.reload();
    await preview().locator(`article[data-asset-id="${last}"] img`).waitFor();

    // A new tab keeps nothing of this one: it opens on the newest finished result.
    const tab = await s.context.newPage();
    try {
      await tab.goto(`${s.web.url}/ai-studio`);
      await tab
        .getByRole("region", { name: "Preview" })
        .locator(`article[data-asset-id="${last}"] img`)
        .waitFor();
    } finally {
      await tab.close();
    }
  });

  it("selects with a click, Shift + click, Space and Shift + Space", async () => {
    await box(made[0] as string).click();
    await selectionBar().getByText("1 result selected").waitFor();
    await box(made[2] as string).click({ modifiers: ["Shift"] });
    await selectionBar().getByText("3 results selected").waitFor();
    for (const id of made) expect(await box(id).isChecked()).toBe(true);
    // The keyboard: Space toggles the focused box; Shift + Space selects a range from the anchor.
    await selectionBar().getByRole("button", { name: "Clear selection" }).click();
    await selectionBar().waitFor({ state: "detached" });
    await box(made[2] as string).focus();
    await page.keyboard.press("Space");
    await selectionBar().getByText("1 result selected").waitFor();
    await box(made[0] as string).focus();
    await page.keyboard.press("Shift+Space");
    await selectionBar().getByText("3 results selected").waitFor();
    await audit("three results selected");
    await s.shot("selected");
  });

  it("posts them as one Instagram carousel from the Post dialog", async () => {
    await selectionBar().getByRole("button", { name: "Post as carousel" }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.waitFor();
    // The dialog holds the three images, in the order picked (the first is the cover).
    await dialog.getByText("Media order (3 items, the first is the cover)").waitFor();
    expect(await dialog.locator(".media-order-item").count()).toBe(3);
    await dialog.getByRole("checkbox", { name: /^Instagram @streamline\.studio/ }).check();
    await dialog.getByLabel("Instagram caption").fill("Three ways to take your gummies #gummies");
    const postNow = page.getByRole("button", { name: "Post now", exact: true });
    await expect.poll(() => postNow.isEnabled(), { timeout: 20_000 }).toBe(true);
    await audit("carousel post dialog");
    await s.shot("carousel-dialog");
    await postNow.click();
    await toast("Posting now").waitFor();
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.create").length, { timeout: 20_000 })
      .toBe(1);
    const body = s.zernio.fake.requestsTo("posts.create")[0]?.json as {
      mediaItems: unknown[];
    };
    // One post carrying the three images, each uploaded once.
    expect(body.mediaItems).toHaveLength(3);
    expect(s.zernio.fake.uploads).toHaveLength(3);
  });

  it("downloads them as one .zip of the three files", async () => {
    const downloaded = page.waitForEvent("download");
    await selectionBar().getByRole("button", { name: "Download .zip" }).click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toBe("streamline-3-results.zip");
    const target = path.join(shots, "selection.zip");
    await file.saveAs(target);
    const entries = unzipSync(new Uint8Array(await readFile(target)));
    expect(Object.keys(entries).sort()).toEqual(
      made.map((id) => `streamline-image-${id.slice(0, 8)}.png`).sort(),
    );
    for (const bytes of Object.values(entries)) expect([...bytes.slice(0, 4)]).toEqual(PNG_MAGIC);
  });

  it("deletes them after one confirm that names their posts", async () => {
    await selectionBar().getByText("3 results selected").waitFor();
    await selectionBar().getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Delete 3 results?" });
    await dialog.waitFor().catch(async (error) => {
      await s.shot("delete-several-missing");
      throw error;
    });
    await dialog.getByRole("list", { name: "Their posts" }).waitFor();
    // The carousel was just posted: Delete waits until it has landed, then names it.
    const confirm = dialog.getByRole("button", { name: "Delete 3 results" });
    await expect.poll(() => confirm.isEnabled(), { timeout: 30_000 }).toBe(true);
    await dialog.getByText("3 of them are in published posts").waitFor();
    await audit("delete several");
    await s.shot("delete-several");
    await confirm.click();
    await toast(/^Deleted 3 results/).waitFor();
    await expect.poll(() => history().locator("article").count()).toBe(0);
    await selectionBar().waitFor({ state: "detached" });
    await preview()
      .getByText("This generation was deleted.")
      .or(preview().getByText("appears here"))
      .first()
      .waitFor();
  });

  it("shows a result that finished before the live feed connected", async () => {
    // The progress stream is held back until the generation has finished on the server, so its
    // events went out before this page listened: the preview must still end on the result.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route("**/trpc/media.onProgress**", async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.reload();
      await prompt().fill("Gummies before the feed");
      await page.getByRole("button", { name: "Generate Media" }).click();
      const card = preview().locator("article").filter({ hasText: "Gummies before the feed" });
      await card.waitFor();
      const id = (await card.getAttribute("data-asset-id")) as string;
      await expect
        .poll(
          async () => (await call<{ status: string }>(page, "media.byId", { id }, false)).status,
          { timeout: 30_000 },
        )
        .toBe("succeeded");
      release();
      await card.locator('img[src^="/media/image/"]').waitFor({ timeout: 20_000 });
    } finally {
      release();
      await page.unroute("**/trpc/media.onProgress**");
    }
  });

  it("shows the result when the live feed cannot connect at all (a proxy that drops SSE)", async () => {
    // No progress stream at all: the preview re-reads its in-flight row now and then
    // (rereadWhileInFlight), so the result still arrives without a reload.
    await page.route("**/trpc/media.onProgress**", (route) => route.abort());
    try {
      await page.reload();
      await prompt().fill("Gummies without a feed");
      await page.getByRole("button", { name: "Generate Media" }).click();
      const card = preview().locator("article").filter({ hasText: "Gummies without a feed" });
      await card.locator('img[src^="/media/image/"]').waitFor({ timeout: 45_000 });
    } finally {
      await page.unroute("**/trpc/media.onProgress**");
    }
  });
});
