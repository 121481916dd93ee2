// The studio under its security headers, in the browser: the built studio's Content-Security-
// Policy lets everything the studio does through (sign-up, a reference photo's blob: preview, a
// result from /media) with no violation; another site cannot frame it; and a hostile ?next= never
// strands a signed-in user on the sign-in page. Dev (Vite's own HTML, inline React Refresh
// preamble, HMR websocket) runs without a policy by choice: the server's policy is for the build.
import { gradientPng } from "@streamline/fakes/providers";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserStack, cspViolations, startBrowserStack, WEB_MODES } from "./stack";
import { chooseModel } from "./steps";

describe.each(WEB_MODES)("security headers in the browser (%s)", (mode) => {
  let s: BrowserStack;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    s = await startBrowserStack({
      mode,
      imageDelayMs: 200,
      // Motion as the browser has it (not reduced).
      context: { reducedMotion: null },
      // The framing test below meets the one violation on purpose; the tests assert the rest.
      assertNoCsp: false,
    });
    page = s.page;
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await s?.close();
  });

  it("serves the studio page with its policy (build) — Vite's dev page without one", async () => {
    const response = await page.goto(`${s.web.url}/sign-in`);
    const headers = (await response?.allHeaders()) ?? {};
    if (mode === "dist") {
      const csp = headers["content-security-policy"] ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(headers["x-frame-options"]).toBe("DENY");
      expect(headers["referrer-policy"]).toBe("no-referrer");
      // An http APP_ORIGIN: never pinned to https.
      expect(headers["strict-transport-security"]).toBeUndefined();
    } else {
      expect(headers["content-security-policy"]).toBeUndefined();
    }
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });

  it("signs up, uploads a reference photo and shows a result with no CSP violation", async () => {
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Name").fill("Casey Policy");
    await page.getByLabel("Email").fill(`csp-${mode}@example.com`);
    await page.getByLabel("Password", { exact: true }).fill("gummies4ever");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/ai-studio$/);
    await page.getByRole("heading", { name: "Create" }).waitFor();
    await chooseModel(page, /^GPT Image 2 OpenAI/);
    // The preview of a dropped photo is a blob: URL.
    await page.locator('input[type="file"]').setInputFiles({
      name: "gummies.png",
      mimeType: "image/png",
      buffer: Buffer.from(gradientPng(320, 240)),
    });
    const reference = page.getByAltText("Your reference: gummies.png");
    await reference.waitFor();
    await expect
      .poll(() => reference.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    await page.getByLabel("Describe your product / scene").fill("Gummies on a gym bench");
    await page.getByRole("button", { name: "Generate Media" }).click();
    const result = page
      .getByRole("region", { name: "Preview" })
      .locator('img[src^="/media/image/"]');
    await result.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => result.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    // Toasts (sonner injects its stylesheet at run time) and the history have rendered.
    await page.waitForTimeout(500);
    expect(cspViolations(s.browser)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("keeps a signed-in user in the studio when ?next= points at another host", async () => {
    for (const next of ["/\\evil.example", "/\t/evil.example", "//evil.example/x"]) {
      await page.goto(`${s.web.url}/sign-in?next=${encodeURIComponent(next)}`);
      await page.waitForURL(/\/ai-studio$/);
      await page.getByRole("heading", { name: "Create" }).waitFor();
    }
    // A path of our own is still honoured, query and all.
    await page.goto(`${s.web.url}/sign-in?next=${encodeURIComponent("/ai-studio?from=next")}`);
    await page.waitForURL(/\/ai-studio\?from=next$/);
    expect(pageErrors).toEqual([]);
    expect(cspViolations(s.browser)).toEqual([]);
  });

  it.runIf(mode === "dist")("cannot be framed by another site", async () => {
    const framer = await s.context.newPage();
    // about:blank with an iframe: an origin other than the studio's.
    await framer.setContent(`<iframe title="studio" src="${s.web.url}/ai-studio"></iframe>`);
    const frame = await (await framer.waitForSelector("iframe")).contentFrame();
    await expect.poll(() => frame?.url()).not.toBe("about:blank");
    await framer.waitForTimeout(500);
    expect(frame?.url()).not.toContain(s.web.url);
    expect(await frame?.locator("#root").count()).toBe(0);
    // The recorder sees the refusal: the only violation of the whole run.
    expect(cspViolations(s.browser).join("\n")).toMatch(/frame-ancestors/);
    await framer.close();
  });
});
