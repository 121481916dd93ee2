// Issue 19: a post has ordered media items. The migration turns every existing post into a
// one-item post (its media_url carried over); an asset found at any position of a post is what
// media.delete cancels.
import { Migrator } from "kysely/migration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "./migrate";
import { migrationProvider } from "./migrations";
import { insertMediaAsset } from "./queries/media-assets";
import { insertPostMedia, listPostMedia, setPostMediaUrl } from "./queries/post-media";
import { insertScheduledPostOnce, listPostsInStatus } from "./queries/scheduled-posts";
import { ensureUserRow } from "./queries/users";
import { createTestDb, type TestDb, testBackends } from "./testing";

const asset = (userId: string) =>
  ({
    user_id: userId,
    provider: "openai",
    type: "image",
    model: "gpt-image-2",
    prompt: "A carousel item",
    status: "succeeded",
  }) as const;

describe.each(testBackends())("post media items on %s", (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend, { migrate: false });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("migrates existing posts to one ordered item each, keeping their media URL", async () => {
    const before = await new Migrator({ db: t.db, provider: migrationProvider }).migrateTo(
      "2026_12_07_050_owned_rows_of_new_tables",
    );
    expect(before.error).toBeUndefined();
    await ensureUserRow(t.db, "old-user");
    const a = await insertMediaAsset(t.db, asset("old-user"));
    const b = await insertMediaAsset(t.db, asset("old-user"));
    const rows = [];
    for (const [i, item] of [a, b].entries()) {
      const { post } = await insertScheduledPostOnce(t.db, {
        asset_id: item.id,
        user_id: "old-user",
        idempotency_key: `old-${i}`,
        targets: [{ accountId: "acc", platform: "x" }],
        media_url: i === 0 ? "https://media.zernio.mock/old.png" : null,
      });
      rows.push(post);
    }
    await migrateToLatest(t.db);
    const media = await listPostMedia(
      t.db,
      rows.map((r) => r.id),
    );
    expect(media.get(rows[0]?.id ?? "")).toEqual([
      {
        post_id: rows[0]?.id,
        position: 0,
        asset_id: a.id,
        media_url: "https://media.zernio.mock/old.png",
      },
    ]);
    expect(media.get(rows[1]?.id ?? "")).toEqual([
      { post_id: rows[1]?.id, position: 0, asset_id: b.id, media_url: null },
    ]);
  });

  it("keeps a carousel's order; an asset at any position finds its posts; one asset once", async () => {
    await ensureUserRow(t.db, "carousel-user");
    const items = [];
    for (let i = 0; i < 3; i++) items.push(await insertMediaAsset(t.db, asset("carousel-user")));
    const [first, second, third] = items.map((i) => i.id) as [string, string, string];
    const { post } = await insertScheduledPostOnce(t.db, {
      asset_id: third,
      user_id: "carousel-user",
      idempotency_key: "carousel-1",
      targets: [{ accountId: "acc", platform: "instagram" }],
    });
    await insertPostMedia(t.db, post.id, [third, first, second]);
    await setPostMediaUrl(t.db, { postId: post.id, position: 1 }, "https://m/1.png");
    const media = (await listPostMedia(t.db, [post.id])).get(post.id) ?? [];
    expect(media.map((m) => [m.position, m.asset_id, m.media_url])).toEqual([
      [0, third, null],
      [1, first, "https://m/1.png"],
      [2, second, null],
    ]);
    const bySecond = await listPostsInStatus(t.db, {
      userId: "carousel-user",
      assetId: second,
      statuses: ["queued"],
    });
    expect(bySecond.map((p) => p.id)).toEqual([post.id]);
    await expect(insertPostMedia(t.db, post.id, [first])).rejects.toThrow();
  });
});
