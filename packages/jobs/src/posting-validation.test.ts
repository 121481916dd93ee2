// Zernio's validation at send time (issue 19 item 5), against the Zernio fake on PGlite and
// PostgreSQL: before the create, the post job sends the exact content body to
// POST /v1/tools/validate/post (real media URLs by then) and each new media URL to
// /v1/tools/validate/media. Zernio's errors fail the post with its words per platform and nothing
// is created; validation that cannot be reached lets the create go (once); a post whose create may
// already have happened (second attempt) is replayed with its x-request-id, never validated away.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ensureUserRow,
  findScheduledPost,
  insertMediaAsset,
  insertScheduledPostOnce,
  type ScheduledPost,
} from "@streamline/db";
import { createTestDb, type TestDb, testBackends } from "@streamline/db/testing";
import {
  createZernioFake,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
} from "@streamline/fakes/zernio";
import { createZernio } from "@streamline/social";
import { createLocalStorage, type LocalMediaStorage } from "@streamline/storage";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PostingDeps } from "./posting";
import { sendPost } from "./posting-run";

const zernio = createZernioFake();
const apis = setupServer(...zernio.handlers);
beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());
beforeEach(() => zernio.reset());

const client = createZernio({
  apiKey: ZERNIO_MOCK_API_KEY,
  baseURL: ZERNIO_MOCK_BASE_URL,
  retry: { baseDelayMs: 1, maxDelayMs: 5 },
  timeoutMs: 300,
});

const TARGETS = [
  { accountId: "acc_twitter_1", platform: "x" },
  { accountId: "acc_instagram_1", platform: "instagram" },
];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A PNG signature and some more: the fake stores what is uploaded, whatever it is. */
const IMAGE = Uint8Array.from([...PNG_SIGNATURE, ...new Array(64).fill(7)]);

describe.each(testBackends())("Zernio's validation when a post is sent (%s)", (backend) => {
  let t: TestDb;
  let dir: string;
  let storage: LocalMediaStorage;
  let counter = 0;
  let lines: string[] = [];
  beforeAll(async () => {
    t = await createTestDb(backend);
    dir = await mkdtemp(join(tmpdir(), "posting-validation-"));
    storage = createLocalStorage({ rootDir: dir });
    await ensureUserRow(t.db, "val-user");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    lines = [];
  });

  const deps = (): PostingDeps => ({
    db: t.db,
    storage,
    zernio: client,
    sharedAccounts: true,
    queue: { enqueueLater: async () => "job" },
    retryDelayMs: 0,
    logger: (line) => lines.push(line),
  });

  async function newAsset(): Promise<string> {
    const stored = await storage.putObject({ body: IMAGE, contentType: "image/png" });
    const asset = await insertMediaAsset(t.db, {
      user_id: "val-user",
      provider: "openai",
      type: "image",
      model: "gpt-image-2",
      prompt: "p",
      metadata: { storage: { resultKey: stored.key }, bytes: stored.size, mimeType: "image/png" },
    });
    return asset.id;
  }

  /** A post of one stored image to X and Instagram, tomorrow (the job hands the follow-up off). */
  async function newPost(
    text = "Morning light over the harbour",
    assetId?: string,
  ): Promise<ScheduledPost> {
    const asset = { id: assetId ?? (await newAsset()) };
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    const captions = Object.fromEntries(
      TARGETS.map((target) => [target.platform, { captionId: "", text, title: null }]),
    );
    const { post } = await insertScheduledPostOnce(t.db, {
      asset_id: asset.id,
      user_id: "val-user",
      idempotency_key: `val-${++counter}-${Date.now()}`,
      targets: JSON.stringify(TARGETS),
      captions: JSON.stringify(captions),
      scheduled_for: tomorrow,
      scheduled_local: tomorrow.toISOString().slice(0, 16),
      timezone: "UTC",
    });
    return post;
  }
  const reread = async (post: ScheduledPost) =>
    (await findScheduledPost(t.db, { id: post.id })) as ScheduledPost;
  const creates = () => zernio.requestsTo("posts.create");

  it("validates the exact body it then creates, byte for byte, with the real media URL", async () => {
    const post = await newPost();
    await sendPost(post, deps());
    const row = await reread(post);
    expect(row.status).toBe("scheduled");
    const validated = zernio.requestsTo("tools.validatePost");
    expect(validated).toHaveLength(1);
    expect(creates()).toHaveLength(1);
    const created = creates()[0]?.json as Record<string, unknown>;
    const { content, mediaItems, platforms } = created;
    expect(JSON.stringify(validated[0]?.json)).toBe(
      JSON.stringify({ content, mediaItems, platforms }),
    );
    const url = (mediaItems as Array<{ url: string }>)[0]?.url;
    expect(url).toBe(zernio.listPosts()[0]?.mediaItems?.[0]?.url);
    expect(url).not.toMatch(/pending-upload/);
    // The uploaded URL was validated once, before it went on the post.
    expect(zernio.requestsTo("tools.validateMedia").map((r) => r.json)).toEqual([{ url }]);
    // The order: upload, media check, body check, create.
    const order = zernio.requests
      .map((r) => r.route)
      .filter((r) => r.startsWith("tools.") || r === "posts.create" || r === "media.presign");
    expect(order).toEqual([
      "media.presign",
      "tools.validateMedia",
      "tools.validatePost",
      "posts.create",
    ]);
  });

  it("Zernio's error at send time: no create, the post failed with its words on its platform", async () => {
    zernio.tools.failValidation("twitter", "Twitter/X no longer accepts this post");
    const post = await newPost();
    await sendPost(post, deps());
    const row = await reread(post);
    expect(creates()).toHaveLength(0);
    expect(row.status).toBe("failed");
    expect(row.error_code).toBe("VALIDATION");
    expect(row.error_message).toMatch(/Zernio refused the post.*X: Twitter\/X no longer accepts/);
    const x = row.results.find((r) => r.platform === "x");
    const instagram = row.results.find((r) => r.platform === "instagram");
    expect(x).toMatchObject({
      status: "failed",
      errorMessage: "Twitter/X no longer accepts this post",
      errorCategory: "user_content",
    });
    // Not created either (one post, one create): its message says why, naming X.
    expect(instagram).toMatchObject({ status: "failed", errorCategory: "user_content" });
    expect(instagram?.errorMessage).toMatch(/X: Twitter\/X no longer accepts/);
    expect(row.attempts).toBe(1);
  });

  it("validation answering 503 (every try) or never: the post is created once, with a warn line", async () => {
    zernio.failNext("tools.validatePost", { status: 503 }, 3);
    const post = await newPost();
    await sendPost(post, deps());
    expect((await reread(post)).status).toBe("scheduled");
    expect(creates().filter((r) => r.requestId === post.id)).toHaveLength(1);
    expect(lines.filter((l) => l.includes("validation could not be reached"))).toHaveLength(1);

    zernio.failNext("tools.validatePost", { hang: true }, 3);
    const hung = await newPost();
    await sendPost(hung, deps());
    expect((await reread(hung)).status).toBe("scheduled");
    expect(creates().filter((r) => r.requestId === hung.id)).toHaveLength(1);
    expect(zernio.listPosts()).toHaveLength(2);
  });

  it("a gateway without validation (404): created", async () => {
    zernio.failNext("tools.validatePost", { status: 404, body: { error: "Not found" } }, 3);
    zernio.failNext("tools.validateMedia", { status: 404, body: { error: "Not found" } }, 3);
    const post = await newPost();
    await sendPost(post, deps());
    expect((await reread(post)).status).toBe("scheduled");
    expect(creates()).toHaveLength(1);
    expect(lines.filter((l) => l.includes("could not be reached"))).toHaveLength(2);
  });

  it("media Zernio cannot fetch: failed with its words, nothing created", async () => {
    zernio.failNext("tools.validateMedia", {
      status: 200,
      body: { valid: false, url: "https://x.invalid/a.png", error: "URL returned HTTP 403" },
    });
    const post = await newPost();
    await sendPost(post, deps());
    const row = await reread(post);
    expect(creates()).toHaveLength(0);
    expect(zernio.requestsTo("tools.validatePost")).toHaveLength(0);
    expect(row.status).toBe("failed");
    expect(row.error_message).toBe("Zernio cannot use the media: URL returned HTTP 403");
    expect(row.results.map((r) => r.errorCategory)).toEqual(["user_content", "user_content"]);
  });

  it("media too large for one chosen platform: failed, that platform named, nothing created", async () => {
    zernio.failNext("tools.validateMedia", {
      status: 200,
      body: {
        valid: true,
        url: "https://x.invalid/a.png",
        contentType: "image/png",
        size: 9 * 1024 ** 2,
        type: "image",
        platformLimits: {
          twitter: { limit: 5 * 1024 ** 2, withinLimit: false },
          instagram: { limit: 8 * 1024 ** 2, withinLimit: false },
          tiktok: { limit: 20 * 1024 ** 2, withinLimit: true },
          youtube: { limit: 2 * 1024 ** 2, withinLimit: false },
        },
      },
    });
    const post = await newPost();
    await sendPost(post, deps());
    const row = await reread(post);
    expect(creates()).toHaveLength(0);
    expect(row.status).toBe("failed");
    expect(row.results.find((r) => r.platform === "x")?.errorMessage).toBe(
      "The 9 MB image is too large for X (limit 5 MB).",
    );
    expect(row.results.find((r) => r.platform === "instagram")?.errorMessage).toBe(
      "The 9 MB image is too large for Instagram (limit 8 MB).",
    );
    // YouTube is not one of this post's platforms: not mentioned.
    expect(row.error_message).not.toMatch(/YouTube/);
  });

  it("a send whose create may have reached Zernio is replayed (x-request-id), not validated: one post", async () => {
    // The create reaches Zernio but no answer comes back (every try): the post exists there.
    zernio.failNext("posts.create", { networkError: true, afterHandling: true }, 3);
    const post = await newPost();
    await sendPost(post, deps());
    const first = await reread(post);
    expect(first.status).toBe("queued");
    expect(first.zernio_post_id).toBeNull();
    expect(zernio.listPosts()).toHaveLength(1);
    // Meanwhile Zernio's validation would refuse it: the re-send must not ask, only replay.
    zernio.tools.failValidation("twitter", "A rule that changed in between");
    const validations = zernio.requestsTo("tools.validatePost").length;
    await sendPost(first, deps());
    const row = await reread(post);
    expect(zernio.requestsTo("tools.validatePost")).toHaveLength(validations);
    expect(row.status).toBe("scheduled");
    expect(row.zernio_post_id).toBe(zernio.listPosts()[0]?._id);
    expect(zernio.listPosts()).toHaveLength(1);
    expect(new Set(creates().map((r) => r.requestId))).toEqual(new Set([post.id]));
    // The media uploaded by the first attempt is posted again, not re-uploaded or re-validated.
    expect(zernio.requestsTo("media.presign")).toHaveLength(1);
    expect(zernio.requestsTo("tools.validateMedia")).toHaveLength(1);
  });

  it("an earlier upload refused by the create is uploaded afresh, and that new body validated too", async () => {
    const assetId = await newAsset();
    await sendPost(await newPost("First of this image", assetId), deps());
    const again = await newPost("Same image, a second post", assetId);
    zernio.failNext("posts.create", {
      status: 400,
      body: { error: "Media URL has expired", code: "invalid_field_value" },
    });
    await sendPost(again, deps());
    expect((await reread(again)).status).toBe("scheduled");
    const ours = (r: { json: unknown }) =>
      (r.json as { content?: string }).content === "Same image, a second post";
    const validated = zernio.requestsTo("tools.validatePost").filter(ours);
    const sent = creates().filter((r) => r.requestId === again.id);
    expect(validated).toHaveLength(2);
    expect(sent).toHaveLength(2);
    const contentOf = (json: unknown) => {
      const { content, mediaItems, platforms } = json as Record<string, unknown>;
      return JSON.stringify({ content, mediaItems, platforms });
    };
    expect(validated.map((r) => JSON.stringify(r.json))).toEqual(
      sent.map((r) => contentOf(r.json)),
    );
    // The first try reused the earlier upload; the second carries a fresh one.
    const urls = sent.map(
      (r) => (r.json as { mediaItems: Array<{ url: string }> }).mediaItems[0]?.url,
    );
    expect(urls[0]).not.toBe(urls[1]);
    expect(zernio.requestsTo("media.presign")).toHaveLength(2);
    expect(zernio.listPosts()).toHaveLength(2);
  });
});
