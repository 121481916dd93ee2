// "Connect an account" round trip in Debian's Chromium, as `pnpm dev` runs the studio (no
// APP_ORIGIN; the Vite dev server on WEB_PORT) and as the production build: sign up, generate an
// image, open Post, pick At a time, change the timezone, pick TikTok and Connect an account → Zernio's
// sign-in page (the fake, on loopback) → back on the studio with "TikTok connected" and the
// schedule dialog reopened for the same asset, as it was, with the new account picked. Also: Vite
// on a taken port stops and names WEB_PORT instead of moving to an origin nobody trusts.
// Screenshots under e2e-artifacts/connect-<mode>/.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrowserStack, startFakeZernio, WEB_MODES, type ZernioStack } from "./stack";
import { signUp } from "./steps";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ARTIFACTS = path.resolve(webDir, "e2e-artifacts");
const TOKYO = "Asia/Tokyo";

/** The Zernio fake on loopback: its API, its presigned uploads and its hosted sign-in page. */
// Per-user profiles (the default): a new user has no account until they connect one.
const startZernio = () =>
  startFakeZernio({ sharedAccounts: false, connect: true, fake: { publishDurationMs: 300 } });

describe("Vite on a taken port", () => {
  it("stops with a message naming WEB_PORT instead of moving to another port", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, [path.join(webDir, "node_modules/vite/bin/vite.js")], {
        cwd: webDir,
        env: { ...process.env, WEB_PORT: String(port), BROWSER: "none" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (c: Buffer) => {
        output += c.toString();
      });
      child.stderr.on("data", (c: Buffer) => {
        output += c.toString();
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      clearTimeout(timer);
      expect(code, output).not.toBe(0);
      expect(output).toContain(`Port ${port} is already in use`);
      expect(output).toMatch(/set WEB_PORT to a free port/);
      expect(output).not.toMatch(/Local:\s+http/);
    } finally {
      blocker.close();
    }
  }, 40_000);
});

describe.each(WEB_MODES)("Connect an account round trip (%s)", (mode) => {
  let s: ZernioStack;
  let page: Page;

  beforeAll(async () => {
    s = await startBrowserStack({
      mode,
      artifacts: path.join(ARTIFACTS, `connect-${mode}`),
      imageDelayMs: 300,
      zernio: startZernio,
      // As `pnpm dev` runs it: no APP_ORIGIN, the studio on WEB_PORT (not 5173) in front of the API.
      env: ({ APP_ORIGIN: _none, ...env }, webPort) => ({
        ...env,
        ...(mode === "dev" ? { WEB_PORT: String(webPort) } : {}),
      }),
      context: { viewport: { width: 1280, height: 900 } },
    });
    page = s.page;
  }, 240_000);
  afterAll(async () => {
    await s?.close();
  });

  it("comes back to the studio saying TikTok connected, with the dialog reopened as it was", async () => {
    // Sign up on the studio's own origin (refused as "Invalid origin" when not trusted).
    await signUp(page, s.web.url, { name: "Connie Connect", email: `connect-${mode}@example.com` });

    const prompt = "Creatine gummies on a kitchen counter";
    await page.getByLabel("Describe your product / scene").fill(prompt);
    await page.getByRole("button", { name: "Generate Media" }).click();
    const preview = page.getByRole("region", { name: "Preview" });
    const image = preview.locator('img[src^="/media/image/"]');
    await image.waitFor({ timeout: 30_000 });
    const imageSrc = await image.getAttribute("src");

    await preview.getByRole("button", { name: "Post", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.getByText("No accounts are connected yet").waitFor();
    await dialog.getByRole("radio", { name: "At a time" }).check();
    await dialog.getByLabel("Timezone").fill(TOKYO);
    await dialog.getByText(`Times are in ${TOKYO}`, { exact: false }).waitFor();
    await dialog.getByLabel("Platform to connect").selectOption("tiktok");
    await s.shot("before-connect");
    await dialog.getByRole("button", { name: "Connect an account" }).click();

    // Zernio's page sends the browser back to the studio it came from, never the API port.
    await page.getByText(/TikTok connected/).waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).origin).toBe(s.web.url);
    expect(new URL(page.url()).pathname).toBe("/ai-studio");
    const [connectCall] = s.zernio.fake.requestsTo("connect.url");
    expect(connectCall?.query.redirect_url).toBe(`${s.web.url}/ai-studio`);
    const reopened = page.getByRole("dialog", { name: "Post", exact: true });
    await reopened.waitFor();
    // The same asset (its preview card hosts the dialog), as it was, with the new account picked.
    await expect.poll(() => image.getAttribute("src")).toBe(imageSrc);
    expect(await reopened.getByRole("radio", { name: "At a time" }).isChecked()).toBe(true);
    expect(await reopened.getByLabel("Timezone").inputValue()).toBe(TOKYO);
    const tiktok = reopened.getByRole("checkbox", { name: /^TikTok/ });
    await expect.poll(() => tiktok.isChecked()).toBe(true);
    // The address bar no longer carries Zernio's query (a reload does not reopen it again).
    expect(new URL(page.url()).search).toBe("");
    await s.shot("connected");
  }, 120_000);
});
