// Caption spend in the browser (issue 16): captions count against the same daily cap as
// generations. With a $0.14 cap: an image ($0.053) → captions (reserved, settled from the
// provider's usage) → the spend meter shows the captions' share → a second image → captions are
// refused at the cap with the server's message, and the provider gets no second caption call.
// Screenshots under e2e-artifacts/money-<mode>/.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserStack,
  type CaptionMocks,
  startBrowserStack,
  startCaptionMocks,
  WEB_MODES,
} from "./stack";
import { chooseModel, signUp } from "./steps";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");

async function generateImage(page: Page, prompt: string, count: number) {
  await chooseModel(page, /^GPT Image 2 OpenAI/);
  await page.getByLabel("Describe your product / scene").fill(prompt);
  await page.getByRole("button", { name: "Generate Media" }).click();
  const preview = page.getByRole("region", { name: "Preview" });
  await expect
    .poll(() => page.locator('img[src^="/media/image/"]').count(), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(count);
  return preview;
}

describe.each(WEB_MODES)("caption spend in the browser (%s)", (mode) => {
  let s: BrowserStack<CaptionMocks>;
  let page: Page;

  beforeAll(async () => {
    s = await startBrowserStack({
      mode,
      artifacts: path.join(ARTIFACTS, `money-${mode}`),
      mocks: () => startCaptionMocks({ imageDelayMs: 0 }),
      env: { MEDIA_DAILY_SPEND_USD: "0.14" },
      context: { viewport: { width: 1280, height: 900 } },
    });
    page = s.page;
    await signUp(page, s.web.url, { name: "Sam Budget", email: `budget-${mode}@example.com` });
  });
  afterAll(async () => {
    await s?.close();
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
    expect(s.mocks.openaiCaptions.requests).toHaveLength(1);
    // Settled from the provider's usage: the meter adds the captions' cost and says so.
    const meter = page.getByText(/^Today \$0\.05\d of \$0\.14 \(\$0\.00\d captions\)$/);
    await meter.waitFor();
    await s.shot("caption-spend-in-meter");

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
    expect(s.mocks.openaiCaptions.requests).toHaveLength(1);
    await s.shot("caption-refused-at-cap");
  });
});
