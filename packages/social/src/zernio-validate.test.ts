// The adapter's validation and account-option calls against the Zernio fake: exact request bodies
// (POST /v1/tools/validate/post is the create's content part, serialised by the same function),
// answers mapped, dry runs re-sent after 503 / a dropped connection, and never a post or an upload.
import {
  createZernioFake,
  mockAccount,
  ZERNIO_MOCK_ACCOUNTS,
  ZERNIO_MOCK_API_KEY,
} from "@streamline/fakes/zernio";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SocialError } from "./errors";
import type { PostContentBody } from "./types";
import { createZernio, zernioContentBody } from "./zernio";

const PREMIUM = mockAccount("acc_x_premium", "twitter", "plus", "Plus", {
  metadata: { profileData: { isPremium: true } },
});
const fake = createZernioFake({ accounts: [...ZERNIO_MOCK_ACCOUNTS, PREMIUM] });
const server = setupServer(...fake.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => fake.reset());
afterAll(() => server.close());

const client = () =>
  createZernio({
    apiKey: ZERNIO_MOCK_API_KEY,
    baseURL: fake.baseURL,
    timeoutMs: 200,
    retry: { sleep: async () => {}, now: () => Date.now(), random: () => 0.5 },
  });

const body = (text: string, platforms: PostContentBody["platforms"]): PostContentBody => ({
  content: text,
  mediaItems: [{ type: "image", url: "https://media.zernio.mock/uploads/a/sunrise.png" }],
  platforms,
});

describe("Zernio validation (POST /v1/tools/validate/post, /media)", () => {
  it("sends the create's content body and maps errors and warnings per platform", async () => {
    const sent = body(`Sunrise ${"#tag ".repeat(7)}`, [
      { platform: "instagram", accountId: "acc_instagram_1" },
      { platform: "twitter", accountId: "acc_twitter_1", customContent: "a".repeat(300) },
    ]);
    const result = await client().validatePost(sent);
    expect(fake.requestsTo("tools.validatePost")[0]?.json).toEqual(zernioContentBody(sent));
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      { platform: "twitter", message: "Twitter/X content exceeds 280 characters (300)" },
    ]);
    expect(result.warnings).toEqual([
      { platform: "instagram", message: "Instagram recommends at most 5 hashtags (7)" },
    ]);
    expect(fake.requestsTo("posts.create")).toHaveLength(0);
    expect(fake.listPosts()).toHaveLength(0);
  });

  it("resolves X Premium from the accountId (25,000) and warns above 90 % of a limit", async () => {
    const premium = await client().validatePost(
      body("a".repeat(300), [{ platform: "twitter", accountId: PREMIUM._id }]),
    );
    expect(premium).toEqual({ valid: true, errors: [], warnings: [] });
    const near = await client().validatePost(
      body("a".repeat(260), [{ platform: "twitter", accountId: "acc_twitter_1" }]),
    );
    expect(near.valid).toBe(true);
    expect(near.warnings[0]?.message).toMatch(/260 of 280/);
  });

  it("re-sends a dry run after 503 and a dropped connection; gives up as UNAVAILABLE", async () => {
    fake.failNext("tools.validatePost", { status: 503 });
    fake.failNext("tools.validatePost", { networkError: true });
    const ok = await client().validatePost(
      body("Hello", [{ platform: "instagram", accountId: "acc_instagram_1" }]),
    );
    expect(ok.valid).toBe(true);
    expect(fake.requestsTo("tools.validatePost")).toHaveLength(3);
    fake.failNext("tools.validatePost", { status: 503 }, 5);
    const error = await client()
      .validatePost(body("Hello", [{ platform: "instagram", accountId: "acc_instagram_1" }]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocialError);
    expect((error as SocialError).retryable).toBe(true);
  });

  it("a malformed body is Zernio's 400 (VALIDATION), not a verdict of valid", async () => {
    const error = await client()
      .validatePost(body("x", [{ platform: "myspace", accountId: "acc_1" }]))
      .catch((e: unknown) => e);
    expect((error as SocialError).code).toBe("VALIDATION");
  });

  it("validates an uploaded file's URL: type, size and each platform's limit", async () => {
    const zernio = client();
    const bytes = new Uint8Array(2048);
    const { publicUrl } = await zernio.uploadMedia({
      filename: "a.png",
      contentType: "image/png",
      size: bytes.byteLength,
      body: bytes,
    });
    const media = await zernio.validateMedia(publicUrl);
    expect(media).toMatchObject({
      valid: true,
      type: "image",
      size: 2048,
      contentType: "image/png",
    });
    expect(media.platformLimits.twitter).toEqual({ limit: 5 * 1024 ** 2, withinLimit: true });
    expect((await zernio.validateMedia("https://media.zernio.mock/none.png")).valid).toBe(false);
    const local = await zernio.validateMedia("http://127.0.0.1/a.png").catch((e: unknown) => e);
    expect((local as SocialError).code).toBe("VALIDATION");
  });
});

describe("per-account options (item 7)", () => {
  it("TikTok creator info: privacy levels and interactions as the creator allows them", async () => {
    fake.tools.setTikTokCreator("acc_tiktok_1", {
      privacyLevels: [{ value: "SELF_ONLY", label: "Only me" }],
      disabled: ["stitch"],
      canPostMore: false,
    });
    const info = await client().tiktokCreatorInfo("acc_tiktok_1");
    expect(info).toMatchObject({
      privacyLevels: [{ value: "SELF_ONLY", label: "Only me" }],
      canPostMore: false,
      interactions: {
        comment: { enabled: true },
        duet: { enabled: true },
        stitch: { enabled: false },
      },
    });
    const photo = await client().tiktokCreatorInfo("acc_tiktok_1", { mediaType: "photo" });
    expect(photo.interactions.duet).toBeNull();
    expect(fake.requestsTo("accounts.tiktokCreatorInfo").at(-1)?.query).toEqual({
      mediaType: "photo",
    });
    const notTikTok = await client()
      .tiktokCreatorInfo("acc_instagram_1")
      .catch((e: unknown) => e);
    expect((notTikTok as SocialError).code).toBe("VALIDATION");
  });

  it("Pinterest boards; the create refuses a board or privacy level the account does not have", async () => {
    const boards = await client().pinterestBoards("acc_pinterest_1");
    expect(boards.map((b) => b.id)).toEqual(["board_ideas_1", "board_drafts_2"]);
    const refused = await client()
      .createPost({
        requestId: "7d0c7a52-6a2e-4a57-9a8e-2f3b8c0d1e11",
        content: "Pin",
        mediaItems: [{ type: "image", url: "https://media.zernio.mock/uploads/a/pin.png" }],
        platforms: [
          {
            platform: "pinterest",
            accountId: "acc_pinterest_1",
            platformSpecificData: { boardId: "board_nope" },
          },
        ],
        publishNow: true,
      })
      .catch((e: unknown) => e);
    expect((refused as SocialError).code).toBe("VALIDATION");
    const verdict = await client().validatePost(
      body("Pin", [
        {
          platform: "tiktok",
          accountId: "acc_tiktok_1",
          platformSpecificData: { privacyLevel: "NOPE" },
        },
      ]),
    );
    expect(verdict.errors[0]?.message).toMatch(/privacyLevel "NOPE"/);
  });

  it("an X account's Premium flag is read from its metadata", async () => {
    const accounts = await client().listAccounts();
    expect(accounts.find((a) => a.id === PREMIUM._id)?.premium).toBe(true);
    expect(accounts.find((a) => a.id === "acc_twitter_1")?.premium).toBe(false);
    expect(accounts.find((a) => a.id === "acc_instagram_1")?.premium).toBeUndefined();
  });
});
