// Following posts (issue 19): the create carries the studio's post id in `metadata`; a webhook is
// matched by it as well as by Zernio's id (an event that beats the saved id is applied, not
// dropped); a post.cancelled for a post already cancelled is not read again.
import { createHmac } from "node:crypto";
import { findScheduledPost, updateScheduledPost } from "@streamline/db";
import { testBackends } from "@streamline/db/testing";
import type { PostingDeps } from "@streamline/jobs";
import { createZernio } from "@streamline/social";
import { describe, expect, it } from "vitest";
import { useZernioTestApi } from "../testing/zernio-test-harness";
import { handleZernioWebhook } from "./webhook";

const SECRET = "whsec_metadata_test";
let counter = 0;
const key = () => `hook-${Date.now()}-${++counter}`;

describe.each(testBackends())("webhooks matched by the studio's post id (%s)", (backend) => {
  const { api, zernio, send } = useZernioTestApi(backend);

  const deliver = (event: Record<string, unknown>) => {
    const rawBody = new TextEncoder().encode(JSON.stringify(event));
    const signature = createHmac("sha256", SECRET).update(rawBody).digest("hex");
    const posting: PostingDeps = {
      db: api.deps.db,
      storage: api.storage,
      zernio: createZernio({ apiKey: zernio.apiKey, baseURL: zernio.baseURL }),
      sharedAccounts: true,
      queue: { enqueueLater: async () => null },
    };
    return handleZernioWebhook(
      { rawBody, signature },
      { db: api.deps.db, secret: SECRET, posting },
    );
  };

  it("the create sends metadata.studioPostId; an event before the Zernio id is saved is applied", async () => {
    const caller = await api.as("hook-ida");
    const asset = await api.insertAsset("hook-ida");
    const post = await caller.social.schedule({
      assetId: asset.id,
      targets: [{ accountId: "acc_twitter_1", platform: "x" }],
      captions: { x: { text: "Followed" } },
      publishNow: true,
      idempotencyKey: key(),
    });
    await send(post.id);
    const [create] = zernio.requestsTo("posts.create");
    expect(create?.json).toMatchObject({ metadata: { studioPostId: post.id } });
    const sent = await findScheduledPost(api.deps.db, { id: post.id });
    const zernioId = sent?.zernio_post_id as string;
    expect(zernioId).toBeTruthy();
    // As if the worker were still waiting for the create's answer: no Zernio id saved yet.
    await updateScheduledPost(api.deps.db, post.id, { zernio_post_id: null, status: "sending" });
    const answer = await deliver({
      id: `evt-${key()}`,
      event: "post.published",
      post: { _id: zernioId, status: "published", metadata: { studioPostId: post.id } },
    });
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    const after = await findScheduledPost(api.deps.db, { id: post.id });
    expect(after?.zernio_post_id).toBe(zernioId);
    expect(after?.status).toBe("published");
  });

  it("post.cancelled for a post already cancelled does not read it again", async () => {
    const caller = await api.as("hook-jo");
    const asset = await api.insertAsset("hook-jo");
    const post = await caller.social.schedule({
      assetId: asset.id,
      targets: [{ accountId: "acc_twitter_1", platform: "x" }],
      captions: { x: { text: "Gone" } },
      scheduledFor: "2031-01-01T09:00",
      timezone: "UTC",
      idempotencyKey: key(),
    });
    await send(post.id);
    await caller.social.cancel({ postId: post.id });
    const zernioId = (await findScheduledPost(api.deps.db, { id: post.id }))?.zernio_post_id;
    const reads = zernio.requestsTo("posts.get").length;
    const answer = await deliver({
      id: `evt-${key()}`,
      event: "post.cancelled",
      post: { _id: zernioId, metadata: { studioPostId: post.id } },
    });
    expect(answer.body).toMatchObject({ ok: true, ignored: "already cancelled" });
    expect(zernio.requestsTo("posts.get")).toHaveLength(reads);
  });
});
