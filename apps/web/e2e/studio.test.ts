// The studio in Debian's Chromium against the real server (PGlite, provider mocks over loopback
// HTTP), one user's journey in order: each step builds on the previous one and leaves a
// screenshot in e2e-artifacts/ (git-ignored).
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gradientPng } from "@streamline/providers/testing";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildWeb,
  freePort,
  makeDataDirs,
  type ProviderMocks,
  type ServerRun,
  serverEnv,
  startProviderMocks,
  startStudioServer,
  startWebDevServer,
} from "./stack";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// dev: Vite's dev server proxying to the API server, as `pnpm dev` runs it.
// dist: the production build served by the API server on one port, as `pnpm build && pnpm start`.
// Both by default; E2E_WEB=dev or E2E_WEB=dist runs one.
const WEB_MODES = (["dev", "dist"] as const).filter(
  (m) => !process.env.E2E_WEB || process.env.E2E_WEB === m,
);
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

describe.each(WEB_MODES)("AI Studio in the browser (%s)", (WEB_MODE) => {
  let mocks: ProviderMocks;
  let dirs: Awaited<ReturnType<typeof makeDataDirs>>;
  let env: Record<string, string>;
  let server: ServerRun;
  let web: { url: string; stop(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let preview: Locator;
  let step = 0;

  const shot = async (name: string) => {
    // A full-page capture of a scrolled page would paint the sticky header mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(400); // let toasts finish sliding in
    await page.screenshot({
      path: path.join(ARTIFACTS, WEB_MODE, `${String(++step).padStart(2, "0")}-${name}.png`),
      fullPage: true,
    });
  };
  const toast = (text: string | RegExp) =>
    page.locator("[data-sonner-toast]").filter({ hasText: text }).first();
  const prompt = () => page.getByLabel("Describe your product / scene");
  const generateButton = () => page.getByRole("button", { name: "Generate Media" });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH).`,
      );
    }
    await rm(path.join(ARTIFACTS, WEB_MODE), { recursive: true, force: true });
    await mkdir(path.join(ARTIFACTS, WEB_MODE), { recursive: true });
    mocks = await startProviderMocks();
    dirs = await makeDataDirs();
    const webPort = await freePort();
    env = serverEnv(mocks, dirs, `http://127.0.0.1:${webPort}`);
    if (WEB_MODE === "dist") {
      await buildWeb(dirs.WEB_DIST_DIR);
      env = { ...env, PORT: String(webPort), WEB_DIST_DIR: dirs.WEB_DIST_DIR };
      server = await startStudioServer(env);
      web = { url: server.url, stop: async () => {} };
    } else {
      server = await startStudioServer(env);
      web = await startWebDevServer(server.port, webPort);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    preview = page.getByRole("region", { name: "Preview" });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await server?.stop();
    await mocks?.close();
    await dirs?.remove();
  });

  it("sends a signed-out visitor to sign-in, and signs up into the studio", async () => {
    await page.goto(`${web.url}/`);
    await page.waitForURL(/\/sign-in\?next=%2Fai-studio$/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Name").fill("Dana Maker");
    await page.getByLabel("Email").fill("dana@example.com");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Use at least 10 characters.").waitFor();
    await page.getByLabel("Password").fill("gummies4ever");
    await shot("sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/ai-studio$/);
    await page.getByRole("heading", { name: "Create" }).waitFor();
    await page.getByRole("button", { name: /Dana Maker/ }).waitFor();
    await page.getByText("Live", { exact: true }).waitFor();
    await shot("studio");
  });

  it("generates an image from a prompt and a reference photo: progress, preview, download", async () => {
    await page.getByRole("radio", { name: /^GPT Image 2 OpenAI/ }).check();
    await page.locator('input[type="file"]').setInputFiles({
      name: "gummies.png",
      mimeType: "image/png",
      buffer: Buffer.from(gradientPng(320, 240)),
    });
    await page.getByAltText("Your reference: gummies.png").waitFor();
    await prompt().fill("Stylized product photo of creatine gummies in a gym bag");
    await page.getByLabel("Quality").selectOption("low");
    await shot("image-form");
    // A double click makes one generation (and one provider call), never two.
    await generateButton().dblclick();

    await preview.getByRole("progressbar").waitFor();
    await shot("image-progress");
    const image = preview.locator('img[src^="/media/image/"]');
    await image.waitFor({ timeout: 30_000 });
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1024);
    await shot("image-preview");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      preview.getByRole("link", { name: "Download" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^streamline-image-[0-9a-f]{8}\.png$/);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 4)]).toEqual(PNG_MAGIC);
    // The photo reached the provider as an edit of the reference, with the chosen quality.
    const edits = mocks.openai.requestsTo("images.edit");
    expect(edits).toHaveLength(1);
    expect(edits[0]?.fields).toMatchObject({ model: "gpt-image-2", quality: "low" });
  });

  it("generates a video: the progress bar advances, then the video plays", async () => {
    await page.getByRole("button", { name: "Remove" }).click();
    await page.getByRole("radio", { name: "Video", exact: true }).check();
    await page.getByRole("radio", { name: /^Sora 2 OpenAI/ }).check();
    await page.getByLabel("Duration (s)").selectOption("4");
    await prompt().fill("8-sec selfie-style video reviewing creatine gummies");
    await generateButton().click();

    const seen: number[] = [];
    const video = preview.locator("video");
    const bar = preview.getByRole("progressbar");
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await video.count()) === 0) {
      const now = await bar.getAttribute("aria-valuenow", { timeout: 500 }).catch(() => null);
      if (now !== null && Number(now) !== seen.at(-1)) {
        seen.push(Number(now));
        if (seen.length === 3) await shot("video-progress");
      }
      await page.waitForTimeout(80);
    }
    expect(seen.length, `progress seen: ${seen}`).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    await video.waitFor();
    expect(await video.getAttribute("poster")).toMatch(/^\/media\/thumb\//);
    // What was delivered, read from the file (the mock's 4 s 360x640 clip), and its charge.
    await preview.getByText(/^4 s · 360×640 · 9:16/).waitFor();
    await video.evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      await v.play();
    });
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 2 && v.currentTime > 0))
      .toBe(true);
    await shot("video-playing");
  });

  it("deletes the video after confirming", async () => {
    await preview.getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete this video?" });
    await dialog.waitFor();
    await shot("delete-confirm");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await toast("Deleted").waitFor();
    await preview.getByText("appears here the moment it is ready").waitFor();
    const history = page.getByRole("list", { name: "Your generations" });
    await expect.poll(() => history.getByRole("listitem").count()).toBe(1);
    expect(await history.locator("video").count()).toBe(0);
    await shot("deleted");
  });

  it("shows field errors: a prompt too long or empty, a photo the server refuses", async () => {
    await page.getByRole("radio", { name: "Image", exact: true }).check();
    await prompt().fill("x".repeat(4_001));
    const promptError = page.locator("#prompt-error");
    await promptError.getByText("Keep the prompt under 4,000 characters.").waitFor();
    expect(await generateButton().isDisabled()).toBe(true);
    expect(await prompt().getAttribute("aria-invalid")).toBe("true");
    await shot("prompt-too-long");

    await prompt().fill("");
    await prompt().press("Control+Enter");
    await promptError.getByText("Describe what to generate.").waitFor();

    // 8×8 passes the browser's type and size checks; the server reads the pixels and says no.
    await prompt().fill("Gummies on a bench");
    await page.locator('input[type="file"]').setInputFiles({
      name: "tiny.png",
      mimeType: "image/png",
      buffer: Buffer.from(gradientPng(8, 8)),
    });
    await generateButton().click();
    const fieldError = page.locator("#reference-error");
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toContain("between 16 and");
    await toast("Please check the form").waitFor();
    await shot("reference-refused");
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
    await toast("That photo can't be used").waitFor();
    await page.locator("#reference-error").getByText("is not a PNG, JPEG or WebP image").waitFor();
    await shot("photo-refused");

    // Retired models stay listed, disabled, with a one-click switch to their replacement.
    const retired = page.getByRole("radio", { name: /^GPT Image 1 OpenAI Retired/ });
    expect(await retired.isDisabled()).toBe(true);
    // The replacement the catalog names (data, so this follows the next retirement).
    await page
      .locator("#model-note-gpt-image-1")
      .getByRole("button", { name: "Use GPT Image 2.6 Sunburst" })
      .click();
    expect(await page.getByRole("radio", { name: /^GPT Image 2\.6 Sunburst/ }).isChecked()).toBe(
      true,
    );
    await page.getByRole("radio", { name: /^GPT Image 2 OpenAI/ }).check();
  });

  it("a provider failure: a toast with its message, the error on the card, and Retry", async () => {
    const failure = { status: 500 };
    mocks.openai.failNext("images.generate", failure, failure, failure);
    await prompt().fill("Gummies on a kitchen counter");
    await generateButton().click();
    await toast("Generation failed").waitFor({ timeout: 30_000 });
    await preview.getByText("Generation failed").waitFor();
    // The provider refused the create: nothing was billed, and a Retry is a new (charged) job.
    await preview.getByText("not charged").waitFor();
    await shot("provider-failed");
    await preview.getByRole("button", { name: "Retry" }).click();
    const confirm = page.getByRole("dialog", { name: "Start a new generation?" });
    await confirm.getByText(/charged as\) a new generation/).waitFor();
    await shot("retry-confirm");
    await confirm.getByRole("button", { name: "Start new generation" }).click();
    await preview.locator('img[src^="/media/image/"]').waitFor({ timeout: 30_000 });
    await shot("retried");
  });

  it("a provider key removed from the server: a toast, and a fallback to a model that works", async () => {
    await server.stop();
    server = await startStudioServer({ ...env, GEMINI_API_KEY: "", PORT: String(server.port) });
    // The page still holds the catalog from before; the progress stream reconnects by itself.
    await page.getByRole("radio", { name: "Video", exact: true }).check();
    await page.getByRole("radio", { name: /^Gemini Omni Flash Google/ }).check();
    await prompt().fill("Unboxing the gummies, handheld, morning light");
    await prompt().press("Control+Enter");
    await toast("Google Gemini is not configured — add GEMINI_API_KEY.").waitFor();
    await toast("Switched to Sora 2.").waitFor();
    const omni = page.getByRole("radio", { name: /^Gemini Omni Flash Google/ });
    expect(await omni.isDisabled()).toBe(true);
    expect(await page.getByRole("radio", { name: /^Sora 2 OpenAI/ }).isChecked()).toBe(true);
    await page.getByText("Google Gemini is not configured — add GEMINI_API_KEY").first().waitFor();
    await shot("key-missing");
  });

  it("keeps the history across a reload", async () => {
    await page.reload();
    const history = page.getByRole("list", { name: "Your generations" });
    await history.locator('img[src^="/media/image/"]').first().waitFor();
    expect(await history.getByRole("listitem").count()).toBe(2);
    await page.getByText("Live", { exact: true }).waitFor();
    await shot("reload-history");
    await page.getByLabel("Filter by type").selectOption("video");
    await page.getByText("Nothing matches these filters.").waitFor();
    await page.getByLabel("Filter by type").selectOption("");
    await page.getByLabel("Filter by status").selectOption("succeeded");
    await expect.poll(() => history.getByRole("listitem").count()).toBe(2);
    await page.getByLabel("Filter by status").selectOption("");
  });

  it("signs out from the user menu and back in", async () => {
    await page.getByRole("button", { name: /Dana Maker/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${web.url}/ai-studio`);
    await page.waitForURL(/\/sign-in\?next=%2Fai-studio$/);
    await page.getByLabel("Email").fill("dana@example.com");
    await page.getByLabel("Password").fill("wrong-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator(".auth-card .field-error").waitFor();
    await page.getByLabel("Password").fill("gummies4ever");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/ai-studio$/);
    await page.getByRole("list", { name: "Your generations" }).waitFor();
  });

  it("fits a phone screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("heading", { name: "Create" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(390);
    await shot("phone");
  });
});
