// A user's events become visible in id order whatever order concurrent writers commit in, so a
// subscriber that resumes "after the last id it saw" never skips one.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMediaEventListener, type MediaEventListener } from "./listen";
import { insertMediaAsset } from "./queries/media-assets";
import { listMediaEventsAfter, publishMediaEvent } from "./queries/media-events";
import { ensureUserRow } from "./queries/users";
import { createTestDb, type TestDb, testBackends } from "./testing";

describe.each(testBackends())("media events on %s", (backend) => {
  let t: TestDb;
  let listener: MediaEventListener;
  beforeAll(async () => {
    t = await createTestDb(backend);
    listener = createMediaEventListener(t);
    await listener.ready;
  }, 60_000);
  afterAll(async () => {
    await listener?.close();
    await t?.close();
  });

  it("delivers every event of one user in id order under concurrent writers", async () => {
    const userId = `user-${backend}`;
    await ensureUserRow(t.db, userId);
    const assets = await Promise.all(
      Array.from({ length: 4 }, () =>
        insertMediaAsset(t.db, {
          user_id: userId,
          provider: "openai",
          type: "video",
          model: "sora-2",
          prompt: "p",
        }),
      ),
    );
    const start = await listMediaEventsAfter(t.db, { userId, afterId: 0 });
    const arrived: number[] = [];
    // What onProgress does: remember the last id seen, drop anything at or below it.
    let lastSeen = start.at(-1)?.id ?? 0;
    const kept: number[] = [];
    const unsubscribe = listener.subscribe((event) => {
      if (event.userId !== userId) return;
      arrived.push(event.id);
      if (event.id > lastSeen) {
        lastSeen = event.id;
        kept.push(event.id);
      }
    });
    const writers = 40;
    try {
      await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          t.db.transaction().execute(async (tx) => {
            const asset = assets[i % assets.length] as (typeof assets)[number];
            await publishMediaEvent(tx, {
              assetId: asset.id,
              userId,
              payload: { kind: "progress", n: i },
            });
            // Hold the transaction open a random while after taking the id, as a slow worker would.
            const ms = (i * 37) % 60;
            if (backend === "postgres") await sql`select pg_sleep(${ms / 1000})`.execute(tx);
            else await new Promise((resolve) => setTimeout(resolve, ms));
          }),
        ),
      );
      const deadline = Date.now() + 10_000;
      while (arrived.length < writers && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      unsubscribe();
    }
    expect(arrived).toHaveLength(writers);
    expect(arrived).toEqual([...arrived].sort((a, b) => a - b));
    expect(kept).toHaveLength(writers);
  }, 30_000);
});
