// A queue slot is booked by one statement: concurrent bookings of one (account, instant) never both
// succeed; a slot whose post was cancelled (or moved) is free again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertMediaAsset } from "./queries/media-assets";
import { bookQueueSlot, heldQueueSlots } from "./queries/queue-slots";
import { insertScheduledPostOnce, updateScheduledPost } from "./queries/scheduled-posts";
import { ensureUserRow } from "./queries/users";
import { createTestDb, type TestDb, testBackends } from "./testing";

describe.each(testBackends())("queue bookings on %s", (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    await ensureUserRow(t.db, "queue-user");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const slotAt = new Date("2030-04-01T07:00:00Z");
  async function postAt(at: Date, key: string) {
    const asset = await insertMediaAsset(t.db, {
      user_id: "queue-user",
      provider: "openai",
      type: "image",
      model: "gpt-image-2",
      prompt: "queued",
    });
    return (
      await insertScheduledPostOnce(t.db, {
        asset_id: asset.id,
        user_id: "queue-user",
        idempotency_key: key,
        targets: [{ accountId: "acc_1", platform: "x" }],
        scheduled_for: at,
      })
    ).post;
  }

  it("twenty concurrent bookings of one slot: exactly one wins", async () => {
    const posts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postAt(slotAt, `race-${i}`)),
    );
    const won = await Promise.all(
      posts.map((p) =>
        bookQueueSlot(t.db, { accountId: "acc_1", slotAt, userId: "queue-user", postId: p.id }),
      ),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    const held = await heldQueueSlots(t.db, {
      accountId: "acc_1",
      from: new Date("2030-04-01T00:00:00Z"),
      to: new Date("2030-04-02T00:00:00Z"),
    });
    expect(held.map((d) => d.toISOString())).toEqual([slotAt.toISOString()]);
    // Another account's same instant is its own slot.
    expect(
      await bookQueueSlot(t.db, {
        accountId: "acc_2",
        slotAt,
        userId: "queue-user",
        postId: posts[1]?.id as string,
      }),
    ).toBe(true);
    // The winner is cancelled: the slot is free again, and taken over by one booking.
    const winner = posts[won.indexOf(true)];
    await updateScheduledPost(t.db, winner?.id as string, { status: "cancelled" });
    const next = await postAt(slotAt, "after-cancel");
    expect(
      await bookQueueSlot(t.db, {
        accountId: "acc_1",
        slotAt,
        userId: "queue-user",
        postId: next.id,
      }),
    ).toBe(true);
    // Moved elsewhere: free again too.
    await updateScheduledPost(t.db, next.id, { scheduled_for: new Date("2030-04-02T07:00:00Z") });
    const third = await postAt(slotAt, "after-move");
    expect(
      await bookQueueSlot(t.db, {
        accountId: "acc_1",
        slotAt,
        userId: "queue-user",
        postId: third.id,
      }),
    ).toBe(true);
    // A booking whose post is being written (not there yet) holds the slot meanwhile.
    const slot2 = new Date("2030-04-03T07:00:00Z");
    expect(
      await bookQueueSlot(t.db, {
        accountId: "acc_1",
        slotAt: slot2,
        userId: "queue-user",
        postId: "not-yet",
      }),
    ).toBe(true);
    expect(
      await bookQueueSlot(t.db, {
        accountId: "acc_1",
        slotAt: slot2,
        userId: "queue-user",
        postId: third.id,
      }),
    ).toBe(false);
  });
});
