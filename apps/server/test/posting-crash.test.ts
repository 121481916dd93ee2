// A worker killed while Zernio is creating a post (the create went out, no answer came back): the
// post is re-sent by another worker within seconds of the lease's end (15 s, renewed every 5 s by
// the holder), with the same x-request-id, so Zernio replays the first post instead of making a
// second. Before the heartbeat the lease was 90 s and the re-send waited it out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresStack, startPostgresStack } from "./pg-stack";
import { type ChildRun, startProcess, stopProcess, waitFor } from "./processes";
import { makeAsset } from "./social-helpers";

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("a worker killed mid-create", () => {
  let stack: PostgresStack;
  const children: ChildRun[] = [];

  beforeAll(async () => {
    // Takeover timing is the product's defaults (job heartbeat 10 s, supervision 5 s, lease 15 s).
    stack = await startPostgresStack({
      name: "posting-crash",
      zernio: { publishDurationMs: 500 },
      env: { POST_POLL_MIN_MS: "250", POST_POLL_MAX_MS: "500" },
      accountsFor: "crash-poster",
    });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) await stopProcess(child, "SIGKILL");
    await stack?.close();
  });

  it("re-sends it within ~15 s of the kill, as a replay: one post at Zernio", async () => {
    const { api, db, env, zernio } = stack;
    const worker = await startProcess("worker", env, /generation worker started/);
    children.push(worker);
    const image = await makeAsset(api, "crash-poster", {
      type: "image",
      width: 1080,
      height: 1350,
    });
    // Zernio makes the post, then the answer never comes: the worker dies waiting for it.
    zernio.failNext("posts.create", { hang: true, afterHandling: true });
    const row = await api.client("crash-poster").social.schedule.mutate({
      assetId: image.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: "Killed mid-create" } },
      publishNow: true,
      idempotencyKey: "posting-crash-1",
    });
    await waitFor(async () => zernio.requestsTo("posts.create").length === 1, 30_000);
    await stopProcess(worker, "SIGKILL");
    const killedAt = Date.now();
    children.push(await startProcess("worker", env, /generation worker started/));

    await waitFor(async () => zernio.requestsTo("posts.create").length >= 2, 90_000);
    const resentMs = Date.now() - killedAt;
    console.log(
      `[figures] post re-sent ${(resentMs / 1000).toFixed(1)} s after its worker was killed mid-create`,
    );
    // Lease 15 s + job supervision (heartbeat 10 s, checked every 5 s): ~16 s; a loaded machine adds.
    expect(resentMs).toBeLessThanOrEqual(35_000);
    await waitFor(async () => {
      const post = await db.db
        .selectFrom("scheduled_posts")
        .select("status")
        .where("id", "=", row.id)
        .executeTakeFirst();
      return post?.status === "published";
    }, 60_000);
    const creates = zernio.requestsTo("posts.create");
    expect(new Set(creates.map((r) => r.requestId))).toEqual(new Set([row.id]));
    expect(zernio.listPosts()).toHaveLength(1);
  }, 180_000);
});
