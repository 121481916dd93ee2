// Caption spend in the browser (issue 16): captions count against the same daily cap as
// generations. With a $0.14 cap: an image ($0.053) → captions (reserved, settled from the
// provider's usage) → the spend meter shows the captions' share → a second image → captions are
// refused at the cap with the server's message, and the provider gets no second caption call.
// Screenshots under e2e-artifacts/money-<mode>/.
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createGoogleCaptionsMock,
  createGoogleMock,
  createOpenAIMock,
  createOpenAIResponsesMock,
  startMockProviderServer,
} from "@streamline/fakes/providers";
import { HttpResponse, http, type RequestHandler } from "msw";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  freePort,
  launchChromium,
  makeDataDirs,
  type ProviderMocks,
  serverEnv,
  startStudio,
  WEB_MODES,
} from "./stack";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");

/** Media and caption mocks on one port. */
async function startMocks() {
  const handlers: RequestHandler[] = [];
  const server = await startMockProviderServer(handlers);
  const openai = createOpenAIMock({ baseURL: `${server.url}/v1` });
  const google = createGoogleMock({ baseURL: server.url });
  const openaiCaptions = createOpenAIResponsesMock({ baseURL: `${server.url}/v1` });
  const googleCaptions = createGoogleCaptionsMock({ baseURL: server.url });
  handlers.push(
    ...openaiCaptions.handlers,
    ...openai.handlers,
    ...googleCaptions.handlers,
    ...google.handlers,
    http.all("*", () => HttpResponse.json({ error: "no mock" }, { status: 501 })),
  );
  return { url: server.url, openaiCaptions, close: () => server.close() };
}

async function signUp(page: Page, url: string, email: string) {
  await page.goto(`${url}/`);
  await page.waitForURL(/\/sign-in/);
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("Name").fill("Sam Budget");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("gummies4ever");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/ai-studio$/);
  await page.getByRole("heading", { name: "Create" }).waitFor();
}

async function generateImage(page: Page, prompt: string, count: number) {
  const trigger = page.getByRole("button", { name: /^Model\b/ });
  if ((await trigger.getAttribute("aria-expanded")) !== "true") await trigger.click();
  const picker = page.getByRole("group", { name: "Choose a model" });
  await picker.getByRole("button", { name: /^GPT Image 2 OpenAI/ }).click();
  await picker.waitFor({ state: "detached" });
  await page.getByLabel("Describe your product / scene").fill(prompt);
  await page.getByRole("button", { name: "Generate Media" }).click();
  const preview = page.getByRole("region", { name: "Preview" });
  await expect
    .poll(() => page.locator('img[src^="/media/image/"]').count(), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(count);
  return preview;
}

describe.each(WEB_MODES)("caption spend in the browser (%s)", (mode) => {
  let mocks: Awaited<ReturnType<typeof startMocks>>;
  let dirs: Awaited<ReturnType<typeof makeDataDirs>>;
  let stop: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let url: string;
  const artifacts = path.join(ARTIFACTS, `money-${mode}`);
  let step = 0;
  const shot = async (name: string) => {
    await page.waitForTimeout(300);
    await page.screenshot({
      path: path.join(artifacts, `${String(++step).padStart(2, "0")}-${name}.png`),
      fullPage: true,
    });
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (set CHROMIUM_PATH).`);
    await rm(artifacts, { recursive: true, force: true });
    await mkdir(artifacts, { recursive: true });
    mocks = await startMocks();
    dirs = await makeDataDirs();
    const webPort = await freePort();
    const env = {
      ...serverEnv(mocks as unknown as ProviderMocks, dirs, `http://127.0.0.1:${webPort}`),
      MEDIA_DAILY_SPEND_USD: "0.14",
    };
    const { server, web } = await startStudio(mode, env, dirs, webPort);
    url = web.url;
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      reducedMotion: "reduce",
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    stop = async () => {
      await browser.close();
      await web.stop();
      await server.stop();
      await mocks.close();
      await dirs.remove();
    };
    await signUp(page, url, `budget-${mode}@example.com`);
  });
  afterAll(async () => {
    await stop?.();
  });

  it("shows caption spend in the meter and refuses captions at the daily cap", async () => {
    const preview = await generateImage(page, "Creatine gummies on a gym bench", 1);
    // The image alone: no captions share yet.
    await page.getByText(/^Today \$0\.05\d of \$0\.14$/).waitFor();

    await preview.getByRole("button", { name: "Generate Caption" }).click();
    const panel = preview.getByRole("region", { name: "Captions" });
    await panel.getByRole("button", { name: "Generate captions" }).click();
    await expect
      .poll(() => panel.getByLabel("Instagram caption").inputValue(), { timeout: 30_000 })
      .not.toBe("");
    expect(mocks.openaiCaptions.requests).toHaveLength(1);
    // Settled from the provider's usage: the meter adds the captions' cost and says so.
    const meter = page.getByText(/^Today \$0\.05\d of \$0\.14 \(\$0\.00\d captions\)$/);
    await meter.waitFor();
    await shot("caption-spend-in-meter");

    // A second image brings today's spend near the cap: one more caption's reservation passes it.
    const second = await generateImage(page, "Gummies in a lunch box", 2);
    await page.getByText(/^Today \$0\.1\d+ of \$0\.14 \(\$0\.00\d captions\)$/).waitFor();
    // The preview now shows the new image; its caption panel stays open when it was.
    // Either is on screen once the preview has rendered (count() does not wait, so wait first).
    const open = second.getByRole("button", { name: "Generate Caption" });
    const again = second.getByRole("region", { name: "Captions" });
    const generate = again.getByRole("button", { name: "Generate captions" });
    await open.or(generate).first().waitFor({ timeout: 60_000 });
    if (await open.isVisible()) await open.click();
    await generate.click();
    await page.getByText(/Daily spend cap reached: \$0\.1\d of \$0\.14/).waitFor();
    expect(mocks.openaiCaptions.requests).toHaveLength(1);
    await shot("caption-refused-at-cap");
  });
});
