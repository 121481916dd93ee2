// Zernio's validation as the authority (issue 19 items 5 and 7), on PGlite and PostgreSQL: social.check
// and social.schedule / update send the body a create would send to POST /v1/tools/validate/post;
// Zernio's errors block (BAD_REQUEST naming the field), its warnings show (source "zernio"); when it
// cannot be reached the local rules decide alone and say so; the validated body is the created one.
// When the post job sends it, Zernio validates again (the real media URL, validate/media): its
// refusal fails the post with its words per platform, and nothing is created.
// Item 7: TikTok privacy levels from the creator info, Pinterest boards, X Premium's longer limit.
import { testBackends } from "@streamline/db/testing";
import {
  createZernioFake,
  mockAccount,
  ZERNIO_MOCK_ACCOUNTS,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
} from "@streamline/fakes/zernio";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";
import {
  failure,
  giveMockAccounts,
  makeAsset,
  tomorrowIn,
  trpcCode,
  waitFor,
} from "./social-helpers";

const PREMIUM_X = mockAccount("acc_twitter_premium", "twitter", "streamline_plus", "Streamline+", {
  metadata: { profileData: { extraData: { isPremium: true } } },
});
const zernio = createZernioFake({ accounts: [...ZERNIO_MOCK_ACCOUNTS, PREMIUM_X] });
const apis = setupServer(...zernio.handlers);

beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());
beforeEach(() => zernio.reset());

let counter = 0;
const key = (label: string) => `${label}-${Date.now()}-${++counter}`;
const UNREACHABLE = "Zernio's validation could not be reached; checked with local rules only.";
const hashtags = (n: number) =>
  Array.from({ length: n }, (_, i) => `#tag${String.fromCharCode(97 + i)}`).join(" ");

describe.each(testBackends())("Zernio validation on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      ZERNIO_API_KEY: ZERNIO_MOCK_API_KEY,
      ZERNIO_BASE_URL: ZERNIO_MOCK_BASE_URL,
      ZERNIO_RETRY_MIN_DELAY_MS: "5",
      ZERNIO_TIMEOUT_SECONDS: "2",
      POST_POLL_MIN_MS: "20",
      POST_POLL_MAX_MS: "80",
      POST_RETRY_DELAY_SECONDS: "0",
    });
    const profileId = await giveMockAccounts(server, zernio, "alice");
    zernio.moveAccounts(profileId, [PREMIUM_X._id]);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const image = () => makeAsset(server, "alice", { type: "image", width: 1080, height: 1350 });
  const video = () => makeAsset(server, "alice", { type: "video" });
  const noWrites = () =>
    expect(
      zernio.requests.filter((r) =>
        ["posts.create", "media.presign", "posts.update"].includes(r.route),
      ),
    ).toEqual([]);

  it("check: Zernio's warning shows on its platform, in Zernio's words, instead of the local one", async () => {
    const asset = await image();
    const check = await server.client("alice").social.check.query({
      assetId: asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: `Morning light ${hashtags(7)}` } },
      publishNow: true,
    });
    expect(check.validation).toEqual({ by: "zernio" });
    expect(check.ok).toBe(true);
    expect(check.warnings).toEqual([
      expect.objectContaining({
        platform: "instagram",
        source: "zernio",
        field: "captions.instagram.text",
        message: expect.stringMatching(/Instagram: .*at most 5 hashtags \(7\)/),
      }),
    ]);
    expect(check.platforms[0]?.warnings.map((w) => w.source)).toEqual(["zernio"]);
    const sent = zernio.requestsTo("tools.validatePost");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.json).toMatchObject({
      content: expect.stringContaining("#taga"),
      platforms: [{ platform: "instagram", accountId: "acc_instagram_1" }],
      mediaItems: [{ type: "image", url: expect.stringMatching(/^https:\/\/.*\.png$/) }],
    });
    noWrites();
  });

  it("Zernio's error blocks check and schedule, naming the platform's field; nothing is written", async () => {
    const client = server.client("alice");
    const asset = await image();
    zernio.tools.failValidation(
      "acc_instagram_1",
      "Instagram feed images must be JPEG for this account",
    );
    const input = {
      assetId: asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" as const }],
      captions: { instagram: { text: "Morning light" } },
      publishNow: true,
    };
    const check = await client.social.check.query(input);
    expect(check).toMatchObject({ ok: false, validation: { by: "zernio" } });
    expect(check.refusals).toEqual([
      expect.objectContaining({ source: "zernio", field: "assetId", platform: "instagram" }),
    ]);
    const before = (await client.social.posts.query({})).length;
    const refused = await failure(
      client.social.schedule.mutate({ ...input, idempotencyKey: key("blocked") }),
    );
    expect(trpcCode(refused)).toBe("BAD_REQUEST");
    expect(refused.message).toMatch(/Instagram feed images must be JPEG/);
    expect(refused.data?.zodError?.fieldErrors.assetId?.[0]).toMatch(/JPEG/);
    expect((await client.social.posts.query({})).length).toBe(before);
    noWrites();
  });

  it("unreachable (503, dropped connection): the local rules decide alone and say so", async () => {
    const client = server.client("alice");
    const asset = await image();
    zernio.failNext("tools.validatePost", { status: 503 }, 3);
    const check = await client.social.check.query({
      assetId: asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: `Hello ${hashtags(7)}` } },
      publishNow: true,
    });
    expect(check.validation).toEqual({ by: "local", notice: UNREACHABLE });
    expect(check.ok).toBe(true);
    expect(check.warnings).toEqual([
      expect.objectContaining({ rule: "hashtags.recommended", source: "local" }),
    ]);
    // A refusal the local rules make stands without Zernio (and without asking it).
    const calls = zernio.requestsTo("tools.validatePost").length;
    const local = await client.social.check.query({
      assetId: asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: `Hello ${hashtags(31)}` } },
      publishNow: true,
    });
    expect(local.refusals.map((r) => [r.rule, r.source])).toEqual([["hashtags.count", "local"]]);
    expect(zernio.requestsTo("tools.validatePost").length).toBe(calls);

    zernio.failNext("tools.validatePost", { networkError: true }, 3);
    const when = `${tomorrowIn("Europe/Berlin")}T10:00`;
    const row = await client.social.schedule.mutate({
      assetId: asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: "Scheduled while Zernio's validation is down" } },
      scheduledFor: when,
      timezone: "Europe/Berlin",
      idempotencyKey: key("down"),
    });
    expect(row.validation).toEqual({ by: "local", notice: UNREACHABLE });
    expect(row.status).toBe("queued");
    await waitFor(
      async () => zernio.requestsTo("posts.create").some((r) => r.requestId === row.id),
      15_000,
      "its create",
    );
  });

  it("the body validated is the body created (and, once uploaded, the body updated)", async () => {
    const client = server.client("alice");
    const asset = await video();
    const when = `${tomorrowIn("Europe/Berlin")}T09:00`;
    const row = await client.social.schedule.mutate({
      assetId: asset.id,
      targets: [
        { accountId: "acc_tiktok_1", platform: "tiktok" },
        { accountId: "acc_pinterest_1", platform: "pinterest" },
      ],
      captions: {
        tiktok: { text: "Gym bag essentials" },
        pinterest: { text: "Pin it for later", title: "Gym bag" },
      },
      tiktok: { consent: true, allowComment: true, privacyLevel: "FOLLOWER_OF_CREATOR" },
      pinterest: { boardId: "board_drafts_2" },
      scheduledFor: when,
      timezone: "Europe/Berlin",
      idempotencyKey: key("same"),
    });
    expect(row.validation).toEqual({ by: "zernio" });
    // (Posts of earlier tests may still be sent meanwhile: pick this one's requests.)
    const createOf = () => zernio.requestsTo("posts.create").find((r) => r.requestId === row.id);
    await waitFor(async () => createOf(), 15_000, "create");
    const validated = zernio
      .requestsTo("tools.validatePost")
      .map((r) => r.json as Record<string, unknown>)
      .find((json) => json.content === "Gym bag essentials") as Record<string, unknown>;
    const created = createOf()?.json as Record<string, unknown>;
    expect(validated.content).toBe(created.content);
    expect(created.content).toBe("Gym bag essentials");
    expect(validated.platforms).toEqual(created.platforms);
    expect(created.platforms).toEqual([
      {
        platform: "tiktok",
        accountId: "acc_tiktok_1",
        platformSpecificData: {
          allowComment: true,
          allowDuet: false,
          allowStitch: false,
          contentPreviewConfirmed: true,
          expressConsentGiven: true,
          privacyLevel: "FOLLOWER_OF_CREATOR",
        },
      },
      {
        platform: "pinterest",
        accountId: "acc_pinterest_1",
        customContent: "Pin it for later",
        platformSpecificData: { title: "Gym bag", boardId: "board_drafts_2" },
      },
    ]);
    const types = (items: unknown) => (items as Array<{ type: string }>).map((m) => m.type);
    expect(types(validated.mediaItems)).toEqual(types(created.mediaItems));
    expect(Object.keys(validated).sort()).toEqual(["content", "mediaItems", "platforms"]);

    // After the upload the real URL is known: an update validates exactly what Zernio holds.
    await waitFor(
      async () =>
        (await client.social.posts.query({})).find((p) => p.id === row.id)?.status === "scheduled",
      15_000,
      "scheduled",
    );
    await client.social.update.mutate({
      postId: row.id,
      captions: { pinterest: { text: "Pin it for tomorrow", title: "Gym bag" } },
    });
    const revalidated = zernio.requestsTo("tools.validatePost").at(-1)?.json as Record<
      string,
      unknown
    >;
    expect(revalidated.mediaItems).toEqual(created.mediaItems);
    const put = zernio.requestsTo("posts.update").at(-1)?.json as Record<string, unknown>;
    expect(revalidated.platforms).toEqual(put.platforms);
    expect(revalidated.content).toBe(put.content);

    // A duplicate keeps the privacy level and the board it was picked with.
    const copy = await client.social.duplicate.mutate({
      postId: row.id,
      scheduledFor: `${tomorrowIn("Europe/Berlin")}T11:00`,
      timezone: "Europe/Berlin",
      idempotencyKey: key("copy"),
    });
    expect(copy.validation).toEqual({ by: "zernio" });
    const copied = zernio.requestsTo("tools.validatePost").at(-1)?.json as {
      platforms: Array<{ platformSpecificData?: Record<string, unknown> }>;
    };
    expect(copied.platforms.map((p) => p.platformSpecificData)).toEqual([
      expect.objectContaining({ privacyLevel: "FOLLOWER_OF_CREATOR" }),
      { title: "Gym bag", boardId: "board_drafts_2" },
    ]);
    // Let the worker finish with it here, not during the next test.
    await waitFor(
      async () => zernio.requestsTo("posts.create").some((r) => r.requestId === copy.id),
      15_000,
      "the copy's create",
    );
  }, 30_000);

  it("X Premium: 25,000 characters for an account that has it, 280 for one that does not", async () => {
    const client = server.client("alice");
    const asset = await image();
    const long = "Premium ".repeat(50).trim(); // 399 characters
    const premium = await client.social.check.query({
      assetId: asset.id,
      targets: [{ accountId: PREMIUM_X._id, platform: "x" }],
      captions: { x: { text: long } },
      publishNow: true,
    });
    expect(premium).toMatchObject({ ok: true, validation: { by: "zernio" } });
    expect(premium.platforms[0]?.limit).toBe(25_000);
    const standard = await client.social.check.query({
      assetId: asset.id,
      targets: [{ accountId: "acc_twitter_1", platform: "x" }],
      captions: { x: { text: long } },
      publishNow: true,
    });
    expect(standard.ok).toBe(false);
    expect(standard.refusals[0]).toMatchObject({ rule: "caption.length", source: "local" });
    const options = await client.social.accountOptions.query({ accountId: PREMIUM_X._id });
    expect(options).toMatchObject({
      platform: "x",
      x: { premium: true, captionLimit: 25_000 },
      tiktok: null,
      pinterest: null,
    });
  });

  it("accountOptions: TikTok privacy levels from the creator info, Pinterest boards; a wrong pick is refused", async () => {
    const client = server.client("alice");
    zernio.tools.setTikTokCreator("acc_tiktok_1", {
      privacyLevels: [
        { value: "PUBLIC_TO_EVERYONE", label: "Everyone" },
        { value: "SELF_ONLY", label: "Only me" },
      ],
      disabled: ["duet"],
    });
    const tiktok = await client.social.accountOptions.query({ accountId: "acc_tiktok_1" });
    expect(tiktok.tiktok).toMatchObject({
      privacyLevels: [
        { value: "PUBLIC_TO_EVERYONE", label: "Everyone" },
        { value: "SELF_ONLY", label: "Only me" },
      ],
      canPostMore: true,
      interactions: {
        comment: { enabled: true },
        duet: { enabled: false },
        stitch: { enabled: true },
      },
    });
    const pinterest = await client.social.accountOptions.query({ accountId: "acc_pinterest_1" });
    expect(pinterest.pinterest?.boards.map((b) => b.id)).toEqual([
      "board_ideas_1",
      "board_drafts_2",
    ]);
    const foreign = await failure(client.social.accountOptions.query({ accountId: "acc_nobody" }));
    expect(trpcCode(foreign)).toBe("BAD_REQUEST");

    const asset = await video();
    const refused = await failure(
      client.social.schedule.mutate({
        assetId: asset.id,
        targets: [{ accountId: "acc_tiktok_1", platform: "tiktok" }],
        captions: { tiktok: { text: "Private" } },
        tiktok: { consent: true, privacyLevel: "FOLLOWER_OF_CREATOR" },
        publishNow: true,
        idempotencyKey: key("privacy"),
      }),
    );
    expect(trpcCode(refused)).toBe("BAD_REQUEST");
    expect(refused.data?.zodError?.fieldErrors["tiktok.privacyLevel"]?.[0]).toMatch(/SELF_ONLY/);
    const board = await failure(
      client.social.schedule.mutate({
        assetId: asset.id,
        targets: [{ accountId: "acc_pinterest_1", platform: "pinterest" }],
        captions: { pinterest: { text: "Pin", title: "Pin" } },
        pinterest: { boardId: "board_of_someone_else" },
        publishNow: true,
        idempotencyKey: key("board"),
      }),
    );
    expect(board.data?.zodError?.fieldErrors["pinterest.boardId"]).toHaveLength(1);
    noWrites();
  });

  describe("again when the post job sends it", () => {
    const postOf = async (id: string) =>
      (await server.client("alice").social.posts.query({})).find((p) => p.id === id);
    /** No post of earlier tests is still being sent (they would take the answers set up next). */
    const idle = () =>
      waitFor(
        async () =>
          (await server.client("alice").social.posts.query({})).every(
            (p) => !["queued", "sending"].includes(p.status),
          ),
        15_000,
        "earlier posts sent",
      );
    const failedPost = (id: string) =>
      waitFor(
        async () => {
          const post = await postOf(id);
          return post?.status === "failed" ? post : undefined;
        },
        15_000,
        "failed",
      );
    const schedule = (assetId: string, label: string) =>
      server.client("alice").social.schedule.mutate({
        assetId,
        targets: [
          { accountId: "acc_instagram_1", platform: "instagram" },
          { accountId: "acc_twitter_1", platform: "x" },
        ],
        captions: {
          instagram: { text: "Harbour at dawn" },
          x: { text: "Harbour at dawn" },
        },
        scheduledFor: `${tomorrowIn("Europe/Berlin")}T11:00`,
        timezone: "Europe/Berlin",
        idempotencyKey: key(label),
      });

    it("Zernio's error on the real body fails the post with its words on its platform: no create", async () => {
      await idle();
      const asset = await image();
      // Scheduling passes (the stand-in body); the body with the uploaded URL is refused.
      zernio.failNext("tools.validatePost", {
        status: 200,
        body: { valid: true, message: "Post is valid", warnings: [] },
      });
      zernio.failNext("tools.validatePost", {
        status: 200,
        body: {
          valid: false,
          errors: [{ platform: "instagram", error: "Instagram cannot fetch this image" }],
          warnings: [],
        },
      });
      const row = await schedule(asset.id, "send-refused");
      expect(row.validation).toEqual({ by: "zernio" });
      const failed = await failedPost(row.id);
      expect(zernio.requestsTo("posts.create").filter((r) => r.requestId === row.id)).toEqual([]);
      expect(failed.platforms.find((p) => p.platform === "instagram")).toMatchObject({
        status: "failed",
        errorMessage: "Instagram cannot fetch this image",
        errorCategory: "user_content",
      });
      expect(failed.platforms.find((p) => p.platform === "x")?.errorMessage).toMatch(
        /Instagram: Instagram cannot fetch this image/,
      );
      // The body refused is the one the create would have sent: the uploaded URL, not a stand-in.
      const sent = zernio.requestsTo("tools.validatePost").at(-1)?.json as {
        mediaItems: Array<{ url: string }>;
      };
      expect(sent.mediaItems[0]?.url).toMatch(/^https:\/\/.*zernio\.mock\//);
    });

    it("media Zernio's validate/media refuses fails the post without a create", async () => {
      await idle();
      const asset = await image();
      zernio.failNext("tools.validateMedia", {
        status: 200,
        body: { valid: false, url: "https://x.invalid/a.png", error: "URL returned HTTP 403" },
      });
      const row = await schedule(asset.id, "media-refused");
      const failed = await failedPost(row.id);
      expect(zernio.requestsTo("posts.create").filter((r) => r.requestId === row.id)).toEqual([]);
      expect(failed.platforms.map((p) => [p.errorMessage, p.errorCategory])).toEqual([
        ["Zernio cannot use the media: URL returned HTTP 403", "user_content"],
        ["Zernio cannot use the media: URL returned HTTP 403", "user_content"],
      ]);
    });
  });
});
