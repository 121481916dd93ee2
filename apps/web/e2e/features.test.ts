// Beyond one image, in Debian's Chromium against the real server (PGlite, provider mocks over
// loopback HTTP): social formats, variants as a group, the lightbox (lazy, keyboard), use as
// reference and reuse prompt, search and favourites, and leave-and-come-back (title count and a
// notification after "Notify me"). Both the dev server and the production build; axe in every
// new state; screenshots in e2e-artifacts/features-<mode>/ (E2E_DOCS_SHOT=1 also writes the
// README's docs/studio.png from the production build).
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditCount, auditPage } from "./audit";
import { type BrowserStack, skipAfterFailure, startBrowserStack, WEB_MODES } from "./stack";
import { chooseModel } from "./steps";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, "../e2e-artifacts");
const DOCS_SHOT = path.resolve(HERE, "../../../docs/studio.png");
const TITLE = "AI Studio · Streamline AI Studio";

describe.each(WEB_MODES)("AI Studio, beyond one image (%s)", (WEB_MODE) => {
  let s: BrowserStack;
  let page: Page;
  const audited: AuditCount = { runs: 0, states: 0 };
  const requested: string[] = [];

  const audit = (state: string) => auditPage(page, state, audited);
  const prompt = () => page.getByLabel("Describe your product / scene");
  const preview = () => page.getByRole("region", { name: "Preview" });
  const history = () => page.getByRole("list", { name: "Your generations" });
  const focusedIs = (selector: string) =>
    page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
  /** document.visibilityState as the browser would report it for a background tab. */
  const setHidden = (hidden: boolean) =>
    page.evaluate((hidden) => {
      if (hidden) {
        Object.defineProperty(document, "visibilityState", {
          configurable: true,
          get: () => "hidden",
        });
        Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      } else {
        delete (document as { visibilityState?: unknown }).visibilityState;
        delete (document as { hidden?: unknown }).hidden;
      }
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);

  beforeAll(async () => {
    s = await startBrowserStack({
      mode: WEB_MODE,
      artifacts: path.join(ARTIFACTS, `features-${WEB_MODE}`),
      imageDelayMs: 1_200,
      // Three variants at once: room for them under the concurrency limit.
      env: { MEDIA_MAX_CONCURRENT_PER_USER: "4" },
      context: { acceptDownloads: true },
      prepare: async (context, web) => {
        // The permission the "Notify me" click asks for (the browser would show its prompt then).
        await context.grantPermissions(["notifications"], { origin: web.url });
        // Count permission requests and record notifications, from the first script on.
        await context.addInitScript(() => {
          const w = window as unknown as { __asked: number; __notes: string[] };
          w.__asked = 0;
          w.__notes = [];
          const Real = window.Notification;
          class Recorded extends Real {
            constructor(title: string, options?: NotificationOptions) {
              super(title, options);
              w.__notes.push(`${title} | ${options?.body ?? ""}`);
            }
            static override requestPermission(...args: Parameters<typeof Real.requestPermission>) {
              w.__asked++;
              return Real.requestPermission(...args);
            }
          }
          window.Notification = Recorded as unknown as typeof Notification;
        });
      },
      shots: { scrollToTop: true },
    });
    page = s.page;
    page.on("request", (r) => requested.push(r.url()));
  });

  skipAfterFailure();

  afterAll(async () => {
    console.log(`[e2e features ${WEB_MODE}] axe: ${audited.states} states, ${audited.runs} runs`);
    await s?.close();
  });

  it("signs up; nothing asks for notification permission on load", async () => {
    await page.goto(`${s.web.url}/sign-up`);
    await page.getByLabel("Name").fill("Vera Variant");
    await page.getByLabel("Email").fill("vera@example.com");
    await page.getByLabel("Password", { exact: true }).fill("gummies4ever");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/ai-studio$/);
    await page.locator(".feed-live").waitFor();
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0);
    const notify = page.getByRole("button", { name: "Notify me" });
    expect(await notify.getAttribute("aria-pressed")).toBe("false");
  });

  it("social formats: the destination sets the model's option, shows the mapping, follows a model change", async () => {
    await chooseModel(page, /^GPT Image 2 OpenAI/);
    const format = page.locator('select[name="format"]');
    // GPT Image 2 has 9:16 itself…
    await format.selectOption({ label: "9:16 · Reels, TikTok, Shorts, Stories" });
    expect(await page.locator('select[name="option-size"]').inputValue()).toBe("864x1536");
    await page
      .locator("#format-mapping")
      .getByText(/^→ 864×1536$/)
      .waitFor();
    // …but no 4:5: the nearest size, and the studio says so.
    await format.selectOption({ label: "4:5 · Instagram and Facebook feed" });
    expect(await page.locator('select[name="option-size"]').inputValue()).toBe("1024x1536");
    await page.locator("#format-mapping").getByText("→ 1024×1536, nearest to 4:5").waitFor();
    await audit("format chosen (nearest)");
    await s.shot("format-nearest");
    await format.selectOption({ label: "9:16 · Reels, TikTok, Shorts, Stories" });
    // Another model: the same destination, that model's own exact aspect ratio.
    await chooseModel(page, /^Gemini 3\.1 Flash Image/);
    expect(await page.locator('select[name="option-aspectRatio"]').inputValue()).toBe("9:16");
    await page
      .locator("#format-mapping")
      .getByText(/^→ 9:16$/)
      .waitFor();
    await chooseModel(page, /^GPT Image 2 OpenAI/);
    expect(await page.locator('select[name="option-size"]').inputValue()).toBe("864x1536");
    // Pixels picked by hand leave the format.
    await page.locator('select[name="option-size"]').selectOption("1024x1024");
    expect(await format.inputValue()).toBe("");
    await format.selectOption({ label: "1:1 · Feed posts, LinkedIn, X" });
    await page
      .locator("#format-mapping")
      .getByText(/^→ 1024×1024$/)
      .waitFor();
  });

  it("variants: three results of one prompt, each with its own progress, result and cost, as a group", async () => {
    await page.locator('select[name="option-quality"]').selectOption("low");
    await page.locator('select[name="variants"]').selectOption("3");
    await page.getByText(/× 3 variants/).waitFor();
    await prompt().fill("Gummies on a striped beach towel");
    const before = s.mocks.openai.requestsTo("images.generate").length;
    await page.getByRole("button", { name: "Generate Media" }).dblclick();
    const group = preview().getByRole("list", { name: "Variants of this prompt" });
    await expect.poll(() => group.getByRole("listitem").count()).toBe(3);
    await group.getByRole("progressbar").first().waitFor();
    await audit("variants in progress");
    await s.shot("variants-progress");
    await expect
      .poll(() => group.locator('img[src^="/media/image/"]').count(), { timeout: 30_000 })
      .toBe(3);
    await preview().getByText("3 variants · 3 of 3 ready").waitFor();
    for (const n of [1, 2, 3]) await group.getByText(`Variant ${n} of 3`).waitFor();
    // Each its own charge, and one provider call each (the double click made no fourth).
    expect(await group.getByText(/\$0\.0\d+/).count()).toBeGreaterThanOrEqual(3);
    expect(s.mocks.openai.requestsTo("images.generate").length - before).toBe(3);
    // In the history each one says which of the group it is.
    await expect
      .poll(() =>
        history()
          .getByText(/^Variant \d of 3$/)
          .count(),
      )
      .toBe(3);
    await audit("variants ready");
    await s.shot("variants-ready");
    if (WEB_MODE === "dist" && process.env.E2E_DOCS_SHOT) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: DOCS_SHOT });
    }
  });

  it("lightbox: lazy, ← / → through the results, Escape closes and returns focus, download, star", async () => {
    expect(
      requested.some((u) => /Lightbox/.test(u)),
      "lightbox loaded before use",
    ).toBe(false);
    const group = preview().getByRole("list", { name: "Variants of this prompt" });
    const opener = group
      .getByRole("listitem")
      .first()
      .getByRole("button", { name: "View full screen" });
    await opener.click();
    const box = page.getByRole("dialog", { name: /GPT Image 2/ });
    await box.waitFor();
    expect(requested.some((u) => /Lightbox/.test(u))).toBe(true);
    await expect.poll(() => box.locator(".lightbox-title").textContent()).toMatch(/· 1 of 3$/);
    await expect
      .poll(() => box.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(1024);
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => box.locator(".lightbox-title").textContent()).toMatch(/· 2 of 3$/);
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => box.locator(".lightbox-title").textContent()).toMatch(/· 3 of 3$/);
    expect(await box.getByRole("button", { name: "Next result" }).isDisabled()).toBe(true);
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => box.locator(".lightbox-title").textContent()).toMatch(/· 2 of 3$/);
    await audit("lightbox open");
    await s.shot("lightbox");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      box.getByRole("link", { name: "Download" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^streamline-image-[0-9a-f]{8}\.png$/);
    const star = box.getByRole("button", { name: "Star" });
    await star.click();
    await expect.poll(() => star.getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.press("Escape");
    await box.waitFor({ state: "detached" });
    expect(await focusedIs('[aria-label="View full screen"]')).toBe(true);
    // The star shows on that variant's card too.
    await expect
      .poll(() =>
        group
          .getByRole("listitem")
          .nth(1)
          .getByRole("button", { name: "Star" })
          .getAttribute("aria-pressed"),
      )
      .toBe("true");
    // From the history grid: the lightbox walks the history.
    await history()
      .getByRole("listitem")
      .last()
      .getByRole("button", { name: "View full screen" })
      .click();
    await expect.poll(() => box.locator(".lightbox-title").textContent()).toMatch(/· 3 of 3$/);
    await page.keyboard.press("Escape");
    await box.waitFor({ state: "detached" });
  });

  it("use as reference (by id, no re-upload) from the lightbox; removable; reuse prompt fills the form", async () => {
    const group = preview().getByRole("list", { name: "Variants of this prompt" });
    await group
      .getByRole("listitem")
      .first()
      .getByRole("button", { name: "View full screen" })
      .click();
    const box = page.getByRole("dialog", { name: /GPT Image 2/ });
    await box.getByRole("button", { name: "Use as reference" }).click();
    await box.waitFor({ state: "detached" });
    await page.getByText("From your result “Gummies on a striped beach towel”").waitFor();
    expect(await focusedIs("#prompt")).toBe(true);
    await audit("reference from a result");
    await s.shot("reference-from-result");
    // Removable; set again from a history card.
    await page.getByRole("button", { name: "Remove" }).click();
    await page.locator(".dropzone").waitFor();
    await history()
      .getByRole("listitem")
      .first()
      .getByRole("button", { name: "Use as reference" })
      .click();
    await page.getByText(/^From your result “/).waitFor();

    await page.locator('select[name="variants"]').selectOption("1");
    await prompt().fill("The same gummies, now on a picnic blanket");
    const sent: string[] = [];
    const onRequest = (r: {
      url(): string;
      postData(): string | null;
      headers(): Record<string, string>;
    }) => {
      if (r.url().includes("media.generate"))
        sent.push(`${r.headers()["content-type"]} ${r.postData()}`);
    };
    page.on("request", onRequest);
    const edits = s.mocks.openai.requestsTo("images.edit").length;
    await page.getByRole("button", { name: "Generate Media" }).click();
    await preview()
      .locator("article", { hasText: "picnic blanket" })
      .locator('.asset-media img[src^="/media/image/"]')
      .waitFor({ timeout: 30_000 });
    page.off("request", onRequest);
    // JSON with the asset id, not a multipart upload; the provider got an edit of that image.
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^application\/json/);
    expect(sent[0]).toContain("referenceAssetId");
    expect(s.mocks.openai.requestsTo("images.edit").length - edits).toBe(1);
    await preview().getByText("with reference").waitFor();

    // Reuse prompt: a variant's prompt, model, options and variant count back in the form.
    await page.getByRole("button", { name: "Remove" }).click();
    const variantCard = history().getByRole("listitem").filter({ hasText: "Variant 1 of 3" });
    await variantCard.getByRole("button", { name: "Reuse prompt" }).click();
    await expect.poll(() => prompt().inputValue()).toBe("Gummies on a striped beach towel");
    expect(await page.locator('select[name="variants"]').inputValue()).toBe("3");
    expect(await page.locator('select[name="option-quality"]').inputValue()).toBe("low");
    expect(await page.locator('select[name="option-size"]').inputValue()).toBe("1024x1024");
    await page.locator('select[name="variants"]').selectOption("1");
  });

  it("search and favourites: server-side search, debounced and clearable; star toggles; Starred filter", async () => {
    const items = history().getByRole("listitem");
    const all = await items.count();
    const search = page.getByRole("searchbox", { name: "Search history" });
    await search.fill("picnic");
    await expect.poll(() => items.count()).toBe(1);
    await search.fill("towel");
    await expect.poll(() => items.count()).toBe(3);
    await search.fill("zeppelin");
    await page.getByText("Nothing in your history matches “zeppelin”.").waitFor();
    await audit("search, nothing found");
    await s.shot("search-empty");
    await page.getByRole("button", { name: "Clear search" }).click();
    await expect.poll(() => items.count()).toBe(all);
    expect(await focusedIs('input[type="search"]')).toBe(true);

    // Star the picnic result from its card; one was starred in the lightbox.
    const picnic = items.filter({ hasText: "picnic blanket" });
    const star = picnic.getByRole("button", { name: "Star" });
    expect(await star.getAttribute("aria-pressed")).toBe("false");
    await star.click();
    await expect.poll(() => star.getAttribute("aria-pressed")).toBe("true");
    const starred = page.getByRole("button", { name: "Starred" });
    await starred.click();
    expect(await starred.getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => items.count()).toBe(2);
    await audit("starred filter");
    await s.shot("starred");
    // Unstarred from the filtered list, it leaves it.
    await picnic.getByRole("button", { name: "Star" }).click();
    await expect.poll(() => items.count()).toBe(1);
    await starred.click();
    await expect.poll(() => items.count()).toBe(all);
  });

  it("leave and come back: Notify me turns it on; a result finished in a hidden tab counts in the title and notifies", async () => {
    const notify = page.getByRole("button", { name: "Notify me" });
    await notify.click();
    await expect.poll(() => notify.getAttribute("aria-pressed")).toBe("true");
    // The context granted it already, so the click turns it on without a prompt; a browser that
    // has not been asked yet is asked here, on this click, and nowhere else.
    await prompt().fill("Gummies in a lunch box");
    await page.getByRole("button", { name: "Generate Media" }).click();
    await preview().getByRole("progressbar").waitFor();
    await setHidden(true);
    await expect.poll(() => page.title(), { timeout: 30_000 }).toBe(`(1) ${TITLE}`);
    const notes = await page.evaluate(() => (window as unknown as { __notes: string[] }).__notes);
    expect(notes).toEqual(["Your result is ready | Gummies in a lunch box"]);
    await setHidden(false);
    await expect.poll(() => page.title()).toBe(TITLE);
    // Visible: a finished result neither counts nor notifies.
    await prompt().fill("Gummies in a glove box");
    await page.getByRole("button", { name: "Generate Media" }).click();
    await preview()
      .locator("article", { hasText: "glove box" })
      .locator('.asset-media img[src^="/media/image/"]')
      .waitFor({ timeout: 30_000 });
    expect(await page.title()).toBe(TITLE);
    expect(
      await page.evaluate(() => (window as unknown as { __notes: string[] }).__notes.length),
    ).toBe(1);
    await audit("notify on");
  });
});
