// social router, captions and pre-publish checks, through the real server on PGlite (and
// PostgreSQL with TEST_DATABASE_URL): the media itself reaches the caption call, captions are
// measured per platform with one shorten re-ask, versions are kept, refusals name platform + rule
// before any Zernio request, other users' things are NOT_FOUND, and no Zernio key is said plainly.
import { testBackends } from "@streamline/db/testing";
import {
  createGoogleCaptionsMock,
  createOpenAIResponsesMock,
  GOOGLE_MOCK_API_KEY,
  OPENAI_MOCK_API_KEY,
} from "@streamline/fakes/providers";
import {
  createZernioFake,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
} from "@streamline/fakes/zernio";
import fc from "fast-check";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestClient, startTestServer, type TestServer } from "./harness";
import {
  answerResponsesOnce,
  failure,
  giveMockAccounts,
  makeAsset,
  profileIdOf,
  tomorrowIn,
  trpcCode,
  words,
} from "./social-helpers";

const openai = createOpenAIResponsesMock();
const gemini = createGoogleCaptionsMock();
const zernio = createZernioFake();
const apis = setupServer(...openai.handlers, ...gemini.handlers, ...zernio.handlers);

beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());
beforeEach(() => {
  openai.reset();
  gemini.reset();
  zernio.reset();
  apis.resetHandlers();
});

const SOCIAL_ENV = {
  OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
  GEMINI_API_KEY: GOOGLE_MOCK_API_KEY,
  ZERNIO_API_KEY: ZERNIO_MOCK_API_KEY,
  ZERNIO_BASE_URL: ZERNIO_MOCK_BASE_URL,
  ZERNIO_RETRY_MIN_DELAY_MS: "5",
  // gemini-3.8-flash has no published price: captions refuse it unless the operator sets one.
  CAPTION_MODEL_PRICES: "gemini-3.8-flash=0.5/3",
};

let keyCounter = 0;
const key = (label: string) => `${label}-${Date.now()}-${++keyCounter}`;

describe.each(testBackends())("social captions and checks on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, SOCIAL_ENV);
    await giveMockAccounts(server, zernio, "alice");
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("lists caption models with availability and the default", async () => {
    const { models, defaultModel, limits } = await server.client().social.captionModels.query();
    expect(defaultModel).toBe("gpt-6.1-terra");
    expect(models.find((m) => m.id === "gpt-6.1-terra")).toMatchObject({
      isDefault: true,
      available: true,
      unavailableReason: null,
    });
    expect(models.find((m) => m.id === "gemini-3.8-flash")).toMatchObject({
      available: true,
      videoInput: true,
    });
    expect(models.find((m) => m.id === "gpt-4o")?.lifecycle.replacement).toBe("gpt-6-luna");
    expect(limits.x).toMatchObject({ label: "X", limit: 280, counting: "twitter-weighted" });
    expect(limits.youtube).toMatchObject({ limit: 5_000, titleLimit: 100 });
  });

  it("captions an image from the image itself in one call, and keeps every version", async () => {
    const client = server.client("alice");
    const asset = await makeAsset(server, "alice", { type: "image", width: 2048, height: 1536 });
    const idempotencyKey = key("cap");
    const input = {
      assetId: asset.id,
      platforms: ["instagram" as const, "x" as const, "youtube" as const],
      tone: "playful",
      hashtags: true,
      callToAction: "Shop the link in bio",
      idempotencyKey,
    };
    // A double submit: one provider call, the same answer.
    const [first, second] = await Promise.all([
      client.social.caption.mutate(input),
      client.social.caption.mutate(input),
    ]);
    expect(openai.requests).toHaveLength(1);
    expect(second.requestId).toBe(first.requestId);
    expect(second.captions.map((c) => c.id).sort()).toEqual(first.captions.map((c) => c.id).sort());

    const sent = openai.requests[0];
    expect(sent?.json.model).toBe("gpt-6.1-terra");
    expect(sent?.json.text.format).toMatchObject({ type: "json_schema", strict: true });
    expect(Object.keys(sent?.json.text.format.schema.properties).sort()).toEqual(
      ["instagram", "x", "youtube"].sort(),
    );
    const text = JSON.stringify(sent?.json.input);
    expect(text).toContain("Creatine gummies in a gym bag, bright morning light");
    expect(text).toContain("playful");
    expect(text).toContain("Shop the link in bio");
    // The stored image, downscaled to 1024 px on its long side and sent as JPEG.
    expect(sent?.images).toEqual([
      expect.objectContaining({ mimeType: "image/jpeg", width: 1024, height: 768, format: "jpeg" }),
    ]);

    expect(first.model).toBe("gpt-6.1-terra");
    expect(first.costUsd).toBeGreaterThan(0);
    const byPlatform = Object.fromEntries(first.captions.map((c) => [c.platform, c]));
    expect(byPlatform.x).toMatchObject({ source: "ai", limit: 280, overLimit: false });
    expect(byPlatform.x?.text).toMatch(/#demo/);
    expect(byPlatform.youtube?.title).toBeTruthy();
    expect(byPlatform.instagram?.hashtags.length).toBeLessThanOrEqual(5);

    const edited = await client.social.editCaption.mutate({
      assetId: asset.id,
      platform: "instagram",
      text: "My own words ✨ #gym",
    });
    expect(edited).toMatchObject({ source: "edited", platform: "instagram", hashtags: ["gym"] });
    const all = await client.social.captions.query({ assetId: asset.id });
    expect(all.latest.map((c) => c.platform)).toEqual(["instagram", "youtube", "x"]);
    expect(all.latest[0]).toMatchObject({ id: edited.id, text: "My own words ✨ #gym" });
    expect(all.history.filter((c) => c.platform === "instagram").map((c) => c.source)).toEqual([
      "edited",
      "ai",
    ]);
  });

  it("captions a video from its poster and frames (OpenAI) or the video itself (Gemini)", async () => {
    const client = server.client("alice");
    const video = await makeAsset(server, "alice", { type: "video" });
    await client.social.caption.mutate({
      assetId: video.id,
      platforms: ["tiktok"],
      hashtags: false,
      idempotencyKey: key("vid"),
    });
    // Poster + 3 frames cut with ffmpeg: OpenAI takes no video.
    expect(openai.requests[0]?.images).toHaveLength(4);
    expect(openai.requests[0]?.images.every((i) => i.mimeType === "image/jpeg")).toBe(true);
    const gem = await client.social.caption.mutate({
      assetId: video.id,
      platforms: ["youtube", "tiktok"],
      hashtags: true,
      model: "gemini-3.8-flash",
      idempotencyKey: key("gem"),
    });
    expect(gem.model).toBe("gemini-3.8-flash");
    expect(gemini.requests).toHaveLength(1);
    expect(gemini.requests[0]?.inline.map((p) => p.mimeType)).toEqual(["video/mp4"]);
    expect(gemini.requests[0]?.json.generationConfig.responseMimeType).toBe("application/json");
  });

  it("asks once to shorten an over-limit caption, then keeps it flagged with its count", async () => {
    const client = server.client("alice");
    const asset = await makeAsset(server, "alice", { type: "image", width: 1080, height: 1350 });
    const seen: any[] = [];
    const long = words(60); // ~360 characters
    // 1) shortened within the limit (the first handler answers the caption call, then the re-ask)
    apis.use(
      answerResponsesOnce({ x: { text: long, hashtags: [] } }, seen),
      answerResponsesOnce({ text: "Gummies, gym bag, go." }, seen),
    );
    const ok = await client.social.caption.mutate({
      assetId: asset.id,
      platforms: ["x"],
      hashtags: false,
      idempotencyKey: key("short"),
    });
    expect(seen).toHaveLength(2);
    expect(JSON.stringify(seen[1].input)).toMatch(/at most 280 weighted characters/);
    expect(ok.captions[0]).toMatchObject({
      text: "Gummies, gym bag, go.",
      overLimit: false,
      shortened: true,
    });

    // 2) still too long after the one re-ask: kept whole, flagged, never cut
    seen.length = 0;
    const stillLong = words(50);
    apis.use(
      answerResponsesOnce({ x: { text: long, hashtags: [] } }, seen),
      answerResponsesOnce({ text: stillLong }, seen),
    );
    const flagged = await client.social.caption.mutate({
      assetId: asset.id,
      platforms: ["x"],
      hashtags: false,
      idempotencyKey: key("flag"),
    });
    expect(seen).toHaveLength(2);
    expect(flagged.captions[0]).toMatchObject({ text: stillLong, overLimit: true, limit: 280 });
    expect(flagged.captions[0]?.length).toBe(stillLong.length);
  });

  it("refuses bad caption input by field", async () => {
    const client = server.client("alice");
    const asset = await makeAsset(server, "alice", { type: "image", width: 1024, height: 1024 });
    const tooLong = await failure(
      client.social.caption.mutate({
        assetId: asset.id,
        platforms: ["x"],
        hashtags: false,
        instructions: "x".repeat(501),
        idempotencyKey: key("long"),
      }),
    );
    expect(trpcCode(tooLong)).toBe("BAD_REQUEST");
    expect(tooLong.data?.zodError?.fieldErrors.instructions?.[0]).toMatch(/500/);
    const unknown = await failure(
      client.social.caption.mutate({
        assetId: asset.id,
        platforms: ["x"],
        hashtags: false,
        model: "gpt-2",
        idempotencyKey: key("model"),
      }),
    );
    expect(trpcCode(unknown)).toBe("BAD_REQUEST");
    expect(unknown.data?.zodError?.fieldErrors.model?.[0]).toMatch(/Unknown caption model/);
    expect(openai.requests).toHaveLength(0);
  });

  it("checks a draft against every platform's rules with the asset's real media facts", async () => {
    const client = server.client("alice");
    const wide = await makeAsset(server, "alice", { type: "image", width: 3000, height: 1000 });
    const video = await makeAsset(server, "alice", { type: "video" });
    const x281 = `${"a".repeat(257)} https://example.com/a`; // 257 + 1 + 23 (a link counts 23)
    const check = await client.social.check.query({
      assetId: wide.id,
      targets: [
        { accountId: "acc_twitter_1", platform: "x" },
        { accountId: "acc_instagram_1", platform: "instagram" },
        { accountId: "acc_youtube_1", platform: "youtube" },
      ],
      captions: {
        x: { text: x281 },
        instagram: { text: "Hi" },
        youtube: { text: "d", title: "t" },
      },
      publishNow: true,
    });
    expect(check.ok).toBe(false);
    expect(check.media).toMatchObject({ type: "image", mimeType: "image/png", width: 3000 });
    const rules = check.refusals.map((r) => `${r.platform}:${r.rule}:${r.field}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        "x:caption.length:captions.x.text",
        "instagram:image.aspect:assetId",
        "youtube:media.oneVideo:assetId",
      ]),
    );
    expect(check.platforms.find((p) => p.platform === "x")).toMatchObject({
      length: 281,
      limit: 280,
    });

    const past = await client.social.check.query({
      assetId: video.id,
      targets: [{ accountId: "acc_tiktok_1", platform: "tiktok" }],
      captions: { tiktok: { text: "ok" } },
      tiktok: { consent: true },
      scheduledFor: "2020-01-01T09:00",
      timezone: "Europe/Berlin",
    });
    expect(past.refusals.map((r) => r.rule)).toEqual(["schedule.past"]);
    // TikTok wants the creator's consent for each post before anything is sent.
    const noConsent = await client.social.check.query({
      assetId: video.id,
      targets: [{ accountId: "acc_tiktok_1", platform: "tiktok" }],
      captions: { tiktok: { text: "ok" } },
      scheduledFor: `${tomorrowIn("Europe/Berlin")}T09:00`,
      timezone: "Europe/Berlin",
    });
    expect(noConsent.refusals).toEqual([
      expect.objectContaining({
        platform: "tiktok",
        rule: "tiktok.consent",
        field: "tiktok.consent",
      }),
    ]);
    const fine = await client.social.check.query({
      assetId: video.id,
      targets: [{ accountId: "acc_tiktok_1", platform: "tiktok" }],
      captions: { tiktok: { text: "ok" } },
      tiktok: { consent: true },
      scheduledFor: `${tomorrowIn("Europe/Berlin")}T09:00`,
      timezone: "Europe/Berlin",
    });
    expect(fine).toMatchObject({ ok: true, refusals: [] });
    expect(new Date(fine.scheduledAt ?? 0).getTime()).toBeGreaterThan(Date.now());
    const missing = await failure(
      client.social.check.query({
        assetId: video.id,
        targets: [{ accountId: "acc_tiktok_1", platform: "tiktok" }],
        captions: {},
      }),
    );
    expect(missing.data?.zodError?.fieldErrors).toMatchObject({
      scheduledFor: [expect.any(String)],
      timezone: [expect.any(String)],
    });
    // Nothing is posted: the Zernio calls are alice's own account list (reused for 15 s) and the
    // validation (a dry run) of the one draft the local rules let through.
    const seen = zernio.requests.map((r) => `${r.route} ${r.query.profileId ?? ""}`);
    const profileId = await profileIdOf(server, "alice");
    const lists = seen.filter((r) => r.startsWith("accounts.list"));
    expect(lists.length).toBeLessThanOrEqual(1);
    expect(lists.every((r) => r === `accounts.list ${profileId}`)).toBe(true);
    expect(seen.filter((r) => !r.startsWith("accounts.list"))).toEqual(["tools.validatePost "]);
    expect(fine.validation).toEqual({ by: "zernio" });
  });

  it("answers NOT_FOUND for another user's asset everywhere", async () => {
    const asset = await makeAsset(server, "alice", { type: "image", width: 1080, height: 1080 });
    const bob = server.client("bob");
    const calls = [
      () => bob.social.captions.query({ assetId: asset.id }),
      () =>
        bob.social.caption.mutate({
          assetId: asset.id,
          platforms: ["x"],
          hashtags: false,
          idempotencyKey: key("bob"),
        }),
      () => bob.social.editCaption.mutate({ assetId: asset.id, platform: "x", text: "mine" }),
      () =>
        bob.social.check.query({
          assetId: asset.id,
          targets: [{ accountId: "acc_twitter_1", platform: "x" }],
          captions: { x: { text: "hi" } },
          publishNow: true,
        }),
      () =>
        bob.social.schedule.mutate({
          assetId: asset.id,
          targets: [{ accountId: "acc_twitter_1", platform: "x" }],
          captions: { x: { text: "hi" } },
          publishNow: true,
          idempotencyKey: key("bob"),
        }),
      () => bob.social.posts.query({ assetId: asset.id }),
    ];
    for (const call of calls) expect(trpcCode(await failure(call()))).toBe("NOT_FOUND");
    expect(openai.requests).toHaveLength(0);
    expect(zernio.requests).toHaveLength(0);
  });

  it("never answers 500, whatever the input", async () => {
    const asset = await makeAsset(server, "fuzz", { type: "image", width: 1080, height: 1080 });
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom("", "__proto__", "x".repeat(3_000), "2026-13-40T25:61", "Mars/Phobos"),
    );
    const maybe = <T>(valid: T) =>
      fc.option(fc.oneof(fc.constant(valid), fc.anything()), { nil: undefined });
    const platform = fc.oneof(
      fc.constantFrom("x", "instagram", "twitter", "youtube"),
      fc.anything(),
    );
    const draft = fc.record(
      {
        assetId: maybe(asset.id),
        targets: fc.oneof(
          fc.array(fc.record({ accountId: text, platform }), { maxLength: 3 }),
          fc.anything(),
        ),
        captions: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 10 }), fc.anything()),
          fc.anything(),
        ),
        publishNow: fc.oneof(fc.boolean(), fc.anything()),
        scheduledFor: fc.oneof(text, fc.constant("2030-01-01T09:00")),
        timezone: fc.oneof(text, fc.constant("Europe/Berlin")),
        idempotencyKey: fc.oneof(text, fc.constant("fuzz-key-123")),
        postId: maybe("00000000-0000-4000-8000-000000000000"),
        platforms: fc.oneof(fc.array(platform, { maxLength: 3 }), fc.anything()),
        hashtags: fc.oneof(fc.boolean(), fc.anything()),
        text,
        model: fc.oneof(text, fc.constant("gpt-5")),
      },
      { requiredKeys: [] },
    );
    const procedures: Array<[string, "query" | "mutation"]> = [
      ["social.captionModels", "query"],
      ["social.captions", "query"],
      ["social.check", "query"],
      ["social.posts", "query"],
      ["social.accounts", "query"],
      ["social.caption", "mutation"],
      ["social.editCaption", "mutation"],
      ["social.schedule", "mutation"],
      ["social.update", "mutation"],
      ["social.cancel", "mutation"],
      ["social.retry", "mutation"],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...procedures), draft, async ([path, kind], input) => {
        const body = JSON.stringify(input) ?? "null";
        const headers = { "x-streamline-user": "fuzz", "content-type": "application/json" };
        const response =
          kind === "mutation"
            ? await fetch(`${server.url}/trpc/${path}`, { method: "POST", headers, body })
            : await fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(body)}`, {
                headers,
              });
        const answer = await response.text();
        expect(response.status, `${path} ${answer.slice(0, 300)}`).not.toBe(500);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  }, 120_000);

  it("needs a signed-in caller", async () => {
    const anonymous = createTestClient(server.url, {});
    expect(trpcCode(await failure(anonymous.social.accounts.query()))).toBe("UNAUTHORIZED");
    expect(trpcCode(await failure(anonymous.social.posts.query({})))).toBe("UNAUTHORIZED");
  });
});

describe("social without a Zernio key, and in offline demo mode", () => {
  it("says posting is not configured instead of failing", async () => {
    const server = await startTestServer("pglite", {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      GEMINI_API_KEY: "",
      ZERNIO_API_KEY: "",
    });
    try {
      const client = server.client("alice");
      expect(await client.social.accounts.query()).toEqual({
        configured: false,
        message: "Posting is not configured — add ZERNIO_API_KEY",
        demo: false,
        shared: false,
        accounts: [],
      });
      const asset = await makeAsset(server, "alice", { type: "image", width: 1080, height: 1080 });
      const refused = await failure(
        client.social.schedule.mutate({
          assetId: asset.id,
          targets: [{ accountId: "acc_twitter_1", platform: "x" }],
          captions: { x: { text: "hi" } },
          publishNow: true,
          idempotencyKey: key("nokey"),
        }),
      );
      expect(trpcCode(refused)).toBe("PRECONDITION_FAILED");
      expect(refused.message).toMatch(/ZERNIO_API_KEY/);
      const models = (await client.social.captionModels.query()).models;
      expect(models.find((m) => m.id === "gemini-3.8-flash")).toMatchObject({
        available: false,
        unavailableReason: "not_configured",
      });
    } finally {
      await server.close();
    }
  });

  it("runs create → caption → schedule with no keys at all (demo mode)", async () => {
    const demo = await startTestServer("pglite", {
      OPENAI_API_KEY: "",
      GEMINI_API_KEY: "",
      ZERNIO_API_KEY: "",
      MEDIA_DEMO: "1",
      MEDIA_ENABLE_MODELS: "",
      POST_POLL_MIN_MS: "20",
      POST_POLL_MAX_MS: "60",
    });
    try {
      const client = demo.client("demo-user");
      const { asset } = await client.media.generate.mutate({
        type: "image",
        model: "gpt-image-2",
        prompt: "Creatine gummies on a kitchen counter",
        options: { size: "1024x1024" },
      });
      const done = await (async () => {
        for (let i = 0; i < 400; i++) {
          const a = await client.media.byId.query({ id: asset.id });
          if (a.status === "succeeded" || a.status === "failed") return a;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error("generation did not finish");
      })();
      expect(done.status).toBe("succeeded");
      const captions = await client.social.caption.mutate({
        assetId: asset.id,
        platforms: ["instagram", "x"],
        hashtags: true,
        idempotencyKey: key("demo"),
      });
      expect(captions.captions[0]?.text).toMatch(/Demo/);
      const accounts = await client.social.accounts.query();
      expect(accounts).toMatchObject({ configured: true, demo: true });
      expect(accounts.accounts.every((a) => a.displayName?.startsWith("Demo"))).toBe(true);
      // Every demo user has their own demo accounts, never another user's.
      const other = await demo.client("demo-user-2").social.accounts.query();
      expect(other.accounts).toHaveLength(accounts.accounts.length);
      expect(other.accounts.every((a) => a.displayName?.startsWith("Demo"))).toBe(true);
      const mine = new Set(accounts.accounts.map((a) => a.id));
      expect(other.accounts.filter((a) => mine.has(a.id))).toEqual([]);
      const instagram = accounts.accounts.find((a) => a.platform === "instagram");
      const post = await client.social.schedule.mutate({
        assetId: asset.id,
        targets: [{ accountId: instagram?.id ?? "", platform: "instagram" }],
        captions: { instagram: { text: captions.captions[0]?.text ?? "" } },
        publishNow: true,
        idempotencyKey: key("demo-post"),
      });
      expect(post.demo).toBe(true);
      let final: Omit<typeof post, "warnings" | "validation"> = post;
      for (let i = 0; i < 300 && final.status !== "published"; i++) {
        await new Promise((r) => setTimeout(r, 50));
        final = (await client.social.posts.query({ assetId: asset.id }))[0] ?? final;
      }
      expect(final.status, JSON.stringify(final.error)).toBe("published");
      expect(final.platforms[0]?.url).toMatch(/^https:\/\/instagram\.example\/p\//);
    } finally {
      await demo.close();
    }
  }, 60_000);
});
