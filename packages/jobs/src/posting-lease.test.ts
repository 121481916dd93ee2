// A post job that finds its row leased by another runner comes back within seconds, not when the
// whole lease (15 s) runs out: the holder often enqueues the next job (a retry after a timed-out
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
import { followPost, LEASE_RECHECK_MS, sendPost } from "./posting-run";

describe.each(testBackends())("a post job meeting a held lease (%s)", (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  /** A queued post of one image to X, for a fresh idempotency key. */
  async function newPost(key: string) {
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
      idempotency_key: key,
      targets: JSON.stringify([{ accountId: "acc", platform: "x" }]),
      scheduled_for: null,
    });
    return post;
  }

  it("looks again within LEASE_RECHECK_MS and sends nothing meanwhile", async () => {
    const post = await newPost("lease-key");
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

  it("keeps its own lease alive through a long wait (a heartbeat), and lets go after", async () => {
    const post = await newPost("heartbeat-key");
    const sent = await t.db
      .updateTable("scheduled_posts")
      .set({ status: "publishing", zernio_post_id: "zp_heartbeat" })
      .where("id", "=", post.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const intruders: unknown[] = [];
    // Zernio answers "published" only after 1.2 s: four times the 300 ms lease.
    const zernio = {
      async getPost(id: string) {
        const wait = () => new Promise((resolve) => setTimeout(resolve, 400));
        for (let i = 0; i < 2; i++) {
          await wait();
          intruders.push(
            await leaseScheduledPost(t.db, { id: post.id, runner: "intruder", ms: 1 }),
          );
        }
        await wait();
        return {
          id,
          status: "published" as const,
          scheduledFor: null,
          timezone: null,
          platforms: [
            {
              platform: "twitter",
              accountId: "acc",
              status: "published",
              platformPostUrl: "https://x.com/p/1",
              publishedAt: new Date().toISOString(),
              errorMessage: null,
              errorCategory: null,
            },
          ],
        };
      },
    } as unknown as ZernioClient;
    await followPost(sent, {
      db: t.db,
      storage: {} as MediaStorage,
      zernio,
      leaseMs: 300,
      poll: { minIntervalMs: 1, maxIntervalMs: 1 },
      queue: {
        async enqueueLater() {
          return "job";
        },
      },
    });
    // Without the heartbeat the lease would have lapsed at 300 ms and the intruder got it.
    expect(intruders).toEqual([undefined, undefined]);
    const after = await t.db
      .selectFrom("scheduled_posts")
      .select(["locked_by", "status"])
      .where("id", "=", post.id)
      .executeTakeFirstOrThrow();
    expect(after.locked_by).toBeNull();
  });
});
