// Studio details a new user tripped over (issue 19 item 8), in Debian's Chromium against the real
// server (PGlite, provider mocks and the Zernio fake over loopback HTTP): the model picker's
// Image / Video switch, the Ctrl/⌘ + Enter hint only where there is a keyboard, the preview
// after a reload and in a new tab, and several results picked in the history (checkboxes, Shift +
// click, Space and Shift + Space) → posted as one Instagram carousel, downloaded as one .zip,
// deleted with one confirm. Dev server and production build; axe in each new state at 1280×800
// and 390×844; screenshots in e2e-artifacts/details-<mode>/.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AuditCount, auditPage, LAPTOP, PHONE } from "./audit";
import { call } from "./page-api";
import {
  CHROMIUM,
  cspViolations,
  freePort,
  launchChromium,
  makeDataDirs,
  type ProviderMocks,
  type ServerRun,
  serverEnv,
  startFakeZernio,
  startProviderMocks,
  startStudio,
  WEB_MODES,
} from "./stack";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

/** The Zernio fake on loopback (API and presigned uploads), every account shared with the user. */
const startZernio = () =>
  startFakeZernio({ sharedAccounts: true, fake: { publishDurationMs: 300 } });

describe.each(WEB_MODES)("studio details (%s)", (WEB_MODE) => {
  let mocks: ProviderMocks;
  let zernio: Awaited<ReturnType<typeof startZernio>>;
  let dirs: Awaited<ReturnType<typeof makeDataDirs>>;
  let server: ServerRun;
  let web: { url: string; stop(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const audited: AuditCount = { runs: 0, states: 0 };
  let step = 0;
  const shots = path.join(ARTIFACTS, `details-${WEB_MODE}`);
  /** The three results made below, newest first (the history's order). */
  let made: string[] = [];

  const audit = (state: string) => auditPage(page, state, audited);
  const shot = async (name: string) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await page.screenshot({
      path: path.join(shots, `${String(++step).padStart(2, "0")}-${name}.png`),
      fullPage: true,
    });
  };
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
    const trigger = page.getByRole("button", { name: /^Model\b/ });
    if ((await trigger.getAttribute("aria-expanded")) !== "true") await trigger.click();
    const panel = page.getByRole("group", { name: "Choose a model" });
    await panel.waitFor();
    return panel;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}.`);
    await rm(shots, { recursive: true, force: true });
    await mkdir(shots, { recursive: true });
    mocks = await startProviderMocks({ imageDelayMs: 300 });
    zernio = await startZernio();
    dirs = await makeDataDirs();
    const webPort = await freePort();
    const env = {
      ...serverEnv(mocks, dirs, `http://127.0.0.1:${webPort}`),
      ...zernio.env,
      MEDIA_MAX_CONCURRENT_PER_USER: "4",
      POST_POLL_MIN_MS: "200",
      POST_POLL_MAX_MS: "500",
      ZERNIO_RETRY_MIN_DELAY_MS: "5",
    };
    ({ server, web } = await startStudio(WEB_MODE, env, dirs, webPort));
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: LAPTOP,
      acceptDownloads: true,
      reducedMotion: "reduce",
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });

  let broken = false;
  beforeEach((test) => {
    if (broken) test.skip();
  });
  afterEach((test) => {
    if (test.task.result?.state === "fail") broken = true;
  });

  afterAll(async () => {
    console.log(`[e2e details ${WEB_MODE}] axe: ${audited.states} states, ${audited.runs} runs`);
    const csp = browser ? cspViolations(browser) : [];
    await browser?.close();
    await web?.stop();
    await server?.stop();
    await zernio?.close();
    await mocks?.close();
    await dirs?.remove();
    expect(csp).toEqual([]);
  });

  it("signs up; the Ctrl/⌘ + Enter hint shows with a mouse and keyboard", async () => {
    await page.goto(`${web.url}/sign-up`);
    await page.getByLabel("Name").fill("Nia Newcomer");
    await page.getByLabel("Email").fill(`nia-${WEB_MODE}@example.com`);
    await page.getByLabel("Password", { exact: true }).fill("gummies4ever");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/ai-studio$/);
    await page.locator(".feed-live").waitFor();
    await page.locator("#prompt-hint").getByText("to generate").waitFor();
    expect(await prompt().getAttribute("aria-describedby")).toContain("prompt-hint");
  });

  it("hides the hint on a touch screen (pointer: coarse)", async () => {
    const phone = await browser.newContext({
      viewport: PHONE,
      hasTouch: true,
      isMobile: true,
      storageState: await context.storageState(),
    });
    try {
      const touch = await phone.newPage();
      await touch.goto(`${web.url}/ai-studio`);
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
    await shot("picker-video");
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
    const tab = await context.newPage();
    try {
      await tab.goto(`${web.url}/ai-studio`);
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
    await shot("selected");
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
    await shot("carousel-dialog");
    await postNow.click();
    await toast("Posting now").waitFor();
    await expect
      .poll(() => zernio.fake.requestsTo("posts.create").length, { timeout: 20_000 })
      .toBe(1);
    const body = zernio.fake.requestsTo("posts.create")[0]?.json as {
      mediaItems: unknown[];
    };
    // One post carrying the three images, each uploaded once.
    expect(body.mediaItems).toHaveLength(3);
    expect(zernio.fake.uploads).toHaveLength(3);
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
      await shot("delete-several-missing");
      throw error;
    });
    await dialog.getByRole("list", { name: "Their posts" }).waitFor();
    // The carousel was just posted: Delete waits until it has landed, then names it.
    const confirm = dialog.getByRole("button", { name: "Delete 3 results" });
    await expect.poll(() => confirm.isEnabled(), { timeout: 30_000 }).toBe(true);
    await dialog.getByText("3 of them are in published posts").waitFor();
    await audit("delete several");
    await shot("delete-several");
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
