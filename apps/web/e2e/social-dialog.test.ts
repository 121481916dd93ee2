// The one Post dialog (issue 19 item 4) in Debian's Chromium against the real server, the caption
// mock and the Zernio fake: a fresh image → Post → two accounts without captions → "Write captions
// for Instagram, X" writes them inside the dialog (one caption call) with counters → the preview
// folds Instagram after ~125 characters ("… more") and cuts X past 280 weighted → Add to queue shows
// each account's next free slot (X has no posting times: refused until unticked) → Zernio receives
// the post at that slot's local time and timezone (the slot before it was taken by another post).
// axe (1280×800 and 390×844, light and dark) on the dialog's states; screenshots under
// e2e-artifacts/social-dialog-<mode>/.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditCount, auditPage, LAPTOP, PHONE } from "./audit";
import { call } from "./page-api";
import {
  type CaptionMocks,
  cspViolations,
  startBrowserStack,
  startCaptionMocks,
  startFakeZernio,
  WEB_MODES,
  type ZernioStack,
} from "./stack";
import { signUp } from "./steps";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");
const BERLIN = "Europe/Berlin";
const BROWSER_ZONE = "America/New_York";
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7].flatMap((weekday) => [
  { weekday, time: "09:00" },
  { weekday, time: "18:00" },
]);

const startZernio = () => startFakeZernio({ sharedAccounts: true });

describe.each(WEB_MODES)("the Post dialog (%s)", (mode) => {
  let s: ZernioStack<CaptionMocks>;
  let page: Page;
  const audited: AuditCount = { runs: 0, states: 0 };
  /** The image that took Instagram's first slot, and the one posted from the dialog. */
  let otherId = "";
  let yogaId = "";

  beforeAll(async () => {
    s = await startBrowserStack({
      mode,
      artifacts: path.join(ARTIFACTS, `social-dialog-${mode}`),
      mocks: () => startCaptionMocks({ imageDelayMs: 0 }),
      zernio: startZernio,
      env: { POST_POLL_MIN_MS: "200", POST_POLL_MAX_MS: "500" },
      context: { timezoneId: BROWSER_ZONE, locale: "en-US" },
      shots: { settleMs: 250 },
    });
    page = s.page;
  });

  afterAll(async () => {
    await s?.close();
    expect(audited.states).toBeGreaterThanOrEqual(3);
  });

  it("writes missing captions inside it, previews the cut, and adds the post to the next free slot", async () => {
    await signUp(page, s.web.url, {
      name: "Quinn Queue",
      email: `queue-${mode}@example.com`,
      from: "/sign-up",
    });

    // Another image (through the API, as the studio calls it) takes Instagram's first queue slot.
    const other = await call<{ id?: string; asset?: { id: string } }>(
      page,
      "media.generate",
      {
        type: "image",
        model: "gpt-image-2",
        prompt: "Gummies on a shelf",
        idempotencyKey: crypto.randomUUID(),
      },
      true,
    );
    otherId = other.asset?.id ?? (other.id as string);
    await expect
      .poll(
        async () =>
          (await call<{ status: string }>(page, "media.byId", { id: otherId }, false)).status,
        {
          timeout: 60_000,
        },
      )
      .toBe("succeeded");

    // Instagram posts Mon–Sun 09:00 and 18:00 in Berlin; another post takes the first slot.
    await call(
      page,
      "social.setQueueSlots",
      { accountId: "acc_instagram_1", timezone: BERLIN, slots: EVERY_DAY },
      true,
    );
    const first = await call<{ posts: Array<{ scheduledLocal: string | null }> }>(
      page,
      "social.addToQueue",
      {
        assetId: otherId,
        targets: [{ platform: "instagram", accountId: "acc_instagram_1" }],
        captions: { instagram: { text: "Taken first #gummies" } },
        idempotencyKey: crypto.randomUUID(),
      },
      true,
    );
    const taken = first.posts[0]?.scheduledLocal;
    expect(taken).toMatch(/T(09|18):00$/);
    const free = await call<{ slots: Array<{ at: string; local: string }> }>(
      page,
      "social.freeSlots",
      { accountId: "acc_instagram_1" },
      false,
    );
    const next = free.slots.find((s) => Date.parse(s.at) > Date.now() + 2 * 60_000);
    expect(next?.local).toBeDefined();
    expect(next?.local).not.toBe(taken);
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.create").length, { timeout: 20_000 })
      .toBe(1);

    // A fresh image in the studio: no captions yet (on a fresh page, the other image done).
    await page.reload();
    await page.getByLabel("Describe your product / scene").waitFor();
    await page.getByLabel("Describe your product / scene").fill("Gummies on a yoga mat");
    await page.getByRole("button", { name: "Generate Media" }).click();
    const preview = page.getByRole("region", { name: "Preview" });
    await preview
      .locator('img[src^="/media/image/"][alt="Gummies on a yoga mat"]')
      .waitFor({ timeout: 90_000 })
      .catch(async (error) => {
        await s.shot("no-preview");
        throw error;
      });

    const { items } = await call<{ items: Array<{ id: string; prompt: string }> }>(
      page,
      "media.list",
      { limit: 1 },
      false,
    );
    yogaId = items[0]?.id as string;
    expect(items[0]?.prompt).toBe("Gummies on a yoga mat");

    // One entry: "Post" (there is no separate Schedule Post button any more).
    expect(await preview.getByRole("button", { name: "Schedule Post" }).count()).toBe(0);
    await preview.getByRole("button", { name: "Post", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.waitFor();
    expect(await dialog.getByRole("radio", { name: "Now" }).isChecked()).toBe(true);
    await dialog.getByRole("checkbox", { name: /^Instagram @streamline\.studio/ }).check();
    await dialog.getByRole("checkbox", { name: /^X @streamline_ai/ }).check();

    // Captions missing for both: one click writes them here (one caption call), with counters.
    await dialog.getByText("No caption yet for Instagram, X", { exact: false }).waitFor();
    const callsBefore = s.mocks.openaiCaptions.requests.length;
    await dialog.getByRole("button", { name: "Write captions for Instagram, X" }).click();
    const instagram = dialog.getByLabel("Instagram caption");
    await expect.poll(() => instagram.inputValue(), { timeout: 30_000 }).not.toBe("");
    await expect.poll(() => dialog.getByLabel("X post").inputValue()).not.toBe("");
    expect(s.mocks.openaiCaptions.requests.length).toBe(callsBefore + 1);
    await dialog.getByText(/\/ 2,200$/).waitFor();
    await dialog.getByText(/\/ 280 \(weighted\)/).waitFor();
    await dialog
      .getByText(/hashtags$/)
      .first()
      .waitFor();
    await expect
      .poll(() => dialog.getByRole("button", { name: /^Write captions? for/ }).count())
      .toBe(0);
    await s.shot("captions-written");
    await auditPage(page, "post dialog with captions", audited);

    // The preview: Instagram's feed folds after ~125 characters behind "… more".
    const long =
      "Morning stretch, then gummies: creatine that tastes like candy and fits in a gym bag. " +
      "Tap the link in bio for the starter pack and a free shaker. #gummies #yoga";
    await instagram.fill(long);
    const previews = dialog.getByRole("region", { name: "How it will look" });
    await previews.getByRole("tab", { name: /Instagram/ }).click();
    const igCard = previews.getByRole("tabpanel");
    await igCard.getByRole("button", { name: "… more" }).waitFor();
    const shown = (await igCard.getByTestId("preview-caption").textContent()) ?? "";
    expect(shown.startsWith("Morning stretch, then gummies")).toBe(true);
    expect(shown).not.toContain("free shaker");
    await igCard.getByText(/shows the first 1\d\d characters/).waitFor();
    await igCard.getByRole("button", { name: "… more" }).click();
    await igCard.getByText(/free shaker/).waitFor();

    // X: cut at 280 weighted (a link counts 23): the rest is marked as not posted, and refused.
    const x = dialog.getByLabel("X post");
    const xText = `${"Gummies ".repeat(34)}https://example.com/${"a".repeat(60)} end`;
    await x.fill(xText);
    await previews.getByRole("tab", { name: /^X/ }).click();
    const xCard = previews.getByRole("tabpanel");
    await xCard.locator("del.preview-over").waitFor();
    expect(await xCard.locator("del.preview-over").textContent()).toContain("end");
    await xCard.getByText(/past X's limit are cut/).waitFor();
    const send = page.getByRole("button", { name: "Post now", exact: true });
    await expect.poll(() => send.isDisabled()).toBe(true);
    await s.shot("preview-cut");
    await page.setViewportSize(PHONE);
    await s.shot("preview-cut-390");
    await page.setViewportSize(LAPTOP);
    await auditPage(page, "post dialog preview", audited);
    await x.fill("Gummies after yoga #gummies");
    await expect.poll(() => xCard.locator("del.preview-over").count()).toBe(0);

    // Add to queue: each account's next free slot; X has no posting times, so it is refused.
    await dialog.getByRole("radio", { name: "Add to queue" }).check();
    const slots = dialog.getByRole("list", { name: "Next free slot per account" });
    await slots.getByText(/X @streamline_ai: no posting times yet/).waitFor();
    const queue = page.getByRole("button", { name: "Add to queue", exact: true });
    await dialog.getByText("Set posting times for every account first").waitFor();
    expect(await queue.isDisabled()).toBe(true);
    await dialog.getByRole("checkbox", { name: /^X @streamline_ai/ }).uncheck();
    const slot = slots.locator('[data-account="acc_instagram_1"] time');
    await slot.waitFor();
    expect(Date.parse((await slot.getAttribute("datetime")) as string)).toBe(
      Date.parse(next?.at as string),
    );
    await expect.poll(() => queue.isEnabled(), { timeout: 15_000 }).toBe(true);
    await s.shot("add-to-queue");
    await auditPage(page, "post dialog add to queue", audited);
    await queue.click();
    await dialog.waitFor({ state: "detached" });
    await page.getByText(/^Added to the queue: Instagram /).waitFor();

    // Zernio received the post at that slot's local time and timezone, the caption as typed.
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.create").length, { timeout: 20_000 })
      .toBe(2);
    const body = s.zernio.fake.requestsTo("posts.create")[1]?.json as Record<string, unknown>;
    expect(body).toMatchObject({ scheduledFor: next?.local, timezone: BERLIN, content: long });
    expect(body.publishNow).not.toBe(true);
    await preview
      .getByText(/Scheduled for/)
      .first()
      .waitFor({ timeout: 20_000 });
    await s.shot("queued");
  }, 240_000);

  it("posts two history results as a carousel, in the order set in the dialog", async () => {
    // Picked in the history: the shelf first, then the yoga mat.
    await page.getByRole("checkbox", { name: "Select image: Gummies on a shelf" }).check();
    await page.getByRole("checkbox", { name: "Select image: Gummies on a yoga mat" }).check();
    await page
      .getByRole("region", { name: "Selected results" })
      .getByRole("button", { name: "Post as carousel" })
      .click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    const order = dialog.getByRole("group", { name: /^Media order \(2 items/ });
    await order.waitFor();
    const srcs = () =>
      order.getByRole("img").evaluateAll((imgs) => imgs.map((i) => i.getAttribute("src")));
    const picked = await srcs();
    expect(picked).toHaveLength(2);
    // The yoga mat becomes the cover.
    await order.getByRole("button", { name: "Move item 2 earlier" }).click();
    expect(await srcs()).toEqual([picked[1], picked[0]]);
    await dialog.getByRole("checkbox", { name: /^Instagram @streamline\.studio/ }).check();
    // The cover's captions: the Instagram one written in the dialog before.
    await expect.poll(() => dialog.getByLabel("Instagram caption").inputValue()).not.toBe("");
    const look = dialog.getByRole("region", { name: "How it will look" });
    await look.getByText("Carousel: 2 items in this order").waitFor();
    expect(
      await look
        .getByRole("list", { name: "Instagram media order" })
        .getByRole("img")
        .evaluateAll((imgs) => imgs.map((i) => i.getAttribute("src"))),
    ).toEqual([picked[1], picked[0]]);
    await auditPage(page, "post dialog carousel", audited);
    await s.shot("carousel");
    const before = s.zernio.fake.requestsTo("posts.create").length;
    const send = dialog.getByRole("button", { name: "Post now", exact: true });
    await expect.poll(() => send.isEnabled(), { timeout: 15_000 }).toBe(true);
    await send.click();
    await dialog.waitFor({ state: "detached" });

    // One post, its media in the dialog's order.
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.create").length, { timeout: 20_000 })
      .toBe(before + 1);
    const body = s.zernio.fake.requestsTo("posts.create")[before]?.json as {
      mediaItems?: unknown[];
    };
    expect(body.mediaItems).toHaveLength(2);
    const listed = await call<{ items: Array<{ media: Array<{ assetId: string }> }> }>(
      page,
      "social.list",
      { view: "all", limit: 10 },
      false,
    );
    expect(listed.items.map((p) => p.media.map((m) => m.assetId))).toContainEqual([
      yogaId,
      otherId,
    ]);
  }, 180_000);
});

// One web mode is enough here (the build when it is run): this is the server's refusal, shown.
const CAP_MODE = WEB_MODES.includes("dist") ? "dist" : (WEB_MODES[0] ?? "dist");

describe(`the Post dialog at the daily spend cap (${CAP_MODE})`, () => {
  let s: ZernioStack<CaptionMocks> | undefined;

  afterAll(async () => {
    await s?.close();
  });

  it("refuses to write captions with the caption panel's message, and calls no provider", async () => {
    s = await startBrowserStack({
      mode: CAP_MODE,
      mocks: () => startCaptionMocks({ imageDelayMs: 0 }),
      zernio: startZernio,
      // One image ($0.053) reaches the cap: any caption's reservation passes it.
      env: { MEDIA_DAILY_SPEND_USD: "0.053" },
      // As before: motion not reduced.
      context: { reducedMotion: null },
    });
    const { page, mocks, browser } = s;
    await signUp(page, s.web.url, {
      name: "Casey Cap",
      email: "cap-dialog@example.com",
      from: "/sign-up",
    });
    await page.getByLabel("Describe your product / scene").fill("Gummies at the cap");
    await page.getByRole("button", { name: "Generate Media" }).click();
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.locator('img[src^="/media/image/"]').waitFor({ timeout: 60_000 });

    await preview.getByRole("button", { name: "Post", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.getByRole("checkbox", { name: /^Instagram @streamline\.studio/ }).check();
    await dialog.getByRole("button", { name: "Write caption for Instagram" }).click();
    await dialog
      .getByRole("alert")
      .getByText(/Daily spend cap reached/)
      .waitFor();
    expect(mocks.openaiCaptions.requests).toHaveLength(0);
    expect(await dialog.getByLabel("Instagram caption").inputValue()).toBe("");
    expect(cspViolations(browser)).toEqual([]);
  }, 180_000);
});
