// A post job that finds its row leased by another runner comes back within seconds, not when the
// whole lease (60 s) runs out: the holder often enqueues the next job (a retry after a timed-out
// create, the next poll) just before it lets the lease go, and the post must not stall meanwhile.
import {
  ensureUserRow,
  insertMediaAsset,
  insertScheduledPostOnce,
  leaseScheduledPost,
} from "@streamline/db";
import { createTestDb, type TestDb, testBackends } from "@streamline/db/testing";
import type { ZernioClient } from "@streamline/social";
import type { MediaStorage } from "@streamline/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEASE_RECHECK_MS, sendPost } from "./posting-run";

describe.each(testBackends())("a post job meeting a held lease (%s)", (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("looks again within LEASE_RECHECK_MS and sends nothing meanwhile", async () => {
    await ensureUserRow(t.db, "lease-user");
    const asset = await insertMediaAsset(t.db, {
      user_id: "lease-user",
      provider: "openai",
      type: "image",
      model: "gpt-image-2",
      prompt: "p",
    });
    const { post } = await insertScheduledPostOnce(t.db, {
      asset_id: asset.id,
      user_id: "lease-user",
      idempotency_key: "lease-key",
      targets: JSON.stringify([{ accountId: "acc", platform: "x" }]),
      scheduled_for: null,
    });
    // Another runner holds the row for a whole minute (it is about to let go).
    expect(
      await leaseScheduledPost(t.db, { id: post.id, runner: "holder", ms: 60_000 }),
    ).toBeTruthy();
    const later: Date[] = [];
    const untouchable = new Proxy({} as ZernioClient, {
      get() {
        throw new Error("nothing may reach Zernio while another runner holds the post");
      },
    });
    const before = Date.now();
    await sendPost(post, {
      db: t.db,
      storage: {} as MediaStorage,
      zernio: untouchable,
      queue: {
        async enqueueLater(_id, at) {
          later.push(at);
          return "job";
        },
      },
    });
    expect(later).toHaveLength(1);
    expect(later[0]?.getTime()).toBeLessThanOrEqual(Date.now() + LEASE_RECHECK_MS);
    expect(later[0]?.getTime()).toBeGreaterThanOrEqual(before);
  });
});
