// Each account's own options in the one Post dialog (issue 19 item 7), in Debian's Chromium against
// the real server and the Zernio fake: TikTok's "Who can view" lists the creator's privacy levels
// from creator-info (none pre-selected: Post stays off until one is chosen), shows the creator's
// nickname and disables the interaction the creator switched off; the Pinterest board picked is
// sent; a privacy level the creator no longer offers is refused by the server on that field; an X
// Premium account counts against 25,000 and posts more than 280 characters. axe (1280×800 and
// 390×844, light and dark); screenshots under e2e-artifacts/social-options-<mode>/.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ZERNIO_MOCK_ACCOUNTS } from "@streamline/fakes/zernio";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditCount, auditPage } from "./audit";
import { startBrowserStack, startFakeZernio, WEB_MODES, type ZernioStack } from "./stack";
import { signUp } from "./steps";

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
  let s: ZernioStack;
  let page: Page;
  const audited: AuditCount = { runs: 0, states: 0 };
  const created = () => s.zernio.fake.requestsTo("posts.create").map((r) => r.json as Created);

  beforeAll(async () => {
    s = await startBrowserStack({
      mode,
      artifacts: path.join(ARTIFACTS, `social-options-${mode}`),
      imageDelayMs: 200,
      zernio: startZernio,
      shots: { settleMs: 250 },
    });
    page = s.page;
  });

  afterAll(async () => {
    await s?.close();
    expect(audited.states).toBeGreaterThanOrEqual(1);
  });

  it("asks TikTok's privacy level and the Pinterest board from the accounts, and sends them", async () => {
    s.zernio.fake.tools.setTikTokCreator("acc_tiktok_1", {
      privacyLevels: [
        { value: "FOLLOWER_OF_CREATOR", label: "Followers only" },
        { value: "MUTUAL_FOLLOW_FRIENDS", label: "Friends" },
        { value: "SELF_ONLY", label: "Just me" },
      ],
      disabled: ["comment"],
    });
    s.zernio.fake.tools.setPinterestBoards("acc_pinterest_1", [
      { id: "board_launch_1", name: "Launch ideas", privacy: "PUBLIC" },
      { id: "board_gym_2", name: "Gym gummies", privacy: "PUBLIC" },
    ]);
    await signUp(page, s.web.url, {
      name: "Olive Options",
      email: `options-${mode}@example.com`,
      from: "/sign-up",
    });
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
    await s.shot("tiktok-pinterest");
    await auditPage(page, "post dialog with TikTok and Pinterest options", audited);

    // The creator stops offering "Just me" after the dialog read it: the server refuses the field.
    s.zernio.fake.tools.setTikTokCreator("acc_tiktok_1", {
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
    await s.shot("privacy-refused");

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
    await s.shot("x-premium");
    await send.click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => created().length, { timeout: 20_000 }).toBe(2);
    const body = created()[1];
    expect(body?.content).toBe(long);
    expect((body?.content ?? "").length).toBeGreaterThan(280);
  }, 120_000);
});
