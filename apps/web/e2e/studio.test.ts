// The studio in Debian's Chromium against the real server (PGlite, provider mocks over loopback
// HTTP), one user's journey in order: each step builds on the previous one and leaves a
// screenshot in e2e-artifacts/ (git-ignored).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gradientPng } from "@streamline/fakes/providers";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPage, LAPTOP, PHONE } from "./audit";
import {
  type BrowserStack,
  skipAfterFailure,
  startBrowserStack,
  startStudioServer,
  WEB_MODES,
} from "./stack";
import { chooseModel, openModelPicker } from "./steps";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

describe.each(WEB_MODES)("AI Studio in the browser (%s)", (WEB_MODE) => {
  let s: BrowserStack;
  let page: Page;
  const audited = { runs: 0, states: 0 };
  let preview: Locator;
  /** axe-core at both widths and both colour schemes (audit.ts). */
  const audit = (state: string) => auditPage(page, state, audited);
  /** The sticky header's bottom edge, and whether a box lies fully between it and the fold. */
  const inView = (locator: Locator) =>
    locator.evaluate((node) => {
      const header = document.querySelector(".topbar")?.getBoundingClientRect().bottom ?? 0;
      const box = node.getBoundingClientRect();
      return box.top >= header - 1 && box.bottom <= window.innerHeight + 1;
    });
  const focusedIs = (selector: string) =>
    page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
  const toast = (text: string | RegExp) =>
    page.locator("[data-sonner-toast]").filter({ hasText: text }).first();
  const prompt = () => page.getByLabel("Describe your product / scene");
  const generateButton = () => page.getByRole("button", { name: "Generate Media" });

  beforeAll(async () => {
    s = await startBrowserStack({
      mode: WEB_MODE,
      artifacts: path.join(ARTIFACTS, WEB_MODE),
      // Scrolls land at once (reduced motion); one step below checks the smooth path too.
      context: { acceptDownloads: true },
      prepare: (context, web) =>
        context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: web.url }),
      // A full-page capture of a scrolled page would paint the sticky header mid-page; toasts
      // finish sliding in.
      shots: { scrollToTop: true, settleMs: 400 },
    });
    page = s.page;
    preview = page.getByRole("region", { name: "Preview" });
  });

  // One journey: once a step fails, the later ones (built on it) are skipped, not failed again.
  skipAfterFailure();

  afterAll(async () => {
    console.log(`[e2e ${WEB_MODE}] axe: ${audited.states} states, ${audited.runs} runs`);
    await s?.close();
  });

  it("sends a signed-out visitor to sign-in, and signs up into the studio", async () => {
    await page.goto(`${s.web.url}/`);
    await page.waitForURL(/\/sign-in\?next=%2Fai-studio$/);
    await expect.poll(() => page.title()).toBe("Sign in · Streamline AI Studio");
    await audit("sign-in");
    await page.getByRole("link", { name: "Create an account" }).click();
    await expect.poll(() => page.title()).toBe("Create your account · Streamline AI Studio");
    await page.getByLabel("Name").fill("Dana Maker");
    await page.getByLabel("Email").fill("dana@example.com");
    await page.getByLabel("Password", { exact: true }).fill("short");
    // Show-password: the field turns to text and back.
    const password = page.getByLabel("Password", { exact: true });
    await page.getByRole("button", { name: "Show password" }).click();
    expect(await password.getAttribute("type")).toBe("text");
    expect(
      await page.getByRole("button", { name: "Hide password" }).getAttribute("aria-pressed"),
    ).toBe("true");
    await page.getByRole("button", { name: "Hide password" }).click();
    expect(await password.getAttribute("type")).toBe("password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Use at least 10 characters.").waitFor();
    await audit("sign-up with an error");
    await password.fill("gummies4ever");
    await s.shot("sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/ai-studio$/);
    await page.getByRole("heading", { name: "Create" }).waitFor();
    await expect.poll(() => page.title()).toBe("AI Studio · Streamline AI Studio");
    await page.getByRole("button", { name: /Dana Maker/ }).waitFor();
    await page.locator(".feed-live").waitFor();
    // Prompt, photo, model and Generate above the fold of a laptop screen, without scrolling.
    for (const control of [
      prompt(),
      page.locator(".dropzone"),
      page.getByRole("button", { name: /^Model\b/ }),
      generateButton(),
    ]) {
      expect(await inView(control), "above the fold at 1280x800").toBe(true);
    }
    await audit("studio, empty");
    await s.shot("studio");
    // The dev log names the address to open: Vite's studio URL, and the API server's hint.
    if (WEB_MODE === "dev") {
      expect(s.web.output()).toContain(`Studio:  ${s.web.url}/ai-studio`);
      expect(s.server.output()).toMatch(/Open the studio: http:\/\/[\w.]+:\d+\/ai-studio/);
    } else {
      expect(s.server.output()).toContain(`Open the studio: ${s.web.url}/ai-studio`);
    }
  });

  it("first run: waits for an API that is not up yet, and carries on by itself", async () => {
    let refused = 0;
    await page.route("**/api/auth/get-session*", async (route) => {
      if (refused++ < 2) return route.fulfill({ status: 502, body: "Bad Gateway" });
      await route.continue();
    });
    await page.reload();
    await page.getByText("Waiting for the studio server…").waitFor();
    await audit("waiting for the server");
    await s.shot("waiting-for-server");
    // No reload: the retries (1 s, 2 s) find the server and the studio appears.
    await page.getByRole("heading", { name: "Create" }).waitFor({ timeout: 15_000 });
    expect(refused).toBeGreaterThanOrEqual(3);
    await page.unroute("**/api/auth/get-session*");
  });

  it("generates an image from a prompt and a reference photo: progress, preview, download", async () => {
    const panel = await openModelPicker(page);
    // Grouped, searchable, the defaults first.
    await panel.getByRole("group", { name: "Image models" }).waitFor();
    await panel.getByRole("group", { name: "Video models" }).waitFor();
    await audit("model picker open");
    await s.shot("model-picker");
    await panel.getByLabel("Search models").fill("sora");
    await expect.poll(() => panel.getByRole("group", { name: "Image models" }).count()).toBe(0);
    await panel.getByLabel("Search models").fill("");
    await page.keyboard.press("Escape");
    expect(await focusedIs(".model-trigger")).toBe(true);
    await chooseModel(page, /^GPT Image 2 OpenAI/);
    await page.locator('input[type="file"]').setInputFiles({
      name: "gummies.png",
      mimeType: "image/png",
      buffer: Buffer.from(gradientPng(320, 240)),
    });
    await page.getByAltText("Your reference: gummies.png").waitFor();
    await prompt().fill("Stylized product photo of creatine gummies in a gym bag");
    await page.getByLabel("Quality").selectOption("low");
    await s.shot("image-form");
    // A double click makes one generation (and one provider call), never two.
    await generateButton().dblclick();

    const bar = preview.getByRole("progressbar");
    await bar.waitFor();
    // Focus follows the result; the result and its progress are in view, not under the header.
    await expect.poll(() => focusedIs("section.preview")).toBe(true);
    await expect.poll(() => inView(preview.locator(".asset-media"))).toBe(true);
    await audit("image in progress");
    await s.shot("image-progress");
    const image = preview.locator('img[src^="/media/image/"]');
    await image.waitFor({ timeout: 30_000 });
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1024);
    expect(await inView(image)).toBe(true);
    // Made with a reference photo: the card says so, with a thumbnail.
    await preview.getByText("with reference").waitFor();
    // The spend meter counts the delivered image's charge against the daily cap.
    await page.getByText(/^Today \$0\.0\d+ of \$\d+\.00$/).waitFor();
    expect(Number(await page.locator("#spend-meter").getAttribute("value"))).toBeGreaterThan(0);
    await audit("image ready");
    await s.shot("image-preview");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      preview.getByRole("link", { name: "Download" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^streamline-image-[0-9a-f]{8}\.png$/);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 4)]).toEqual(PNG_MAGIC);
    // The photo reached the provider as an edit of the reference, with the chosen quality.
    const edits = s.mocks.openai.requestsTo("images.edit");
    expect(edits).toHaveLength(1);
    expect(edits[0]?.fields).toMatchObject({ model: "gpt-image-2", quality: "low" });
  });

  it("generates a video: the progress bar advances in view, then the video plays", async () => {
    await page.getByRole("button", { name: "Remove" }).click();
    await chooseModel(page, /^Sora 2 OpenAI/);
    await page.getByLabel("Duration (s)").selectOption("4");
    await prompt().fill("8-sec selfie-style video reviewing creatine gummies");
    await generateButton().click();

    const seen: number[] = [];
    const video = preview.locator("video");
    const bar = preview.getByRole("progressbar");
    const deadline = Date.now() + 60_000;
    let barInView = false;
    while (Date.now() < deadline && (await video.count()) === 0) {
      const now = await bar.getAttribute("aria-valuenow", { timeout: 500 }).catch(() => null);
      if (now !== null && Number(now) !== seen.at(-1)) {
        seen.push(Number(now));
        barInView ||= await inView(bar).catch(() => false);
        if (seen.length === 3) await s.shot("video-progress");
      }
      await page.waitForTimeout(80);
    }
    expect(seen.length, `progress seen: ${seen}`).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(barInView, "the progress bar was in view").toBe(true);

    await video.waitFor();
    expect(await video.getAttribute("poster")).toMatch(/^\/media\/thumb\//);
    // What was delivered, read from the file (the mock's 4 s 360x640 clip), and its charge.
    await preview.getByText(/^4 s · 360×640 · 9:16/).waitFor();
    expect(await inView(video)).toBe(true);
    // Opened, it plays (muted; reduced motion is emulated here, so started by hand).
    await video.evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      await v.play();
    });
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 2 && v.currentTime > 0))
      .toBe(true);
    await audit("video ready");
    await s.shot("video-playing");

    // In the grid the video is a still with no controls: nothing inside it takes focus.
    const history = page.getByRole("list", { name: "Your generations" });
    const card = history.locator('article[data-status="succeeded"]').filter({ hasText: "Sora 2" });
    await card.locator(".asset-media img").waitFor();
    expect(await card.locator("video").count()).toBe(0);
    expect(
      await card
        .locator(".asset-media")
        .evaluate((m) => m.querySelectorAll("a, button, video, [tabindex]").length),
    ).toBe(0);
  });

  it("at the concurrency limit the button says why; then frees itself", async () => {
    // The e2e server allows one generation at a time (MEDIA_MAX_CONCURRENT_PER_USER=1).
    await prompt().fill("Second take: unboxing the gummies");
    await generateButton().click();
    await preview.getByRole("progressbar").waitFor();
    // media.usage names the limit and the running count; it refreshes on the job's own events.
    const note = generateButton().getByText("1 of 1 running");
    await note.waitFor();
    expect(await generateButton().getAttribute("aria-disabled")).toBe("true");
    await page.getByText(/the most this account runs at once/).waitFor();
    await s.shot("concurrency-limit");
    await preview.locator("video").waitFor({ timeout: 60_000 });
    await note.waitFor({ state: "detached" });
    expect(await generateButton().getAttribute("aria-disabled")).toBe("false");
  });

  it("deletes the video after confirming; focus moves to the preview", async () => {
    await preview.getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete this video?" });
    await dialog.waitFor();
    await audit("delete dialog");
    await s.shot("delete-confirm");
    const before = await page
      .getByRole("list", { name: "Your generations" })
      .getByRole("listitem")
      .count();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await toast("Deleted").waitFor();
    await preview.getByText("appears here the moment it is ready").waitFor();
    await expect.poll(() => focusedIs("section.preview")).toBe(true);
    const history = page.getByRole("list", { name: "Your generations" });
    await expect.poll(() => history.getByRole("listitem").count()).toBe(before - 1);
    await s.shot("deleted");
  });

  it("shows field errors: a prompt too long or empty, a photo the server refuses, a PDF named .png", async () => {
    await chooseModel(page, /^GPT Image 2 OpenAI/);
    await prompt().fill("x".repeat(4_001));
    const promptError = page.locator("#prompt-error");
    await promptError.getByText("Keep the prompt under 4,000 characters.").waitFor();
    expect(await generateButton().getAttribute("aria-disabled")).toBe("true");
    expect(await prompt().getAttribute("aria-invalid")).toBe("true");
    // The counter is read with the field, not announced on every keystroke.
    expect(await page.locator("#prompt-count").getAttribute("aria-live")).toBeNull();
    await audit("prompt too long");
    await s.shot("prompt-too-long");

    await prompt().fill("");
    await prompt().press("Control+Enter");
    await promptError.getByText("Describe what to generate.").waitFor();

    // A PDF renamed .png: the browser reads the bytes and refuses it before any upload.
    await page.locator('input[type="file"]').setInputFiles({
      name: "brochure.png",
      mimeType: "image/png",
      buffer: Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"),
    });
    const fieldError = page.locator("#reference-error");
    await fieldError
      .getByText("“brochure.png” is not really a PNG, JPEG or WebP image (it is a PDF).")
      .waitFor();
    expect(await page.getByAltText("Your reference: brochure.png").count()).toBe(0);
    await s.shot("pdf-refused");

    // 8×8 passes the browser's type and size checks; the server reads the pixels and says no.
    await prompt().fill("Gummies on a bench");
    await page.locator('input[type="file"]').setInputFiles({
      name: "tiny.png",
      mimeType: "image/png",
      buffer: Buffer.from(gradientPng(8, 8)),
    });
    await generateButton().click();
    await fieldError.getByText(/between 16 and/).waitFor();
    await audit("reference refused by the server");
    await s.shot("reference-refused");
    await page.getByRole("button", { name: "Remove" }).click();
  });

  it("takes a photo by drag-and-drop or paste, refuses other types, switches off a retired model", async () => {
    const put = (how: "drop" | "paste", name: string, type: string, bytes: number[]) =>
      page.evaluate(
        ({ how, name, type, bytes }) => {
          const data = new DataTransfer();
          data.items.add(new File([new Uint8Array(bytes)], name, { type }));
          if (how === "paste") {
            window.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data }));
          } else {
            const zone = document.querySelector(".dropzone");
            zone?.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true }));
          }
        },
        { how, name, type, bytes },
      );
    await put("drop", "dropped.png", "image/png", [...gradientPng(64, 64)]);
    await page.getByText("dropped.png").waitFor();
    await page.getByRole("button", { name: "Remove" }).click();
    await put("paste", "pasted.png", "image/png", [...gradientPng(64, 64)]);
    await page.getByText("pasted.png").waitFor();
    await page.getByRole("button", { name: "Remove" }).click();
    await put("drop", "anim.gif", "image/gif", [0x47, 0x49, 0x46, 0x38]);
    await page.locator("#reference-error").getByText("is not a PNG, JPEG or WebP image").waitFor();
    await s.shot("photo-refused");

    // Retired models are folded under "Retired", with a one-click switch to their replacement.
    const panel = await openModelPicker(page);
    await panel.getByText(/^Retired \(\d+\)$/).click();
    const retired = panel.getByRole("button", { name: /^GPT Image 1 OpenAI Retired/ });
    expect(await retired.getAttribute("aria-disabled")).toBe("true");
    const note = panel
      .locator(".model-item", {
        has: page.getByRole("button", { name: /^GPT Image 1 OpenAI Retired/ }),
      })
      .locator(".model-note");
    // Plain words: labels, not ids, and no glued sentences ("…instead.Use …").
    expect(await note.textContent()).not.toMatch(/[a-z)]\.[A-Z]|gpt-image-1\b/);
    await audit("retired models open");
    await s.shot("retired-models");
    // The replacement the catalog names (data, so this follows the next retirement).
    await note.getByRole("button", { name: "Use GPT Image 2.6 Sunburst instead" }).click();
    await expect
      .poll(() => page.getByRole("button", { name: /^Model\b/ }).textContent())
      .toMatch(/^GPT Image 2\.6 Sunburst/);
    await chooseModel(page, /^GPT Image 2 OpenAI/);
  });

  it("a provider failure: shown and announced once, in plain words, and Retry", async () => {
    const failure = { status: 500 };
    s.mocks.openai.failNext("images.generate", failure, failure, failure);
    await prompt().fill("Gummies on a kitchen counter");
    await generateButton().click();
    await preview.getByText("Generation failed").first().waitFor({ timeout: 30_000 });
    // The provider refused the create: nothing was billed, and a Retry is a new (charged) job.
    await preview.getByText("not charged").waitFor();
    // Announced once: the preview's status line, not also a toast or a second alert.
    await page.waitForTimeout(500);
    const announcers = await page.evaluate(
      () =>
        [...document.querySelectorAll('[role="status"], [role="alert"], [aria-live]')].filter(
          (node) =>
            node.textContent?.includes("Generation failed") &&
            !node.parentElement?.closest('[role="status"], [role="alert"], [aria-live]'),
        ).length,
    );
    expect(announcers).toBe(1);
    await audit("provider failed");
    await s.shot("provider-failed");
    await preview.getByRole("button", { name: "Retry" }).click();
    const confirm = page.getByRole("dialog", { name: "Start a new generation?" });
    await confirm.getByText(/charged as\) a new generation/).waitFor();
    await audit("retry dialog");
    await s.shot("retry-confirm");
    await confirm.getByRole("button", { name: "Start new generation" }).click();
    await preview.locator('img[src^="/media/image/"]').waitFor({ timeout: 30_000 });
    await s.shot("retried");

    // Google forgetting a job reads as what happened, not as "Invalid interaction name".
    s.mocks.google.failNext("interactions.get", {
      status: 400,
      error: { message: "Invalid interaction name: interactions/v1_abc" },
    });
    await chooseModel(page, /^Gemini Omni Flash Google/);
    await prompt().fill("Gummies, handheld, golden hour");
    await generateButton().click();
    await preview
      .getByText(/Google no longer has this job/)
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await preview.textContent()).not.toContain("Invalid interaction name");
    await s.shot("provider-plain-words");
    await chooseModel(page, /^GPT Image 2 OpenAI/);
  });

  it("Open from history: the result in view below the header, focus on it; the grid keeps shapes and one row of actions", async () => {
    const history = page.getByRole("list", { name: "Your generations" });
    const cards = history.locator("article");
    await expect.poll(() => cards.count()).toBeGreaterThanOrEqual(3);
    // Thumbnails are whole (contained), never cropped to the card's box.
    for (const img of await history.locator(".asset-media img").all()) {
      expect(await img.evaluate((n) => getComputedStyle(n).objectFit)).toBe("contain");
    }
    // Every card's actions on one row, at both widths.
    for (const viewport of [LAPTOP, PHONE]) {
      await page.setViewportSize(viewport);
      for (const row of await history.locator(".asset-actions").all()) {
        const tops = await row.evaluate((n) =>
          [...n.children].map((c) => Math.round((c as HTMLElement).getBoundingClientRect().top)),
        );
        expect(new Set(tops).size, `actions on one row at ${viewport.width}`).toBe(1);
      }
    }
    await page.setViewportSize(LAPTOP);

    // Shift+Tab upwards through the page: the sticky header never covers the focused control.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await cards.last().getByRole("button", { name: "Open" }).focus();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Shift+Tab");
      const covered = await page.evaluate(() => {
        const focused = document.activeElement;
        if (!focused || focused === document.body || focused.closest(".topbar")) return false;
        const header = document.querySelector(".topbar")?.getBoundingClientRect().bottom ?? 0;
        return focused.getBoundingClientRect().top < header - 1;
      });
      expect(covered, `focused control under the header after ${i + 1} Shift+Tab`).toBe(false);
    }

    // Open (the oldest: the image made with the reference photo), with smooth scrolling allowed.
    await page.emulateMedia({ reducedMotion: "no-preference" });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await cards.last().getByRole("button", { name: "Open" }).click();
    await expect.poll(() => focusedIs("section.preview")).toBe(true);
    await expect.poll(() => inView(preview.locator(".asset-media"))).toBe(true);
    await preview.getByText("with reference").waitFor();
    await page.emulateMedia({ reducedMotion: "reduce" });
    await s.shot("opened-from-history");
  });

  it("hints are Radix tooltips: on hover, and on keyboard focus describing the control", async () => {
    const history = page.getByRole("list", { name: "Your generations" });
    const star = history.locator("article").first().getByRole("button", { name: "Star" });
    const tip = page.getByRole("tooltip");
    await star.hover();
    await tip.waitFor({ state: "attached" });
    expect(await tip.textContent()).toMatch(/^(Star this result|Starred: press to unstar)$/);
    // Away from the button and its content (Radix keeps it open while the pointer crosses to it).
    await page.mouse.move(1, 1, { steps: 4 });
    await page.mouse.move(2, 2);
    await tip.waitFor({ state: "detached" });
    // Keyboard: focus opens it at once, the button keeps its name and is described by the hint.
    await star.focus();
    await tip.waitFor({ state: "attached" });
    expect(await star.getAttribute("aria-describedby")).toBe(await tip.getAttribute("id"));
    expect(await star.evaluate((n) => n === document.activeElement)).toBe(true);
    await audit("tooltip open");
    await star.blur();
    await tip.waitFor({ state: "detached" });
  });

  it("a provider key removed from the server: a toast, and a fallback to a model that works", async () => {
    await s.server.stop();
    s.server = await startStudioServer({
      ...s.env,
      GEMINI_API_KEY: "",
      PORT: String(s.server.port),
    });
    // The page still holds the catalog from before; the progress stream reconnects by itself.
    await chooseModel(page, /^Gemini Omni Flash Google/);
    await prompt().fill("Unboxing the gummies, handheld, morning light");
    await prompt().press("Control+Enter");
    await toast("Google Gemini is not configured — add GEMINI_API_KEY.").waitFor();
    await toast("Switched to Sora 2.").waitFor();
    await expect
      .poll(() => page.getByRole("button", { name: /^Model\b/ }).textContent())
      .toMatch(/^Sora 2\b/);
    const panel = await openModelPicker(page);
    const omni = panel.getByRole("button", { name: /^Gemini Omni Flash Google/ });
    expect(await omni.getAttribute("aria-disabled")).toBe("true");
    await panel.getByText("Google Gemini is not configured — add GEMINI_API_KEY").first().waitFor();
    await audit("key missing, toasts up");
    await s.shot("key-missing");
    await page.keyboard.press("Escape");
  });

  it("keeps the history, the draft and the last result across a reload", async () => {
    await chooseModel(page, /^GPT Image 2 OpenAI/);
    await page.getByLabel("Quality").selectOption("high");
    await prompt().fill("Draft: gummies on a beach towel");
    const shownId = await preview.locator("article").getAttribute("data-asset-id");
    await page.reload();
    const history = page.getByRole("list", { name: "Your generations" });
    await history.locator('img[src^="/media/image/"]').first().waitFor();
    await page.locator(".feed-live").waitFor();
    expect(await prompt().inputValue()).toBe("Draft: gummies on a beach towel");
    expect(await page.getByLabel("Quality").inputValue()).toBe("high");
    expect(await preview.locator("article").getAttribute("data-asset-id")).toBe(shownId);
    await audit("after reload");
    await s.shot("reload-history");
    const count = await history.getByRole("listitem").count();
    await page.getByLabel("Filter by type").selectOption("video");
    await expect.poll(() => history.getByRole("listitem").count()).toBeLessThan(count);
    await page.getByLabel("Filter by type").selectOption("");
    await page.getByLabel("Filter by status").selectOption("succeeded");
    await expect.poll(() => history.getByRole("listitem").count()).toBeLessThan(count);
    await page.getByLabel("Filter by status").selectOption("");
  });

  it("the account menu: named at 390 px, keyboard, Escape returns focus, never under a toast", async () => {
    const history = page.getByRole("list", { name: "Your generations" });
    for (const viewport of [PHONE, LAPTOP]) {
      await page.setViewportSize(viewport);
      // A toast up ("Deleted", from a grid card) while the menu opens; after the delete, focus
      // is on the card that took the deleted one's place, not lost to <body>.
      const cards = history.locator("article");
      const count = await cards.count();
      await cards.last().getByRole("button", { name: "Delete" }).click();
      await page
        .getByRole("dialog", { name: /^Delete this/ })
        .getByRole("button", { name: "Delete" })
        .click();
      await toast("Deleted").waitFor();
      await expect.poll(() => cards.count()).toBe(count - 1);
      await expect
        .poll(() =>
          page.evaluate(() => document.activeElement?.closest("article")?.isConnected ?? false),
        )
        .toBe(true);
      await page.evaluate(() => window.scrollTo(0, 0));
      const account = page.getByRole("button", { name: /Dana Maker/ });
      expect(await account.isVisible()).toBe(true);
      await account.click();
      const menu = page.getByRole("menu", { name: "Account" });
      await menu.waitFor();
      expect(await focusedIs('[role="menuitem"]')).toBe(true);
      const overlap = await page.evaluate(() => {
        const menuBox = document.querySelector(".menu")?.getBoundingClientRect();
        if (!menuBox) return true;
        return [...document.querySelectorAll("[data-sonner-toast]")].some((t) => {
          const b = t.getBoundingClientRect();
          return (
            b.left < menuBox.right &&
            b.right > menuBox.left &&
            b.top < menuBox.bottom &&
            b.bottom > menuBox.top
          );
        });
      });
      expect(overlap, `a toast covers the account menu at ${viewport.width}`).toBe(false);
      if (viewport === PHONE) {
        await audit("account menu open");
        await s.shot("account-menu-phone");
      }
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "detached" });
      expect(await focusedIs(".user-button")).toBe(true);
    }
    // Connection state in words for screen readers, also where only the dot is visible.
    await page.setViewportSize(PHONE);
    expect(await page.locator(".feed").textContent()).toContain("Live");
    await page.setViewportSize(LAPTOP);
  });

  it("API keys: create one, see it once and copy it, use it, list by prefix, revoke with confirm", async () => {
    await page.getByRole("button", { name: /Dana Maker/ }).click();
    await page.getByRole("menuitem", { name: "API keys" }).click();
    await page.waitForURL(/\/settings\/api-keys$/);
    await expect.poll(() => page.title()).toBe("API keys · Streamline AI Studio");
    await page.getByText("No keys yet.").waitFor();
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByText("Name the key").waitFor();
    await page.getByLabel("Name").fill("CLI on my laptop");
    await page.getByRole("button", { name: "Create key" }).click();
    const created = page.getByRole("region", { name: "Key “CLI on my laptop” created" });
    await created.waitFor();
    const key = await created.getByLabel("Your new API key").inputValue();
    expect(key.length).toBeGreaterThan(20);
    await created.getByRole("button", { name: "Copy" }).click();
    await toast("Key copied").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await audit("API key created");
    await s.shot("api-key-created");

    // The key works as the user…
    const me = (bearer: string) =>
      fetch(`${s.web.url}/trpc/me`, { headers: { authorization: `Bearer ${bearer}` } }).then(
        async (r) => ({ status: r.status, body: await r.text() }),
      );
    expect((await me(key)).body).toContain('"method":"api-key"');
    // …is listed by prefix only (never in full again), with when it was made and last used.
    await page.reload();
    await page.getByRole("heading", { name: "Your keys" }).waitFor();
    expect(await page.locator("body").textContent()).not.toContain(key);
    const row = page.getByRole("row", { name: /CLI on my laptop/ });
    await row
      .getByText(`${key.slice(0, 10)}`, { exact: false })
      .first()
      .waitFor();
    expect(await row.getByText("Never").count()).toBe(0);
    await row.getByRole("button", { name: "Revoke CLI on my laptop" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke “CLI on my laptop”?" });
    await dialog.waitFor();
    await audit("revoke dialog");
    await s.shot("api-key-revoke");
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await row.getByText("Revoked").waitFor();
    expect((await me(key)).body).not.toContain('"method":"api-key"');
    await audit("API keys page");
    await page.getByRole("link", { name: "← Back to the studio" }).click();
    await page.getByRole("heading", { name: "Create" }).waitFor();
  });

  it("signs out from the user menu and back in; a rate limit says when to try again", async () => {
    await page.getByRole("button", { name: /Dana Maker/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${s.web.url}/ai-studio`);
    await page.waitForURL(/\/sign-in\?next=%2Fai-studio$/);
    // Too many failed sign-ins for one address (the e2e server allows 2): when to try again.
    await page.getByLabel("Email").fill("nobody@example.com");
    const error = page.locator(".auth-card .field-error");
    for (let i = 0; i < 3; i++) {
      await page.getByLabel("Password", { exact: true }).fill(`wrong-password-${i}`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await error.waitFor();
      if (/Try again in/.test((await error.textContent()) ?? "")) break;
      await page.waitForTimeout(200);
    }
    expect(await error.textContent()).toMatch(/Try again in \d+ (seconds?|minutes?)\./);
    await audit("sign-in rate limited");
    await s.shot("sign-in-rate-limited");
    await page.getByLabel("Email").fill("dana@example.com");
    await page.getByLabel("Password", { exact: true }).fill("wrong-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => error.textContent()).not.toMatch(/Too many/);
    await page.getByLabel("Password", { exact: true }).fill("gummies4ever");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/ai-studio$/);
    await page.getByRole("list", { name: "Your generations" }).waitFor();
  });

  it("fits a phone screen", async () => {
    await page.setViewportSize(PHONE);
    await page.getByRole("heading", { name: "Create" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(390);
    await s.shot("phone");
    await page.goto(`${s.web.url}/no-such-page`);
    await expect.poll(() => page.title()).toBe("Page not found · Streamline AI Studio");
    await audit("not found");
    await page.setViewportSize(LAPTOP);
  });

  it("is fast: compressed assets and API answers, a real robots.txt, layout stable (CLS ≤ 0.05)", async () => {
    const robots = await fetch(`${s.web.url}/robots.txt`);
    expect(robots.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await robots.text()).toMatch(/^User-agent: \*/);
    const api = await fetch(`${s.web.url}/trpc/media.models`, {
      headers: { "accept-encoding": "br, gzip" },
    });
    expect(api.headers.get("content-encoding")).toMatch(/^(br|gzip)$/);
    if (WEB_MODE === "dist") {
      const html = await (await fetch(`${s.web.url}/ai-studio`)).text();
      const script = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const asset = await fetch(`${s.web.url}${script}`, {
        headers: { "accept-encoding": "br, gzip" },
      });
      expect(asset.headers.get("content-encoding")).toBe("br");
    }
    // Layout shifts of a fresh load of the studio, signed in, at both widths.
    for (const viewport of [LAPTOP, PHONE]) {
      const fresh = await s.context.newPage();
      await fresh.setViewportSize(viewport);
      await fresh.addInitScript(() => {
        const w = window as unknown as { __cls: number };
        w.__cls = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & {
            value: number;
            hadRecentInput: boolean;
          })[]) {
            if (!entry.hadRecentInput) w.__cls += entry.value;
          }
        }).observe({ type: "layout-shift", buffered: true });
      });
      await fresh.goto(`${s.web.url}/ai-studio`);
      await fresh.getByRole("list", { name: "Your generations" }).locator("img").first().waitFor();
      await fresh.waitForTimeout(1_500);
      const cls = await fresh.evaluate(() => (window as unknown as { __cls: number }).__cls);
      console.log(`[e2e ${WEB_MODE}] CLS at ${viewport.width}: ${cls.toFixed(4)}`);
      expect(cls).toBeLessThanOrEqual(0.05);
      await fresh.close();
    }
  });
});
