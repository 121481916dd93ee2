// The workspace's one Zernio key is shared by every studio user, and so is its rate limit. On
// PGlite and PostgreSQL: a per-user posting rate (SOCIAL_POSTS_PER_MINUTE, stored in the
// database so it holds across server processes) answers 429 + Retry-After before any Zernio call,
// and posting the same asset again reuses its recent upload (one presign, one PUT) — but uploads
// afresh when the earlier URL no longer answers or Zernio refuses it.
import { createTestDb, type TestDb, testBackends } from "@streamline/db/testing";
import {
  createZernioFake,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
} from "@streamline/fakes/zernio";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";
import { failure, giveMockAccounts, makeAsset, trpcCode, waitFor } from "./social-helpers";

const zernio = createZernioFake({ publishDurationMs: 50 });
const apis = setupServer(...zernio.handlers);
beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());
beforeEach(() => zernio.reset());

const ENV = {
  ZERNIO_API_KEY: ZERNIO_MOCK_API_KEY,
  ZERNIO_BASE_URL: ZERNIO_MOCK_BASE_URL,
  ZERNIO_RETRY_MIN_DELAY_MS: "5",
  POST_POLL_MIN_MS: "20",
  POST_POLL_MAX_MS: "80",
  POST_RETRY_DELAY_SECONDS: "0",
  SOCIAL_POSTS_PER_MINUTE: "3",
};
let counter = 0;
const key = (label: string) => `${label}-${Date.now()}-${++counter}`;

describe.each(testBackends())("posting rate and upload reuse on %s", (backend) => {
  let db: TestDb;
  let server: TestServer;
  let other: TestServer;
  beforeAll(async () => {
    db = await createTestDb(backend);
    // Two servers on one database: the limit is the database's, not a process's.
    server = await startTestServer(backend, ENV, { db });
    other = await startTestServer(backend, ENV, { db, worker: false });
  }, 60_000);
  afterAll(async () => {
    await other?.close();
    await server?.close();
    await db?.close();
  });

  const draft = (assetId: string, text: string) => ({
    assetId,
    targets: [{ accountId: "acc_instagram_1", platform: "instagram" as const }],
    captions: { instagram: { text } },
    publishNow: true,
    idempotencyKey: key("post"),
  });
  const finished = (userId: string, postId: string) =>
    waitFor(
      async () =>
        (await server.client(userId).social.posts.query({})).find(
          (p) => p.id === postId && ["published", "failed", "partial"].includes(p.status),
        ),
      15_000,
      `post ${postId} finished`,
    );

  it("refuses the 4th schedule call in a minute with 429 + Retry-After, on any server", async () => {
    const user = `burst-${Date.now()}`;
    await giveMockAccounts(server, zernio, user);
    const asset = await makeAsset(server, user, { type: "image", width: 1080, height: 1350 });
    await server.client(user).social.schedule.mutate(draft(asset.id, "one"));
    await other.client(user).social.schedule.mutate(draft(asset.id, "two"));
    const third = draft(asset.id, "three");
    await server.client(user).social.schedule.mutate(third);
    // The same idempotency key again is an answer, not a new post: never refused.
    await other.client(user).social.schedule.mutate(third);
    // Let the worker send those three (it lists the accounts again before each create).
    await waitFor(() => zernio.requestsTo("posts.create").length === 3 || undefined, 15_000);
    await waitFor(
      async () =>
        (await server.client(user).social.posts.query({})).every((p) =>
          ["published", "failed", "partial"].includes(p.status),
        ) || undefined,
      15_000,
    );
    const listsBefore = zernio.requestsTo("accounts.list").length;

    const response = await fetch(`${other.url}/trpc/social.schedule`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-streamline-user": user },
      body: JSON.stringify({ json: draft(asset.id, "four") }),
    });
    expect(response.status).toBe(429);
    const wait = Number(response.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    const body = (await response.json()) as {
      error: { json: { message: string; data: { code: string; retryAfterSeconds: number } } };
    };
    expect(body.error.json.data).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(body.error.json.data.retryAfterSeconds).toBe(wait);
    expect(body.error.json.message).toMatch(/3 a minute per user\. Try again in \d+ seconds?\./);

    const typed = await failure(server.client(user).social.schedule.mutate(draft(asset.id, "5")));
    expect(trpcCode(typed)).toBe("TOO_MANY_REQUESTS");
    // Refused before anything reached Zernio.
    expect(zernio.requestsTo("accounts.list").length).toBe(listsBefore);
    // Another user is not held back by this one.
    const neighbour = `neighbour-${Date.now()}`;
    await giveMockAccounts(server, zernio, neighbour);
    const theirs = await makeAsset(server, neighbour, { type: "image", width: 1080, height: 1350 });
    await expect(
      server.client(neighbour).social.schedule.mutate(draft(theirs.id, "mine")),
    ).resolves.toMatchObject({ status: "queued" });
    const rows = await db.db
      .selectFrom("social_post_requests")
      .select("user_id")
      .where("user_id", "=", user)
      .execute();
    expect(rows).toHaveLength(3);
  });

  it("posts the same asset again with its recent upload: one presign and one PUT", async () => {
    const user = `reuse-${Date.now()}`;
    await giveMockAccounts(server, zernio, user);
    const asset = await makeAsset(server, user, { type: "image", width: 1080, height: 1350 });
    zernio.reset();
    const posted = [];
    for (const text of ["first", "second", "third"]) {
      const row = await server.client(user).social.schedule.mutate(draft(asset.id, text));
      posted.push(await finished(user, row.id));
    }
    expect(posted.map((p) => p.status)).toEqual(["published", "published", "published"]);
    expect(zernio.requestsTo("media.presign")).toHaveLength(1);
    expect(zernio.uploads).toHaveLength(1);
    // Only this test's posts: one the previous test queued may still be sent meanwhile.
    const ours = new Set(posted.map((p) => p.id));
    const creates = zernio.requestsTo("posts.create").filter((r) => ours.has(r.requestId ?? ""));
    expect(creates).toHaveLength(3);
    const urls = creates.map(
      (c) => (c.json as { mediaItems: Array<{ url: string }> }).mediaItems[0]?.url,
    );
    expect(new Set(urls).size).toBe(1);
  });

  it("uploads afresh when the earlier URL is gone or Zernio refuses it", async () => {
    const user = `stale-${Date.now()}`;
    await giveMockAccounts(server, zernio, user);
    const asset = await makeAsset(server, user, { type: "image", width: 1080, height: 1350 });
    zernio.reset();
    const first = await server.client(user).social.schedule.mutate(draft(asset.id, "first"));
    await finished(user, first.id);
    // The earlier upload no longer answers (Zernio's storage let it go): a new one is made.
    zernio.uploads.length = 0;
    const second = await server.client(user).social.schedule.mutate(draft(asset.id, "second"));
    expect((await finished(user, second.id)).status).toBe("published");
    expect(zernio.requestsTo("media.presign")).toHaveLength(2);

    // Zernio refuses the reused URL: the file is uploaded again and the post still goes out.
    zernio.failNext("posts.create", {
      status: 400,
      body: { error: "mediaItems[0].url could not be fetched", type: "invalid_request_error" },
    });
    const third = await server.client(user).social.schedule.mutate(draft(asset.id, "third"));
    expect((await finished(user, third.id)).status).toBe("published");
    expect(zernio.requestsTo("media.presign")).toHaveLength(3);
    const creates = zernio.requestsTo("posts.create");
    const urls = creates.map(
      (c) => (c.json as { mediaItems: Array<{ url: string }> }).mediaItems[0]?.url,
    );
    // second post's URL refused, then the fresh one
    expect(urls.at(-2)).toBe(urls.at(-3));
    expect(urls.at(-1)).not.toBe(urls.at(-2));
  });
});
