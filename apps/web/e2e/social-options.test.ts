// Each account's own options in the one Post dialog (issue 19 item 7), in Debian's Chromium against
// the real server and the Zernio fake: TikTok's "Who can view" lists the creator's privacy levels
// from creator-info (none pre-selected: Post stays off until one is chosen), shows the creator's
// nickname and disables the interaction the creator switched off; the Pinterest board picked is
// sent; a privacy level the creator no longer offers is refused by the server on that field; an X
// Premium account counts against 25,000 and posts more than 280 characters. axe (1280×800 and
// 390×844, light and dark); screenshots under e2e-artifacts/social-options-<mode>/.
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ZERNIO_MOCK_ACCOUNTS } from "@streamline/fakes/zernio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditCount, auditPage, LAPTOP } from "./audit";
import {
  CHROMIUM,
  cspViolations,
  freePort,
  launchChromium,
  makeDataDirs,
  type ServerRun,
  serverEnv,
  startFakeZernio,
  startProviderMocks,
  startStudio,
  WEB_MODES,
} from "./stack";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");

/** The fake's accounts, the X one Premium (Zernio's account metadata). */
const ACCOUNTS = ZERNIO_MOCK_ACCOUNTS.map((account) =>
  account._id === "acc_twitter_1"
    ? { ...account, metadata: { profileData: { extraData: { isPremium: true } } } }
    : { ...account },
);

const startZernio = () => startFakeZernio({ sharedAccounts: true, fake: { accounts: ACCOUNTS } });

type Created = {
  content?: string;
  platforms?: Array<{ platform: string; platformSpecificData?: Record<string, unknown> }>;
};

describe.each(WEB_MODES)("each account's options in the Post dialog (%s)", (mode) => {
  let page: Page;
  let browser: Browser;
  let server: ServerRun;
  let web: { url: string; stop(): Promise<void> };
  let zernio: Awaited<ReturnType<typeof startZernio>>;
  let mocks: Awaited<ReturnType<typeof startProviderMocks>>;
  let dirs: Awaited<ReturnType<typeof makeDataDirs>>;
  const artifacts = path.join(ARTIFACTS, `social-options-${mode}`);
  const audited: AuditCount = { runs: 0, states: 0 };
  let step = 0;
  const shot = async (name: string) => {
    await page.waitForTimeout(250);
    const file = `${String(++step).padStart(2, "0")}-${name}.png`;
    await page.screenshot({ path: path.join(artifacts, file), fullPage: true });
  };
  const created = () => zernio.fake.requestsTo("posts.create").map((r) => r.json as Created);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (set CHROMIUM_PATH).`);
    await rm(artifacts, { recursive: true, force: true });
    await mkdir(artifacts, { recursive: true });
    mocks = await startProviderMocks({ imageDelayMs: 200 });
    zernio = await startZernio();
    dirs = await makeDataDirs();
    const webPort = await freePort();
    const env = {
      ...serverEnv(mocks, dirs, `http://127.0.0.1:${webPort}`),
      ...zernio.env,
    };
    ({ server, web } = await startStudio(mode, env, dirs, webPort));
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: LAPTOP, reducedMotion: "reduce" });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    const csp = browser ? cspViolations(browser) : [];
    await browser?.close();
    await web?.stop();
    await server?.stop();
    await zernio?.close();
    await mocks?.close();
    await dirs?.remove();
    expect(csp).toEqual([]);
    expect(audited.states).toBeGreaterThanOrEqual(1);
  });

  it("asks TikTok's privacy level and the Pinterest board from the accounts, and sends them", async () => {
    zernio.fake.tools.setTikTokCreator("acc_tiktok_1", {
      privacyLevels: [
        { value: "FOLLOWER_OF_CREATOR", label: "Followers only" },
        { value: "MUTUAL_FOLLOW_FRIENDS", label: "Friends" },
        { value: "SELF_ONLY", label: "Just me" },
      ],
      disabled: ["comment"],
    });
    zernio.fake.tools.setPinterestBoards("acc_pinterest_1", [
      { id: "board_launch_1", name: "Launch ideas", privacy: "PUBLIC" },
      { id: "board_gym_2", name: "Gym gummies", privacy: "PUBLIC" },
    ]);
    await page.goto(`${web.url}/sign-up`);
    await page.getByLabel("Name").fill("Olive Options");
    await page.getByLabel("Email").fill(`options-${mode}@example.com`);
    await page.getByLabel("Password", { exact: true }).fill("gummies4ever");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/ai-studio$/);
    await page.getByLabel("Describe your product / scene").fill("Gummies on a gym bench");
    await page.getByRole("button", { name: "Generate Media" }).click();
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.locator('img[src^="/media/image/"]').waitFor({ timeout: 90_000 });

    await preview.getByRole("button", { name: "Post", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.getByRole("checkbox", { name: /^TikTok/ }).check();
    await dialog.getByRole("checkbox", { name: /^Pinterest/ }).check();
    await dialog.getByLabel("TikTok caption").fill("Leg day, then gummies #fitness");
    await dialog.getByLabel("Pinterest title").fill("Gym gummies");
    await dialog.getByLabel("Pinterest description").fill("Creatine gummies for the gym bag");

    // TikTok: the creator's levels, nothing chosen; the nickname; comments switched off by the
    // creator, Duet and Stitch not offered for a photo post.
    const who = dialog.getByLabel("Who can view");
    await who.waitFor();
    expect(await who.inputValue()).toBe("");
    expect(await who.locator("option").allTextContents()).toEqual([
      "Choose who can view…",
      "Followers only",
      "Friends",
      "Just me",
    ]);
    await dialog.getByText("Posting as Streamline Studio on TikTok.").waitFor();
    await dialog
      .getByRole("checkbox", { name: "Allow comments (turned off by the creator in TikTok)" })
      .waitFor();
    for (const name of ["Allow comments", "Allow Duet", "Allow Stitch"]) {
      expect(await dialog.getByRole("checkbox", { name }).isDisabled()).toBe(true);
    }
    await dialog
      .getByRole("checkbox", { name: "Allow Duet (not offered for this post)" })
      .waitFor();
    await dialog.getByRole("checkbox", { name: /I agree to publish this to TikTok/ }).check();
    const send = dialog.getByRole("button", { name: "Post now", exact: true });
    await dialog.getByText("Choose who can view the TikTok post").first().waitFor();
    expect(await send.isDisabled()).toBe(true);

    // Pinterest: the account's boards, the first (Zernio's default) until another is picked.
    const board = dialog.getByLabel("Board");
    expect(await board.locator("option").allTextContents()).toEqual([
      "Launch ideas",
      "Gym gummies",
    ]);
    await board.selectOption({ label: "Gym gummies" });
    await who.selectOption({ label: "Just me" });
    await expect.poll(() => send.isEnabled(), { timeout: 15_000 }).toBe(true);
    await shot("tiktok-pinterest");
    await auditPage(page, "post dialog with TikTok and Pinterest options", audited);

    // The creator stops offering "Just me" after the dialog read it: the server refuses the field.
    zernio.fake.tools.setTikTokCreator("acc_tiktok_1", {
      privacyLevels: [
        { value: "FOLLOWER_OF_CREATOR", label: "Followers only" },
        { value: "MUTUAL_FOLLOW_FRIENDS", label: "Friends" },
      ],
      disabled: ["comment"],
    });
    await send.click();
    await dialog
      .getByRole("alert")
      .getByText(/cannot post with privacy level SELF_ONLY/)
      .waitFor();
    // On the field itself: invalid, described by the server's message.
    expect(await who.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await who.getAttribute("aria-describedby")) as string;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(
      /choose one of FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS/,
    );
    expect(created()).toHaveLength(0);
    await shot("privacy-refused");

    await who.selectOption({ label: "Followers only" });
    await expect.poll(() => send.isEnabled(), { timeout: 15_000 }).toBe(true);
    await send.click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => created().length, { timeout: 20_000 }).toBe(1);
    const platforms = created()[0]?.platforms ?? [];
    const of = (p: string) => platforms.find((t) => t.platform === p)?.platformSpecificData;
    expect(of("tiktok")).toMatchObject({
      privacyLevel: "FOLLOWER_OF_CREATOR",
      allowComment: false,
      allowDuet: false,
    });
    expect(of("pinterest")).toMatchObject({ boardId: "board_gym_2" });
  }, 240_000);

  it("lets an X Premium account post past 280 characters, counted against 25,000", async () => {
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByRole("button", { name: "Post", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.getByRole("checkbox", { name: /^X @streamline_ai/ }).check();
    const long = `${"Leg day, then gummies. ".repeat(20)}#fitness`;
    await dialog.getByLabel("X post").fill(long);
    await dialog.getByText(/\/ 25,000 \(weighted\)/).waitFor();
    const look = dialog.getByRole("region", { name: "How it will look" });
    await look.getByRole("tab", { name: /^X/ }).click();
    expect(await look.getByRole("tabpanel").locator("del.preview-over").count()).toBe(0);
    const send = dialog.getByRole("button", { name: "Post now", exact: true });
    await expect.poll(() => send.isEnabled(), { timeout: 15_000 }).toBe(true);
    await shot("x-premium");
    await send.click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => created().length, { timeout: 20_000 }).toBe(2);
    const body = created()[1];
    expect(body?.content).toBe(long);
    expect((body?.content ?? "").length).toBeGreaterThan(280);
  }, 120_000);
});
