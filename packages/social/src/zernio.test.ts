import {
  createZernioDemo,
  createZernioFake,
  rateLimitHeaders,
  ZERNIO_MOCK_API_KEY,
} from "@streamline/fakes/zernio";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SocialError } from "./errors";
import { createZernio, type ZernioSettings } from "./zernio";

const START = new Date("2026-12-01T08:00:00Z");
const fake = createZernioFake({ startAt: START, publishDurationMs: 1_000 });
const server = setupServer(...fake.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  fake.reset();
  server.resetHandlers();
});
afterAll(() => server.close());

const waits: number[] = [];
function client(overrides: Partial<ZernioSettings> = {}) {
  waits.length = 0;
  return createZernio({
    apiKey: ZERNIO_MOCK_API_KEY,
    baseURL: fake.baseURL,
    timeoutMs: 200,
    retry: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      now: () => Date.now(),
      random: () => 0.5,
    },
    ...overrides,
  });
}

const requestId = "5f0c7a52-6a2e-4a57-9a8e-2f3b8c0d1e11";
const image = new TextEncoder().encode("\x89PNG fake image bytes");

async function scheduleTwo(zernio = client()) {
  const { publicUrl } = await zernio.uploadMedia({
    filename: "sunrise.png",
    contentType: "image/png",
    size: image.byteLength,
    body: image,
  });
  return zernio.createPost({
    requestId,
    content: "Sunrise over the bay #morning",
    mediaItems: [{ type: "image", url: publicUrl }],
    platforms: [
      { platform: "instagram", accountId: "acc_instagram_1" },
      { platform: "twitter", accountId: "acc_twitter_1", customContent: "Sunrise 🌅" },
    ],
    scheduledFor: "2026-12-02T09:00:00",
    timezone: "Europe/Berlin",
  });
}

describe("accounts", () => {
  it("normalizes connection health, with the reason", async () => {
    const accounts = await client().listAccounts();
    const byId = Object.fromEntries(accounts.map((a) => [a.id, a]));
    expect(byId.acc_instagram_1).toMatchObject({
      platform: "instagram",
      username: "streamline.studio",
      connected: true,
    });
    expect(byId.acc_instagram_1?.reason).toBeUndefined();
    expect(byId.acc_linkedin_1).toMatchObject({
      connected: false,
      reason: expect.stringMatching(/reconnect/i),
    });
    expect(byId.acc_facebook_1).toMatchObject({
      connected: false,
      reason: "Disconnected in Zernio",
    });
  });

  it("a wrong key is AUTH, not retried", async () => {
    const zernio = createZernio({ apiKey: "sk_wrong", baseURL: fake.baseURL });
    const error = await zernio.listAccounts().catch((e) => e);
    expect(error).toBeInstanceOf(SocialError);
    expect(error).toMatchObject({ code: "AUTH", status: 401, retryable: false });
    expect(fake.requestsTo("accounts.list")).toHaveLength(1);
  });

  it("the offline demo serves accounts labelled Demo", async () => {
    const demo = createZernioDemo({ baseURL: "https://zernio-demo.mock/api" });
    server.use(...demo.handlers);
    const zernio = createZernio({ apiKey: demo.apiKey, baseURL: demo.baseURL });
    const accounts = await zernio.listAccounts();
    expect(accounts.length).toBe(8);
    expect(accounts.every((a) => a.displayName?.startsWith("Demo ") && a.connected)).toBe(true);
  });

  it("creates a profile, lists only its accounts, and connects into it", async () => {
    const zernio = client();
    const profile = await zernio.createProfile({
      name: "Streamline user u1",
      description: "studio user u1",
      idempotencyKey: "profile-claim-1",
    });
    const [create] = fake.requestsTo("profiles.create");
    expect(create?.json).toEqual({ name: "Streamline user u1", description: "studio user u1" });
    expect(create?.headers["idempotency-key"]).toBe("profile-claim-1");
    // The same key and body replay the first profile instead of making a second.
    const again = await zernio.createProfile({
      name: "Streamline user u1",
      description: "studio user u1",
      idempotencyKey: "profile-claim-1",
    });
    expect(again.id).toBe(profile.id);
    expect(await zernio.listProfiles({ name: "Streamline user u1" })).toEqual([profile]);
    expect(fake.requestsTo("profiles.list")[0]?.query).toEqual({ name: "Streamline user u1" });

    expect(await zernio.listAccounts({ profileId: profile.id })).toEqual([]);
    expect(fake.requestsTo("accounts.list").at(-1)?.query).toEqual({ profileId: profile.id });
    const url = await zernio.connectUrl({
      platform: "twitter",
      profileId: profile.id,
      redirectUrl: "https://studio.example/ai-studio",
    });
    const connect = fake.requestsTo("connect.url")[0];
    expect(connect?.path).toBe("/v1/connect/twitter");
    expect(connect?.query).toEqual({
      profileId: profile.id,
      redirect_url: "https://studio.example/ai-studio",
    });
    const { account, redirectTo } = fake.completeConnection(url, { username: "newbie" });
    expect(redirectTo).toContain(`profileId=${profile.id}`);
    const mine = await zernio.listAccounts({ profileId: profile.id });
    expect(mine.map((a) => [a.id, a.profileId])).toEqual([[account._id, profile.id]]);
    // Everyone else's accounts stay out of it; the workspace-wide list still has them all.
    expect((await zernio.listAccounts()).length).toBeGreaterThan(mine.length);
  });

  it("deletes a profile only once its connected accounts are disconnected (Zernio's rule)", async () => {
    const zernio = client();
    const profile = await zernio.createProfile({ name: "Streamline user leaving" });
    const url = await zernio.connectUrl({
      platform: "instagram",
      profileId: profile.id,
      redirectUrl: "https://studio.example/ai-studio",
    });
    const { account } = fake.completeConnection(url);
    const refused = await zernio.deleteProfile(profile.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SocialError);
    expect((refused as SocialError).code).toBe("VALIDATION");
    expect(fake.profiles.has(profile.id)).toBe(true);

    await zernio.deleteAccount(account._id);
    expect(fake.requestsTo("accounts.delete")[0]).toMatchObject({
      method: "DELETE",
      path: `/v1/accounts/${account._id}`,
    });
    await zernio.deleteProfile(profile.id);
    expect(fake.requestsTo("profiles.delete").at(-1)?.path).toBe(`/v1/profiles/${profile.id}`);
    expect(fake.profiles.has(profile.id)).toBe(false);
    // Repeating either is a 404 (NOT_FOUND), which callers take as done.
    const again = await zernio.deleteAccount(account._id).catch((e: unknown) => e);
    expect((again as SocialError).code).toBe("NOT_FOUND");
    const gone = await zernio.deleteProfile(profile.id).catch((e: unknown) => e);
    expect((gone as SocialError).code).toBe("NOT_FOUND");
  });

  it("pages only with page and limit together", async () => {
    const zernio = client();
    const page = await zernio.listAccounts({ page: 1, limit: 2 });
    expect(page).toHaveLength(2);
    expect(fake.requestsTo("accounts.list")[0]?.query).toEqual({ page: "1", limit: "2" });
    const error = await zernio.listAccounts({ page: 1 }).catch((e) => e);
    expect(error).toMatchObject({ code: "VALIDATION" });
    expect(fake.requestsTo("accounts.list")).toHaveLength(1);
  });

  it("the demo gives every profile its own Demo accounts", async () => {
    const demo = createZernioDemo({ baseURL: "https://zernio-demo.mock/api" });
    server.use(...demo.handlers);
    const zernio = createZernio({ apiKey: demo.apiKey, baseURL: demo.baseURL });
    const a = await zernio.createProfile({ name: "a" });
    const b = await zernio.createProfile({ name: "b" });
    const ofA = await zernio.listAccounts({ profileId: a.id });
    const ofB = await zernio.listAccounts({ profileId: b.id });
    expect(ofA).toHaveLength(8);
    expect(ofA.every((x) => x.displayName?.startsWith("Demo ") && x.profileId === a.id)).toBe(true);
    expect(ofB.map((x) => x.id).filter((id) => ofA.some((y) => y.id === id))).toEqual([]);
  });

  it("no key at all says what to configure", () => {
    expect(() => createZernio({ apiKey: "" })).toThrow(/ZERNIO_API_KEY/);
  });
});

describe("posting", () => {
  it("sends presign → PUT → post with exactly the documented fields", async () => {
    const created = await scheduleTwo();
    const [presign] = fake.requestsTo("media.presign");
    expect(presign?.json).toEqual({
      filename: "sunrise.png",
      contentType: "image/png",
      size: image.byteLength,
    });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]?.contentType).toBe("image/png");
    expect(Buffer.from(fake.uploads[0]?.bytes ?? []).equals(Buffer.from(image))).toBe(true);
    const [put] = fake.requestsTo("media.upload");
    expect(put?.headers["content-type"]).toBe("image/png");

    const posts = fake.requestsTo("posts.create");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.requestId).toBe(requestId);
    expect(posts[0]?.headers.authorization).toBe("Bearer [redacted]");
    expect(posts[0]?.authorized).toBe(true);
    expect(posts[0]?.json).toEqual({
      content: "Sunrise over the bay #morning",
      mediaItems: [{ type: "image", url: `https://media.zernio.mock/${fake.uploads[0]?.key}` }],
      platforms: [
        { platform: "instagram", accountId: "acc_instagram_1" },
        { platform: "twitter", accountId: "acc_twitter_1", customContent: "Sunrise 🌅" },
      ],
      scheduledFor: "2026-12-02T09:00:00",
      timezone: "Europe/Berlin",
    });
    expect(created).toMatchObject({ duplicate: false, post: { status: "scheduled" } });
    expect(created.post?.platforms.map((p) => p.status)).toEqual(["pending", "pending"]);
  });

  it("publishNow sends publishNow and no schedule, and answers the platform URLs", async () => {
    const created = await client().createPost({
      requestId,
      content: "Live now",
      mediaItems: [{ type: "video", url: "https://cdn.example.com/clip.mp4" }],
      platforms: [
        {
          platform: "youtube",
          accountId: "acc_youtube_1",
          platformSpecificData: { title: "Clip" },
        },
      ],
      publishNow: true,
    });
    expect(fake.requestsTo("posts.create")[0]?.json).toEqual({
      content: "Live now",
      mediaItems: [{ type: "video", url: "https://cdn.example.com/clip.mp4" }],
      platforms: [
        {
          platform: "youtube",
          accountId: "acc_youtube_1",
          platformSpecificData: { title: "Clip" },
        },
      ],
      publishNow: true,
    });
    expect(created.post?.status).toBe("published");
    expect(created.post?.platforms[0]?.platformPostUrl).toMatch(/^https:\/\/youtube\.example\/p\//);
  });

  it("streams a ReadableStream body to the upload URL with its content type", async () => {
    const bytes = new Uint8Array(64 * 1024).fill(7);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 32 * 1024));
        controller.enqueue(bytes.subarray(32 * 1024));
        controller.close();
      },
    });
    const uploaded = await client().uploadMedia({
      filename: "clip.mp4",
      contentType: "video/mp4",
      size: bytes.byteLength,
      body,
    });
    expect(uploaded.publicUrl).toMatch(/clip\.mp4$/);
    expect(fake.uploads[0]).toMatchObject({ contentType: "video/mp4" });
    expect(fake.uploads[0]?.bytes.byteLength).toBe(bytes.byteLength);
  });

  it("403 disconnected account is ACCOUNT_DISCONNECTED, sent once", async () => {
    const error = await client()
      .createPost({
        requestId,
        content: "Hello",
        mediaItems: [],
        platforms: [{ platform: "linkedin", accountId: "acc_linkedin_1" }],
        publishNow: true,
      })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "ACCOUNT_DISCONNECTED", status: 403, retryable: false });
    expect(fake.requestsTo("posts.create")).toHaveLength(1);
  });

  it("the fake refuses what Zernio refuses: unknown fields, a type contradicting the URL", async () => {
    const zernio = client();
    const wrongType = await zernio
      .createPost({
        requestId,
        content: "x",
        mediaItems: [{ type: "image", url: "https://cdn.example.com/clip.mp4" }],
        platforms: [{ platform: "twitter", accountId: "acc_twitter_1" }],
        publishNow: true,
      })
      .catch((e) => e);
    expect(wrongType).toMatchObject({ code: "VALIDATION", status: 400 });
    const res = await fetch(`${fake.baseURL}/v1/posts`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${ZERNIO_MOCK_API_KEY}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        content: "x",
        mediaUrls: ["https://a.example/x.png"],
        platforms: [{ platform: "twitter", accountId: "acc_twitter_1" }],
        publishNow: true,
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining("mediaUrls") });
  });

  it("409 duplicate content resolves to the existing post", async () => {
    const first = await scheduleTwo();
    const zernio = client();
    const again = await zernio.createPost({
      requestId: "0a4c7c1e-1f1b-4d0e-8a7c-7b7c0b1f2a33",
      content: "Sunrise over the bay #morning",
      mediaItems: [
        {
          type: "image",
          url: first.post ? `https://media.zernio.mock/${fake.uploads[0]?.key}` : "",
        },
      ],
      platforms: [{ platform: "instagram", accountId: "acc_instagram_1" }],
      scheduledFor: "2026-12-02T09:00:00",
      timezone: "Europe/Berlin",
    });
    expect(again).toMatchObject({ postId: first.postId, duplicate: true, duplicateOf: "content" });
    expect(fake.listPosts()).toHaveLength(1);
  });

  it("the same x-request-id replays: 200 existingPost, still one post", async () => {
    const first = await scheduleTwo();
    const replay = await scheduleTwo();
    expect(replay).toMatchObject({
      postId: first.postId,
      duplicate: true,
      duplicateOf: "request-id",
    });
    expect(fake.listPosts()).toHaveLength(1);
  });

  it("429 waits until X-RateLimit-Reset, then succeeds", async () => {
    const resetAt = new Date(Date.now() + 3_000);
    fake.failNext("accounts.list", { status: 429, headers: rateLimitHeaders(resetAt) });
    const accounts = await client().listAccounts();
    expect(accounts.length).toBeGreaterThan(0);
    expect(fake.requestsTo("accounts.list")).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(resetAt.getTime() - Date.now() - 50);
    expect(waits[0]).toBeGreaterThan(1_500);
  });

  it("429 with a reset beyond the wait budget is returned with the reset time", async () => {
    const resetAt = new Date(Math.ceil((Date.now() + 10 * 60_000) / 1000) * 1000);
    fake.failNext("accounts.list", { status: 429, headers: rateLimitHeaders(resetAt) });
    const error = await client()
      .listAccounts()
      .catch((e) => e);
    expect(error).toMatchObject({ code: "RATE_LIMITED", retryable: true });
    // The later of X-RateLimit-Reset and Retry-After (rounded up to the second) is kept.
    expect(error.resetAt.getTime()).toBeGreaterThanOrEqual(resetAt.getTime());
    expect(error.resetAt.getTime()).toBeLessThanOrEqual(resetAt.getTime() + 1_000);
    expect(fake.requestsTo("accounts.list")).toHaveLength(1);
  });

  it("500 × 3: exactly 3 requests, then UNAVAILABLE", async () => {
    fake.failNext("posts.get", { status: 500 }, 3);
    const error = await client()
      .getPost("anything")
      .catch((e) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: 500, retryable: true });
    expect(fake.requestsTo("posts.get")).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? 0);
  });

  it("a create that timed out is re-sent with the SAME request id and makes ONE post", async () => {
    // Zernio did the work, but the answer never came back.
    fake.failNext("posts.create", { hang: true, afterHandling: true });
    const created = await scheduleTwo();
    const sends = fake.requestsTo("posts.create");
    expect(sends).toHaveLength(2);
    expect(sends.map((s) => s.requestId)).toEqual([requestId, requestId]);
    expect(fake.listPosts()).toHaveLength(1);
    expect(created).toMatchObject({ postId: fake.listPosts()[0]?._id, duplicate: true });
  });

  it("a timeout on every attempt ends as TIMEOUT", async () => {
    fake.failNext("posts.get", { hang: true }, 3);
    const error = await client({ timeoutMs: 50 })
      .getPost("p")
      .catch((e) => e);
    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(fake.requestsTo("posts.get")).toHaveLength(3);
  });

  it("a retry that got no answer is not sent again (no idempotency key)", async () => {
    fake.failNext("posts.retry", { networkError: true });
    const error = await client()
      .retryPost("p")
      .catch((e) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: undefined });
    expect(fake.requestsTo("posts.retry")).toHaveLength(1);
  });
});

describe("status", () => {
  it("scheduled → publishing → partial, with Zernio's error per platform; retry then publishes", async () => {
    fake.failPublishing("acc_twitter_1", {
      errorMessage: "Tweet text is too long",
      errorCategory: "user_content",
    });
    const zernio = client();
    const { postId } = await scheduleTwo(zernio);
    expect((await zernio.getPost(postId)).status).toBe("scheduled");
    fake.clock.advance(new Date("2026-12-02T08:00:00Z").getTime() - START.getTime());
    expect((await zernio.getPost(postId)).status).toBe("publishing");
    fake.clock.advance(1_000);
    const done = await zernio.getPost(postId);
    expect(done.status).toBe("partial");
    expect(done.platforms).toEqual([
      expect.objectContaining({
        platform: "instagram",
        accountId: "acc_instagram_1",
        status: "published",
        platformPostUrl: expect.any(String),
        publishedAt: "2026-12-02T08:00:01.000Z",
        errorMessage: null,
      }),
      expect.objectContaining({
        platform: "twitter",
        status: "failed",
        platformPostUrl: null,
        errorMessage: "Tweet text is too long",
        errorCategory: "user_content",
      }),
    ]);
    fake.clearPublishingFailures();
    expect((await zernio.retryPost(postId)).status).toBe("published");
  });

  it("update reschedules, delete cancels a scheduled post", async () => {
    const zernio = client();
    const { postId } = await scheduleTwo(zernio);
    const moved = await zernio.updatePost(postId, {
      scheduledFor: "2026-12-03T10:00:00",
      timezone: "Europe/Berlin",
    });
    expect(moved).toMatchObject({ status: "scheduled", scheduledFor: "2026-12-03T10:00:00" });
    expect(fake.requestsTo("posts.update")[0]?.json).toEqual({
      scheduledFor: "2026-12-03T10:00:00",
      timezone: "Europe/Berlin",
    });
    await zernio.deletePost(postId);
    expect(fake.listPosts()).toHaveLength(0);
    await expect(zernio.getPost(postId)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
