// Captions and posting in Debian's Chromium against the real server: provider + caption mocks and
// the Zernio fake over loopback HTTP. Generate an image → Generate Caption → edit Instagram →
// schedule it for tomorrow 09:00 Europe/Berlin to two accounts (Zernio gets exactly one post and
// one upload) → "Scheduled"; a video posted now ends "Published" with a link; without a Zernio key
// the dialog says what to configure. Screenshots under e2e-artifacts/social-<mode>/.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ZernioFake } from "@streamline/fakes/zernio";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserStack,
  type CaptionMocks,
  type FakeZernio,
  startBrowserStack,
  startCaptionMocks,
  startFakeZernio,
  WEB_MODES,
} from "./stack";
import { chooseModel, dayIn, signUp } from "./steps";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");
const BERLIN = "Europe/Berlin";
// The browser's own timezone, so the dialog's default is visibly not Berlin.
const BROWSER_ZONE = "America/New_York";

// Single-team mode: every account of the workspace is the user's (no per-user profile to connect).
const startZernio = () =>
  startFakeZernio({ sharedAccounts: true, fake: { publishDurationMs: 300 } });

type Stack = BrowserStack<CaptionMocks, FakeZernio | undefined>;

/** Media and caption mocks, the Zernio fake (or none), the studio and Chromium in New York. */
function startStack(mode: "dev" | "dist", withZernio: boolean, artifacts: string) {
  return startBrowserStack<CaptionMocks, FakeZernio | undefined>({
    mode,
    artifacts,
    mocks: () => startCaptionMocks({ imageDelayMs: 800 }),
    ...(withZernio ? { zernio: startZernio } : {}),
    env: { POST_POLL_MIN_MS: "200", POST_POLL_MAX_MS: "500", ZERNIO_RETRY_MIN_DELAY_MS: "5" },
    context: { viewport: { width: 1280, height: 900 }, timezoneId: BROWSER_ZONE },
  });
}

async function generateImage(page: Page, prompt: string) {
  await chooseModel(page, /^GPT Image 2 OpenAI/);
  await page.getByLabel("Describe your product / scene").fill(prompt);
  await page.getByRole("button", { name: "Generate Media" }).click();
  const preview = page.getByRole("region", { name: "Preview" });
  await preview.locator('img[src^="/media/image/"]').waitFor({ timeout: 30_000 });
  return preview;
}

describe.each(WEB_MODES)("captions and posting in the browser (%s)", (mode) => {
  let s: Stack;

  beforeAll(async () => {
    s = await startStack(mode, true, path.join(ARTIFACTS, `social-${mode}`));
    await signUp(s.page, s.web.url, { name: "Sam Poster", email: `poster-${mode}@example.com` });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("captions an image, edits Instagram, schedules it for tomorrow 09:00 Berlin to two accounts", async () => {
    const { page } = s;
    const preview = await generateImage(page, "Creatine gummies on a gym bench, morning light");

    // Generate Caption: a panel with platform tabs; one provider call writes them all.
    await preview.getByRole("button", { name: "Generate Caption" }).click();
    const panel = preview.getByRole("region", { name: "Captions" });
    await panel.getByRole("button", { name: "Generate captions" }).click();
    const instagram = panel.getByLabel("Instagram caption");
    await expect.poll(() => instagram.inputValue(), { timeout: 30_000 }).not.toBe("");
    expect(s.mocks.openaiCaptions.requests.length).toBe(1);
    await panel.getByRole("tab", { name: /^X/ }).click();
    await panel.getByLabel("X post").waitFor();
    await panel.getByText(/\/ 280 \(weighted\)/).waitFor();
    await s.shot("captions-generated");

    // Edit Instagram: live counter, then saved as a new version.
    await panel.getByRole("tab", { name: /^Instagram/ }).click();
    const edited = "Leg day fuel: creatine gummies that taste like candy. #gummies #legday";
    await instagram.fill(edited);
    await panel.getByText(`${[...edited].length} / 2,200`).waitFor();
    await panel.getByRole("button", { name: "Save edit" }).click();
    await panel.getByText("2 versions").waitFor();
    await s.shot("caption-edited");

    // Post → At a time: the dialog, its accounts, the caption prefilled from the latest version.
    await preview.getByRole("button", { name: "Post", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.waitFor();
    await dialog.getByRole("radio", { name: "At a time" }).check();
    const linkedin = dialog.getByRole("checkbox", { name: /^LinkedIn/ });
    expect(await linkedin.isDisabled()).toBe(true);
    await dialog
      .getByText(/reconnect it in Zernio/)
      .first()
      .waitFor();
    await dialog.getByRole("checkbox", { name: /^Instagram @streamline\.studio/ }).check();
    await dialog.getByRole("checkbox", { name: /^X @streamline_ai/ }).check();
    expect(await dialog.getByLabel("Instagram caption").inputValue()).toBe(edited);
    // The browser's timezone by default, shown explicitly; changed to Berlin.
    const zone = dialog.getByLabel("Timezone");
    expect(await zone.inputValue()).toBe(BROWSER_ZONE);
    await dialog.getByText(`Times are in ${BROWSER_ZONE}`, { exact: false }).waitFor();
    const day = dayIn(BERLIN, 1);
    await dialog.getByLabel("Date and time").fill(`${day}T09:00`);
    await zone.fill(BERLIN);
    await dialog.getByText(`Times are in ${BERLIN}`, { exact: false }).waitFor();
    // Zernio's rules (issue 19): over 5 Instagram hashtags is a warning that lets the post go, over
    // 30 a refusal that turns Schedule off; fixing it turns it on again.
    const igField = dialog.getByLabel("Instagram caption");
    const scheduleButton = dialog.getByRole("button", { name: "Schedule", exact: true });
    await igField.fill(`${edited} #a #b #c #d`);
    await dialog
      .getByText(/Instagram recommends at most 5 hashtags/)
      .first()
      .waitFor();
    await expect.poll(() => scheduleButton.isEnabled()).toBe(true);
    const tags = Array.from({ length: 31 }, (_, i) => `#t${i}`).join(" ");
    await igField.fill(`${edited} ${tags}`);
    await dialog
      .getByText(/Instagram allows 30 hashtags/)
      .first()
      .waitFor();
    await expect.poll(() => scheduleButton.isDisabled()).toBe(true);
    await s.shot("schedule-refused");
    await igField.fill(edited);
    await expect.poll(() => scheduleButton.isEnabled()).toBe(true);
    await s.shot("schedule-dialog");
    await scheduleButton.dblclick();
    await dialog.waitFor({ state: "detached" });

    // The card: per-platform chips, "Scheduled for …".
    const chips = preview.locator(".post-chip.chip-scheduled");
    await expect.poll(() => chips.count(), { timeout: 20_000 }).toBe(2);
    await preview
      .getByText(/Scheduled for/)
      .first()
      .waitFor();

    // Zernio got exactly one post with those fields, and one media upload.
    const zernio = s.zernio?.fake as ZernioFake;
    await expect.poll(() => zernio.requestsTo("posts.create").length, { timeout: 20_000 }).toBe(1);
    const body = zernio.requestsTo("posts.create")[0]?.json as Record<string, unknown>;
    expect(body).toMatchObject({
      scheduledFor: `${day}T09:00`,
      timezone: BERLIN,
      content: edited,
    });
    const platforms = body.platforms as Array<{ platform: string; accountId: string }>;
    expect(platforms.map((p) => [p.platform, p.accountId])).toEqual([
      ["instagram", "acc_instagram_1"],
      ["twitter", "acc_twitter_1"],
    ]);
    expect(body.publishNow).not.toBe(true);
    expect(zernio.uploads).toHaveLength(1);
    expect(zernio.uploads[0]?.contentType).toBe("image/png");
    await page.waitForTimeout(1_000);
    expect(zernio.requestsTo("posts.create")).toHaveLength(1);
    await s.shot("scheduled");
  });

  it("posts a video now: the card ends Published with a link", async () => {
    const { page } = s;
    await chooseModel(page, /^Sora 2 OpenAI/);
    await page.getByLabel("Duration (s)").selectOption("4");
    await page.getByLabel("Describe your product / scene").fill("Selfie video with gummies");
    await page.getByRole("button", { name: "Generate Media" }).click();
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.locator("video").waitFor({ timeout: 60_000 });

    await preview.getByRole("button", { name: "Post", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.waitFor();
    expect(await dialog.getByRole("radio", { name: "Now" }).isChecked()).toBe(true);
    await dialog.getByRole("checkbox", { name: /^TikTok/ }).check();
    await dialog.getByLabel("TikTok caption").fill("Gummies, but make it a workout #fitness");
    // TikTok asks for consent per post: Post now stays refused until it is given.
    await dialog.getByText(/TikTok: confirm that you agree/).waitFor();
    await dialog.getByRole("checkbox", { name: "Allow comments" }).check();
    await dialog.getByRole("checkbox", { name: /I agree to publish this to TikTok/ }).check();
    // "Who can view": the creator's privacy levels (creator-info), none pre-selected.
    await dialog.getByText("Choose who can view the TikTok post").first().waitFor();
    await dialog.getByLabel("Who can view").selectOption({ label: "Followers" });
    await s.shot("post-now-dialog");
    await dialog.getByRole("button", { name: "Post now", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    const published = preview.locator(".post-chip.chip-published a");
    await published.waitFor({ timeout: 30_000 });
    expect(await published.getAttribute("href")).toMatch(/^https?:\/\//);
    expect(await published.textContent()).toContain("Published");
    const zernio = s.zernio?.fake as ZernioFake;
    const posts = zernio.requestsTo("posts.create");
    expect(posts).toHaveLength(2);
    expect(posts[1]?.json).toMatchObject({
      publishNow: true,
      platforms: [
        {
          platform: "tiktok",
          platformSpecificData: {
            allowComment: true,
            allowDuet: false,
            allowStitch: false,
            contentPreviewConfirmed: true,
            expressConsentGiven: true,
            privacyLevel: "FOLLOWER_OF_CREATOR",
          },
        },
      ],
    });
    await s.shot("published");
  });
});

describe("posting without a Zernio key (dist)", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack("dist", false, path.join(ARTIFACTS, "social-no-key"));
    await signUp(s.page, s.web.url, { name: "Sam Poster", email: "nokey@example.com" });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("says what to configure, and nothing crashes", async () => {
    const { page } = s;
    const preview = await generateImage(page, "Gummies on a towel");
    await preview.getByRole("button", { name: "Post", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.getByText("Posting is not set up.").waitFor();
    await dialog
      .getByText(/ZERNIO_API_KEY/)
      .first()
      .waitFor();
    await s.shot("no-key");
    // Escape closes it; focus is back on the button that opened it.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    // Radix gives focus back in the effect after the dialog unmounts: look until it has.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim() ?? ""))
      .toBe("Post");
  });
});
