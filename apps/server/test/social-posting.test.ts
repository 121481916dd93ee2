// Posting through Zernio end to end (router → scheduled_posts row + pg-boss job → worker → the
// Zernio fake), on PGlite and PostgreSQL: exact presign → PUT → post payloads with x-request-id =
// the row id, idempotent schedule, pre-publish refusals with zero Zernio requests, 401, 403, 409
// linked, 429 + reset, 500 × 3, a timeout re-sent as a replay, partial → retry, cancel, update,
// live events on media.onProgress, and the signed webhook.
import { createHmac } from "node:crypto";
import { testBackends } from "@streamline/db/testing";
import { createOpenAIResponsesMock, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import {
  createZernioFake,
  rateLimitHeaders,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
} from "@streamline/fakes/zernio";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collectEvents, startTestServer, type TestServer } from "./harness";
import {
  failure,
  giveMockAccounts,
  makeAsset,
  tomorrowIn,
  trpcCode,
  waitFor,
} from "./social-helpers";

const openai = createOpenAIResponsesMock();
const zernio = createZernioFake();
const apis = setupServer(...openai.handlers, ...zernio.handlers);
/** When each request to Zernio started (for the rate-limit reset). */
const startedAt: Array<{ url: string; method: string; at: number }> = [];
apis.events.on("request:start", ({ request }) => {
  startedAt.push({ url: request.url, method: request.method, at: Date.now() });
});

beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());
beforeEach(() => {
  openai.reset();
  zernio.reset();
  startedAt.length = 0;
});

const WEBHOOK_SECRET = "whsec_test_0123456789abcdef";
let counter = 0;
const key = (label: string) => `${label}-${Date.now()}-${++counter}`;

type PostEvent = { kind: string; post?: { id: string; status: string } };

describe.each(testBackends())("posting through Zernio on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      ZERNIO_API_KEY: ZERNIO_MOCK_API_KEY,
      ZERNIO_BASE_URL: ZERNIO_MOCK_BASE_URL,
      ZERNIO_RETRY_MIN_DELAY_MS: "5",
      ZERNIO_TIMEOUT_SECONDS: "2",
      ZERNIO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      POST_POLL_MIN_MS: "20",
      POST_POLL_MAX_MS: "80",
      POST_RETRY_DELAY_SECONDS: "0",
    });
    // Accounts are per user: alice's own Zernio profile holds the fake's accounts.
    await giveMockAccounts(server, zernio, "alice");
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const postOf = async (userId: string, postId: string) =>
    (await server.client(userId).social.posts.query({})).find((p) => p.id === postId);
  const until = async (userId: string, postId: string, statuses: string[], timeoutMs = 15_000) => {
    let last: Awaited<ReturnType<typeof postOf>>;
    try {
      return await waitFor(
        async () => {
          last = await postOf(userId, postId);
          return last && statuses.includes(last.status) ? last : undefined;
        },
        timeoutMs,
        `post ${postId} ${statuses.join("|")}`,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last)}`);
    }
  };
  const image = (user = "alice") =>
    makeAsset(server, user, { type: "image", width: 1080, height: 1350 });

  it("schedules tomorrow 09:00 Europe/Berlin to two accounts: presign → PUT → one post", async () => {
    const client = server.client("alice");
    const asset = await image();
    const captions = await client.social.caption.mutate({
      assetId: asset.id,
      platforms: ["instagram", "x"],
      hashtags: true,
      idempotencyKey: key("cap"),
    });
    const x = captions.captions.find((c) => c.platform === "x");
    const when = `${tomorrowIn("Europe/Berlin")}T09:00`;
    const input = {
      assetId: asset.id,
      targets: [
        { accountId: "acc_instagram_1", platform: "instagram" as const },
        { accountId: "acc_twitter_1", platform: "x" as const },
      ],
      captions: { instagram: { text: "Edited for Instagram ✨" }, x: { text: x?.text ?? "" } },
      scheduledFor: when,
      timezone: "Europe/Berlin",
      idempotencyKey: key("post"),
    };
    const events = collectEvents<PostEvent>(
      (h) => client.media.onProgress.subscribe({ assetId: asset.id }, h),
      (list) => list.some((e) => e.kind === "post" && e.post?.status === "scheduled"),
    );
    // Double submit: one row, one Zernio post.
    const [row, again] = await Promise.all([
      client.social.schedule.mutate(input),
      client.social.schedule.mutate(input),
    ]);
    expect(again.id).toBe(row.id);
    // Either answer may be the replay, read once the worker may already have picked the row up
    // (both now wait for Zernio's validation before the insert).
    expect(["queued", "sending"]).toContain(row.status);
    expect(row).toMatchObject({
      scheduledLocal: when,
      timezone: "Europe/Berlin",
    });
    expect(row.captions.x?.captionId).toBe(x?.id); // unchanged: the latest version is reused
    expect(row.captions.instagram?.captionId).not.toBe(
      captions.captions.find((c) => c.platform === "instagram")?.id,
    ); // edited in the dialog: a new "edited" version
    const scheduled = await until("alice", row.id, ["scheduled"]);
    expect(scheduled.zernioPostId).toBeTruthy();
    expect(scheduled.platforms.map((p) => p.status)).toEqual(["scheduled", "scheduled"]);
    const seen = await events;
    expect(seen.filter((e) => e.kind === "post").map((e) => e.post?.status)).toEqual(
      expect.arrayContaining(["queued", "sending", "scheduled"]),
    );

    const presign = zernio.requestsTo("media.presign");
    expect(presign).toHaveLength(1);
    const bytes = Number(asset.metadata.bytes);
    expect(presign[0]?.json).toEqual({
      filename: `streamline-${asset.id}.png`,
      contentType: "image/png",
      size: bytes,
    });
    expect(zernio.uploads).toHaveLength(1);
    expect(zernio.uploads[0]?.contentType).toBe("image/png");
    const stored = await server.runtime.storage.openObject?.(
      (asset.metadata.storage as { resultKey: string }).resultKey,
    );
    const original: Buffer[] = [];
    for await (const chunk of stored?.stream ?? []) original.push(chunk as Buffer);
    expect(Buffer.from(zernio.uploads[0]?.bytes ?? []).equals(Buffer.concat(original))).toBe(true);

    const creates = zernio.requestsTo("posts.create");
    expect(creates).toHaveLength(1);
    expect(creates[0]?.requestId).toBe(row.id);
    expect(creates[0]?.json).toEqual({
      content: "Edited for Instagram ✨",
      mediaItems: [{ type: "image", url: `https://media.zernio.mock/${zernio.uploads[0]?.key}` }],
      platforms: [
        { platform: "instagram", accountId: "acc_instagram_1" },
        { platform: "twitter", accountId: "acc_twitter_1", customContent: x?.text },
      ],
      scheduledFor: when,
      timezone: "Europe/Berlin",
      // Issue 19: the studio's post id rides along (Zernio's documented `metadata`), so a webhook
      // that arrives before Zernio's id is saved still finds its post.
      metadata: { studioPostId: row.id },
    });
    expect(zernio.listPosts()).toHaveLength(1);

    // Reschedule, then cancel: PUT and DELETE of the same Zernio post.
    const later = `${tomorrowIn("Europe/Berlin")}T18:30`;
    const moved = await client.social.update.mutate({
      postId: row.id,
      scheduledFor: later,
      timezone: "Europe/Berlin",
    });
    expect(moved).toMatchObject({ status: "scheduled", scheduledLocal: later });
    expect(zernio.requestsTo("posts.update")[0]?.json).toMatchObject({
      scheduledFor: later,
      timezone: "Europe/Berlin",
    });
    const cancelled = await client.social.cancel.mutate({ postId: row.id });
    expect(cancelled.status).toBe("cancelled");
    expect(zernio.requestsTo("posts.delete")).toHaveLength(1);
    expect(zernio.listPosts()).toHaveLength(0);
  }, 30_000);

  it("posts a video now and follows it to Published with each platform's link", async () => {
    const client = server.client("alice");
    const video = await makeAsset(server, "alice", { type: "video" });
    const row = await client.social.schedule.mutate({
      assetId: video.id,
      targets: [
        { accountId: "acc_tiktok_1", platform: "tiktok" },
        { accountId: "acc_youtube_1", platform: "youtube" },
      ],
      captions: {
        tiktok: { text: "Gym bag essentials" },
        youtube: { text: "Desc", title: "Title" },
      },
      tiktok: { allowComment: true, allowDuet: false, allowStitch: true, consent: true },
      publishNow: true,
      idempotencyKey: key("now"),
    });
    const done = await until("alice", row.id, ["published"]);
    expect(
      done.platforms.every((p) => p.status === "published" && p.url?.startsWith("https://")),
    ).toBe(true);
    const create = zernio.requestsTo("posts.create")[0]?.json as Record<string, unknown>;
    expect(create).toMatchObject({
      publishNow: true,
      mediaItems: [{ type: "video", url: expect.stringMatching(/\.mp4$/) }],
      platforms: [
        {
          platform: "tiktok",
          accountId: "acc_tiktok_1",
          platformSpecificData: {
            allowComment: true,
            allowDuet: false,
            allowStitch: true,
            contentPreviewConfirmed: true,
            expressConsentGiven: true,
          },
        },
        {
          platform: "youtube",
          accountId: "acc_youtube_1",
          customContent: "Desc",
          platformSpecificData: { title: "Title" },
        },
      ],
    });
    expect(create).not.toHaveProperty("scheduledFor");
    expect(zernio.uploads[0]?.contentType).toBe("video/mp4");
  });

  it("ends partial when one platform fails, then social.retry publishes the rest", async () => {
    const client = server.client("alice");
    const asset = await image();
    zernio.failPublishing("acc_twitter_1", {
      errorMessage: "Token expired, reconnect the account",
      errorCategory: "auth_expired",
    });
    const row = await client.social.schedule.mutate({
      assetId: asset.id,
      targets: [
        { accountId: "acc_instagram_1", platform: "instagram" },
        { accountId: "acc_twitter_1", platform: "x" },
      ],
      captions: { instagram: { text: "Hello" }, x: { text: "Hello" } },
      publishNow: true,
      idempotencyKey: key("partial"),
    });
    const partial = await until("alice", row.id, ["partial"]);
    expect(partial.canRetry).toBe(true);
    expect(partial.platforms.find((p) => p.platform === "x")).toMatchObject({
      status: "failed",
      errorMessage: "Token expired, reconnect the account",
      errorCategory: "auth_expired",
    });
    expect(partial.platforms.find((p) => p.platform === "instagram")?.status).toBe("published");
    zernio.clearPublishingFailures();
    const retried = await client.social.retry.mutate({ postId: row.id, platform: "x" });
    expect(retried.status).toBe("published");
    expect(zernio.requestsTo("posts.retry")).toHaveLength(1);
    expect(zernio.requestsTo("posts.create")).toHaveLength(1);
  });

  it("refuses before any Zernio request, naming the platform and the rule", async () => {
    const client = server.client("alice");
    const asset = await image();
    const cases = [
      {
        targets: [{ accountId: "acc_twitter_1", platform: "x" as const }],
        captions: { x: { text: `${"a".repeat(257)} https://example.com/a` } },
        rule: /X: caption\.length/,
        field: "captions.x.text",
      },
      {
        targets: [{ accountId: "acc_youtube_1", platform: "youtube" as const }],
        captions: { youtube: { text: "d", title: "t" } },
        rule: /YouTube: media\.oneVideo/,
        field: "assetId",
      },
    ];
    for (const c of cases) {
      const refused = await failure(
        client.social.schedule.mutate({
          assetId: asset.id,
          targets: c.targets,
          captions: c.captions,
          publishNow: true,
          idempotencyKey: key("refuse"),
        }),
      );
      expect(trpcCode(refused)).toBe("BAD_REQUEST");
      expect(refused.message).toMatch(c.rule);
      expect(refused.data?.zodError?.fieldErrors[c.field]).toHaveLength(1);
    }
    const past = await failure(
      client.social.schedule.mutate({
        assetId: asset.id,
        targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
        captions: { instagram: { text: "x" } },
        scheduledFor: "2021-06-01T09:00",
        timezone: "Europe/Berlin",
        idempotencyKey: key("past"),
      }),
    );
    expect(past.message).toMatch(/already passed.*schedule\.past/);
    // Only X's length waits for the account list (an X Premium account may post 25,000): nothing
    // else reached Zernio, and nothing was validated, uploaded or created.
    expect(zernio.requests.map((r) => r.route).filter((r) => r !== "accounts.list")).toEqual([]);

    // A disconnected account is refused from Zernio's account list, before any post is made.
    const disconnected = await failure(
      client.social.schedule.mutate({
        assetId: asset.id,
        targets: [{ accountId: "acc_linkedin_1", platform: "linkedin" }],
        captions: { linkedin: { text: "x" } },
        publishNow: true,
        idempotencyKey: key("disc"),
      }),
    );
    expect(disconnected.data?.zodError?.fieldErrors.targets?.[0]).toMatch(/reconnecting/);
    expect(new Set(zernio.requests.map((r) => r.route))).toEqual(new Set(["accounts.list"]));
  });

  it("lists accounts with our platform ids and why some cannot be picked", async () => {
    const accounts = await server.client("alice").social.accounts.query();
    expect(accounts.configured).toBe(true);
    expect(accounts.accounts.find((a) => a.id === "acc_twitter_1")).toMatchObject({
      platform: "x",
      handle: "streamline_ai",
      connected: true,
      reason: null,
    });
    expect(accounts.accounts.find((a) => a.id === "acc_linkedin_1")).toMatchObject({
      connected: false,
      reason: expect.stringMatching(/reconnecting/),
    });
    zernio.failNext("accounts.list", { status: 401 });
    const refused = await failure(server.client("alice").social.accounts.query());
    expect(trpcCode(refused)).toBe("PRECONDITION_FAILED");
    expect(refused.message).toMatch(/ZERNIO_API_KEY/);
  });

  it("fails a post Zernio refuses (401, 403 disconnected) without re-sending it", async () => {
    const client = server.client("alice");
    for (const [status, code] of [
      [401, "AUTH"],
      [403, "ACCOUNT_DISCONNECTED"],
    ] as const) {
      zernio.reset();
      const asset = await image();
      zernio.failNext("posts.create", { status });
      const row = await client.social.schedule.mutate({
        assetId: asset.id,
        targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
        captions: { instagram: { text: `refused ${status}` } },
        publishNow: true,
        idempotencyKey: key(`r${status}`),
      });
      const failed = await until("alice", row.id, ["failed"]);
      expect(failed.error?.code).toBe(code);
      expect(failed.platforms[0]).toMatchObject({
        status: "failed",
        errorCategory: "auth_expired",
      });
      expect(zernio.requestsTo("posts.create")).toHaveLength(1);
    }
  });

  it("links the existing post on a 409 duplicate instead of failing", async () => {
    const client = server.client("alice");
    const asset = await image();
    const first = await client.social.schedule.mutate({
      assetId: asset.id,
      targets: [{ accountId: "acc_threads_1", platform: "threads" }],
      captions: { threads: { text: "Same words" } },
      publishNow: true,
      idempotencyKey: key("dup1"),
    });
    const original = await until("alice", first.id, ["published"]);
    zernio.failNext("posts.create", {
      status: 409,
      body: {
        error:
          "This exact content is already scheduled, publishing, or was posted to this account within the last 24 hours.",
        details: { existingPostId: original.zernioPostId, platform: "threads" },
      },
    });
    const second = await client.social.schedule.mutate({
      assetId: asset.id,
      targets: [{ accountId: "acc_threads_1", platform: "threads" }],
      captions: { threads: { text: "Same words" } },
      publishNow: true,
      idempotencyKey: key("dup2"),
    });
    const linked = await until("alice", second.id, ["published"]);
    expect(linked).toMatchObject({ zernioPostId: original.zernioPostId, linkedExisting: true });
    expect(zernio.listPosts()).toHaveLength(1);
  });

  it("waits for a 429's reset, and sends again after 500 × 3 with the same x-request-id", async () => {
    const client = server.client("alice");
    const asset = await image();
    const resetAt = new Date(Date.now() + 1_500);
    zernio.failNext("posts.create", { status: 429, headers: rateLimitHeaders(resetAt) });
    const limited = await client.social.schedule.mutate({
      assetId: asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: "rate limited" } },
      publishNow: true,
      idempotencyKey: key("429"),
    });
    await until("alice", limited.id, ["published"]);
    const creates = startedAt.filter((r) => r.method === "POST" && r.url.endsWith("/v1/posts"));
    expect(creates).toHaveLength(2);
    expect(creates[1]?.at).toBeGreaterThanOrEqual(Math.floor(resetAt.getTime() / 1000) * 1000);

    zernio.reset();
    zernio.failNext("posts.create", { status: 500 }, 3);
    const flaky = await client.social.schedule.mutate({
      assetId: asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: "five hundred" } },
      publishNow: true,
      idempotencyKey: key("500"),
    });
    const done = await until("alice", flaky.id, ["published"], 20_000);
    expect(done.attempts).toBe(2);
    const sent = zernio.requestsTo("posts.create");
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((r) => r.requestId))).toEqual(new Set([flaky.id]));
    expect(zernio.listPosts()).toHaveLength(1);
    // The media was uploaded once: the row keeps Zernio's URL between attempts.
    expect(zernio.requestsTo("media.presign")).toHaveLength(1);
  }, 40_000);

  // The subject is one post and one x-request-id, not speed: on a loaded machine the re-send can
  // wait out a posting lease (15 s, kept alive by its holder: posting-crash.test.ts).
  it("re-sends a create that timed out with the same x-request-id: one post", {
    timeout: 90_000,
  }, async () => {
    const client = server.client("alice");
    const asset = await image();
    zernio.failNext("posts.create", { hang: true, afterHandling: true });
    const row = await client.social.schedule.mutate({
      assetId: asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: "timeout" } },
      publishNow: true,
      idempotencyKey: key("timeout"),
    });
    const done = await until("alice", row.id, ["published"], 75_000);
    const sent = zernio.requestsTo("posts.create");
    expect(sent.map((r) => r.requestId)).toEqual([row.id, row.id]);
    expect(zernio.listPosts()).toHaveLength(1);
    expect(done.zernioPostId).toBe(zernio.listPosts()[0]?._id);
    expect(done.linkedExisting).toBe(true);
  });

  it("keeps other users' posts NOT_FOUND", async () => {
    const asset = await image("alice");
    const row = await server.client("alice").social.schedule.mutate({
      assetId: asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: "mine" } },
      scheduledFor: `${tomorrowIn("UTC")}T12:00`,
      timezone: "UTC",
      idempotencyKey: key("own"),
    });
    const bob = server.client("bob");
    for (const call of [
      () => bob.social.cancel.mutate({ postId: row.id }),
      () => bob.social.retry.mutate({ postId: row.id }),
      () => bob.social.update.mutate({ postId: row.id, publishNow: true }),
    ]) {
      expect(trpcCode(await failure(call()))).toBe("NOT_FOUND");
    }
    expect(await bob.social.posts.query({})).toEqual([]);
    await until("alice", row.id, ["scheduled"]);
  });

  it("takes signed Zernio webhooks once, and refuses unsigned ones", async () => {
    const client = server.client("alice");
    const asset = await image();
    const row = await client.social.schedule.mutate({
      assetId: asset.id,
      targets: [{ accountId: "acc_pinterest_1", platform: "pinterest" }],
      captions: { pinterest: { text: "pin", title: "Pin" } },
      scheduledFor: `${tomorrowIn("UTC")}T08:00`,
      timezone: "UTC",
      idempotencyKey: key("hook"),
    });
    const scheduled = await until("alice", row.id, ["scheduled"]);
    // Zernio publishes it early (e.g. from its dashboard) and tells us.
    zernio.clock.advance(2 * 24 * 3600_000);
    const body = JSON.stringify({
      id: `evt_${row.id}`,
      event: "post.published",
      post: { _id: scheduled.zernioPostId },
    });
    const sign = (raw: string) => createHmac("sha256", WEBHOOK_SECRET).update(raw).digest("hex");
    const send = (raw: string, signature: string) =>
      fetch(`${server.url}/webhooks/zernio`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-zernio-signature": signature },
        body: raw,
      });
    expect((await send(body, "00".repeat(32))).status).toBe(401);
    const ok = await send(body, sign(body));
    expect(ok.status).toBe(200);
    expect((await postOf("alice", row.id))?.status).toBe("published");
    const repeat = await send(body, sign(body));
    expect(await repeat.json()).toMatchObject({ duplicate: true });
  });
});
