// Queue slots through the procedures (issue 19): weekly slots per account, "Add to queue" books
// each account's next free slot at its local time across a DST change, concurrent adds never share
// a slot, and a cancelled post's slot is free again.
import { testBackends } from "@streamline/db/testing";
import { describe, expect, it } from "vitest";
import { refusalOf } from "../testing/refusal";
import { useZernioTestApi } from "../testing/zernio-test-harness";

let counter = 0;
const key = () => `queue-${Date.now()}-${++counter}`;
// Wednesday 2027-03-24, 13:00 in Berlin; Berlin moves to summer time on Sunday 2027-03-28.
const NOW = new Date("2027-03-24T12:00:00Z");

describe.each(testBackends())("queue slots (%s)", (backend) => {
  const { api } = useZernioTestApi(backend, { now: () => NOW });

  it("add to queue fills the next free slots in order, at local 09:00 before and after DST; concurrent adds never double-book", async () => {
    const caller = await api.as("queue-ana");
    const asset = await api.insertAsset("queue-ana");
    const set = await caller.social.setQueueSlots({
      accountId: "acc_twitter_1",
      timezone: "Europe/Berlin",
      slots: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, time: "09:00" })),
    });
    expect(set.slots).toHaveLength(5);
    const free = await caller.social.freeSlots({ accountId: "acc_twitter_1" });
    expect(free.slots.slice(0, 3).map((s) => s.local)).toEqual([
      "2027-03-25T09:00",
      "2027-03-26T09:00",
      "2027-03-29T09:00",
    ]);
    const add = () =>
      caller.social.addToQueue({
        assetId: asset.id,
        targets: [{ accountId: "acc_twitter_1", platform: "x" }],
        captions: { x: { text: "Queued" } },
        idempotencyKey: key(),
      });
    const added = await Promise.all([add(), add(), add()]);
    const posts = added.flatMap((a) => a.posts);
    expect(posts.map((p) => p.scheduledLocal).sort()).toEqual([
      "2027-03-25T09:00",
      "2027-03-26T09:00",
      "2027-03-29T09:00",
    ]);
    const byLocal = new Map(posts.map((p) => [p.scheduledLocal, p]));
    expect(byLocal.get("2027-03-26T09:00")?.scheduledFor?.toISOString()).toBe(
      "2027-03-26T08:00:00.000Z",
    );
    expect(byLocal.get("2027-03-29T09:00")?.scheduledFor?.toISOString()).toBe(
      "2027-03-29T07:00:00.000Z",
    );
    expect(posts.every((p) => p.timezone === "Europe/Berlin")).toBe(true);
    const after = await caller.social.freeSlots({ accountId: "acc_twitter_1" });
    expect(after.slots[0]?.local).toBe("2027-03-30T09:00");

    // Cancelling one frees its slot; the next add takes it.
    const friday = byLocal.get("2027-03-26T09:00");
    await caller.social.cancel({ postId: friday?.id as string });
    const again = await add();
    expect(again.posts[0]?.scheduledLocal).toBe("2027-03-26T09:00");
  });

  it("the same key returns the same posts; an account without slots is refused on targets", async () => {
    const caller = await api.as("queue-bo");
    const asset = await api.insertAsset("queue-bo");
    await caller.social.setQueueSlots({
      accountId: "acc_twitter_1",
      timezone: "UTC",
      slots: [{ weekday: 4, time: "18:00" }],
    });
    const input = {
      assetId: asset.id,
      targets: [{ accountId: "acc_twitter_1", platform: "x" as const }],
      captions: { x: { text: "Once" } },
      idempotencyKey: key(),
    };
    const first = await caller.social.addToQueue(input);
    const second = await caller.social.addToQueue(input);
    expect(second.posts.map((p) => p.id)).toEqual(first.posts.map((p) => p.id));
    expect((await caller.social.queueSlots({})).accounts).toEqual([
      { accountId: "acc_twitter_1", timezone: "UTC", slots: [{ weekday: 4, time: "18:00" }] },
    ]);
    const none = await refusalOf(
      caller.social.addToQueue({
        ...input,
        targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
        captions: { instagram: { text: "No slots" } },
        idempotencyKey: key(),
      }),
    );
    expect(none).toMatchObject({ code: "BAD_REQUEST", fields: { targets: [expect.any(String)] } });
    const foreign = await refusalOf(
      caller.social.setQueueSlots({ accountId: "acc_someone_else", timezone: "UTC", slots: [] }),
    );
    expect(foreign.fields.accountId).toBeDefined();
  });
});
