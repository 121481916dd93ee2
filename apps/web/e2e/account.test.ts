// Deleting things in Debian's Chromium against the real server, the provider mocks and the Zernio
// fake over loopback (per-user Zernio profiles): an image with a scheduled post is deleted — the
// dialog says its post is cancelled and published ones stay, and Zernio's post is gone; then the
// account page exports the data as JSON and deletes the account with the password — the files
// 404, the API key is refused, the scheduled post is cancelled and the Zernio profile deleted.
// axe runs on each dialog and the account page. Screenshots under e2e-artifacts/account-<mode>/.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPage } from "./audit";
import { startBrowserStack, startFakeZernio, WEB_MODES, type ZernioStack } from "./stack";
import { chooseModel, dayIn, PASSWORD, signUp } from "./steps";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../e2e-artifacts");
const BERLIN = "Europe/Berlin";

/** The Zernio fake on loopback (its API and its presigned uploads), per-user profiles. */
const startZernio = () => startFakeZernio({ sharedAccounts: false });

/** A tRPC call from the signed-in page (its cookie, its origin), answering the data. */
async function trpcFromPage(page: Page, procedure: string, input?: unknown): Promise<unknown> {
  return page.evaluate(
    async ({ procedure, input }) => {
      const response = await fetch(`/trpc/${procedure}`, {
        method: input === undefined ? "GET" : "POST",
        headers: { "content-type": "application/json" },
        ...(input === undefined ? {} : { body: JSON.stringify(input) }),
      });
      const body = (await response.json()) as { result?: { data?: unknown } };
      return body.result?.data;
    },
    { procedure, input },
  );
}

describe.each(WEB_MODES)("deleting an image and an account in the browser (%s)", (mode) => {
  let s: ZernioStack;
  let page: Page;
  const audited = { runs: 0, states: 0 };
  const audit = (state: string) => auditPage(page, state, audited);
  const preview = () => page.getByRole("region", { name: "Preview" });

  beforeAll(async () => {
    s = await startBrowserStack({
      mode,
      artifacts: path.join(ARTIFACTS, `account-${mode}`),
      imageDelayMs: 300,
      zernio: startZernio,
      env: { POST_POLL_MIN_MS: "200", POST_POLL_MAX_MS: "500", ZERNIO_RETRY_MIN_DELAY_MS: "5" },
      context: {
        viewport: { width: 1280, height: 900 },
        timezoneId: BERLIN,
        acceptDownloads: true,
      },
    });
    page = s.page;

    // Sign up, then put one of the fake's accounts into this user's own Zernio profile.
    await signUp(page, s.web.url, { name: "Ada Leaving", email: `leaving-${mode}@example.com` });
    await trpcFromPage(page, "social.accounts"); // makes the profile
    const profile = [...s.zernio.fake.profiles.values()].find((p) =>
      p.name.startsWith("Streamline user "),
    );
    if (!profile) throw new Error("the user's Zernio profile was not created");
    s.zernio.fake.moveAccounts(profile._id, ["acc_instagram_1"]);
  }, 240_000);

  afterAll(async () => {
    console.log(`[e2e account ${mode}] axe: ${audited.states} states, ${audited.runs} runs`);
    await s?.close();
  });

  /** Generates an image and schedules it to Instagram for tomorrow 09:00 Berlin. */
  async function imageScheduledTomorrow(prompt: string) {
    await chooseModel(page, /^GPT Image 2 OpenAI/);
    await page.getByLabel("Describe your product / scene").fill(prompt);
    await page.getByRole("button", { name: "Generate Media" }).click();
    const image = preview().locator('img[src^="/media/image/"]');
    await image.waitFor({ timeout: 30_000 });
    const before = s.zernio.fake.requestsTo("posts.create").length;
    await preview().getByRole("button", { name: "Post", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Post", exact: true });
    await dialog.waitFor();
    await dialog.getByRole("radio", { name: "At a time" }).check();
    await dialog.getByRole("checkbox", { name: /^Instagram @streamline\.studio/ }).check();
    await dialog.getByLabel("Instagram caption").fill(`${prompt} #gummies`);
    await dialog.getByLabel("Date and time").fill(`${dayIn(BERLIN, 1)}T09:00`);
    const schedule = dialog.getByRole("button", { name: "Schedule", exact: true });
    // social.check runs as the fields change (debounced): Schedule turns on once it passes.
    await expect.poll(() => schedule.isEnabled(), { timeout: 15_000 }).toBe(true);
    await schedule.click();
    await dialog.waitFor({ state: "detached" });
    await preview()
      .getByText(/Scheduled for/)
      .first()
      .waitFor({ timeout: 20_000 });
    await expect
      .poll(() => s.zernio.fake.requestsTo("posts.create").length, { timeout: 20_000 })
      .toBe(before + 1);
    const scheduled = s.zernio.fake.listPosts().filter((p) => p.status === "scheduled");
    return { src: (await image.getAttribute("src")) as string, scheduled };
  }

  it("deletes an image with a scheduled post: the dialog says so, and Zernio's post is cancelled", async () => {
    const { src, scheduled } = await imageScheduledTomorrow("Gummies to delete, scheduled");
    expect(scheduled).toHaveLength(1);
    await preview().getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete this image?" });
    await dialog.waitFor();
    await dialog.getByText("1 post scheduled: cancelled by this delete.").waitFor();
    const text = await dialog.textContent();
    expect(text).toContain("cancelled, at Zernio too, so they are never published");
    expect(text).toContain("Posts already published stay on the networks");
    await audit("delete image dialog");
    await s.shot("delete-image-dialog");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByText("Deleted; its scheduled post was cancelled").waitFor();
    // The fake's paths are relative to its base URL (here the loopback root).
    expect(s.zernio.fake.requestsTo("posts.delete").map((r) => r.path)).toEqual([
      expect.stringMatching(new RegExp(`v1/posts/${scheduled[0]?._id}$`)),
    ]);
    expect(s.zernio.fake.listPosts().filter((p) => p.status === "scheduled")).toHaveLength(0);
    expect((await fetch(`${s.web.url}${src}`)).status).toBe(404);
    await s.shot("image-deleted");
  });

  it("exports the data, then deletes the account with the password: files 404, key refused, post cancelled", async () => {
    const prompt = "Gummies that leave with the account";
    const { src, scheduled } = await imageScheduledTomorrow(prompt);
    expect(scheduled).toHaveLength(1);
    const created = (await trpcFromPage(page, "apiKeys.create", { name: "e2e" })) as {
      key: string;
    };
    const withKey = () =>
      fetch(`${s.web.url}/trpc/media.list?input=${encodeURIComponent(JSON.stringify({}))}`, {
        headers: { authorization: `Bearer ${created.key}` },
      });
    expect((await withKey()).status).toBe(200);
    expect((await fetch(`${s.web.url}${src}`)).status).toBe(200);

    // The account menu → Account and data.
    await page.getByRole("button", { name: /Ada Leaving/ }).click();
    await page.getByRole("menuitem", { name: "Account and data" }).click();
    await page.waitForURL(/\/settings\/account$/);
    await page.getByRole("heading", { name: "Account", level: 1 }).waitFor();
    await audit("account page");
    await s.shot("account-page");

    // Export: a JSON file with the assets' metadata and captions.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export data" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^streamline-export-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(await readFile((await download.path()) as string, "utf8"));
    expect(exported.format).toBe("streamline-account-export/1");
    expect(exported.assets.map((a: { prompt: string }) => a.prompt)).toContain(prompt);
    expect(exported.captions.map((c: { text: string }) => c.text)).toContain(`${prompt} #gummies`);

    // Delete: the dialog asks for the password; a wrong one is refused in words.
    await page.getByRole("button", { name: "Delete account…" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete your account?" });
    await dialog.waitFor();
    await audit("delete account dialog");
    await dialog.getByLabel("Password").fill("not-my-password-1");
    await dialog.getByRole("button", { name: "Delete my account" }).click();
    await dialog.getByText("That password is not right.").waitFor();
    await s.shot("delete-account-wrong-password");
    await dialog.getByLabel("Password").fill(PASSWORD);
    await dialog.getByRole("button", { name: "Delete my account" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByText("Your account was deleted.").waitFor();
    await s.shot("account-deleted");

    expect((await fetch(`${s.web.url}${src}`)).status).toBe(404);
    expect((await withKey()).status).toBe(401);
    expect(s.zernio.fake.requestsTo("posts.delete").map((r) => r.path)).toContainEqual(
      expect.stringMatching(new RegExp(`v1/posts/${scheduled[0]?._id}$`)),
    );
    expect(s.zernio.fake.listPosts().filter((p) => p.status === "scheduled")).toHaveLength(0);
    expect(s.zernio.fake.requestsTo("accounts.delete").map((r) => r.path)).toEqual([
      expect.stringMatching(/v1\/accounts\/acc_instagram_1$/),
    ]);
    expect(s.zernio.fake.requestsTo("profiles.delete")).toHaveLength(1);
    // Signed out for good: the studio sends the browser back to sign-in.
    await page.goto(`${s.web.url}/ai-studio`);
    await page.waitForURL(/\/sign-in/);
  });
});
