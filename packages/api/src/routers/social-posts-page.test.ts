// The posts page's procedures (issue 19) against the Zernio fake: social.list (filters, search,
// cursor, per-platform status with Zernio's message and category), reschedule (Zernio PUT with the
// new time and timezone), cancel → restore (undo), duplicate, cancelMany / moveMany.
import { insertPostMedia, insertScheduledPostOnce, type ScheduledPostStatus } from "@streamline/db";
import { testBackends } from "@streamline/db/testing";
import { describe, expect, it } from "vitest";
import { refusalOf } from "../testing/refusal";
import { useZernioTestApi } from "../testing/zernio-test-harness";

let counter = 0;
const key = (label = "page") => `${label}-${Date.now()}-${++counter}`;

describe.each(testBackends())("the posts page's procedures (%s)", (backend) => {
  const { api, zernio, send } = useZernioTestApi(backend);

  /** A post row written directly (the listing reads rows; nothing is sent). */
  async function row(
    userId: string,
    values: {
      status: ScheduledPostStatus;
      at: string;
      platform?: string;
      accountId?: string;
      text?: string;
    },
  ) {
    const asset = await api.insertAsset(userId);
    const platform = values.platform ?? "x";
    const { post } = await insertScheduledPostOnce(api.deps.db, {
      asset_id: asset.id,
      user_id: userId,
      idempotency_key: key("row"),
      status: values.status,
      targets: [{ accountId: values.accountId ?? `acc_${platform}`, platform }],
      captions: { [platform]: { captionId: "c", text: values.text ?? "Hello", title: null } },
      scheduled_for: new Date(values.at),
      scheduled_local: values.at.slice(0, 16),
      timezone: "UTC",
    });
    await insertPostMedia(api.deps.db, post.id, [asset.id]);
    return post;
  }

  it("list: views, filters, caption search and a stable cursor; only the caller's posts", async () => {
    const user = "page-lena";
    const a = await row(user, {
      status: "scheduled",
      at: "2030-01-01T09:00:00Z",
      text: "Gummies #gym",
    });
    const b = await row(user, {
      status: "queued",
      at: "2030-01-02T09:00:00Z",
      platform: "instagram",
      text: "100% fun_time",
    });
    const c = await row(user, { status: "published", at: "2029-12-01T09:00:00Z" });
    const d = await row(user, {
      status: "failed",
      at: "2029-12-02T09:00:00Z",
      accountId: "acc_other",
    });
    await row("page-other", { status: "scheduled", at: "2030-01-01T09:00:00Z" });
    const caller = await api.as(user);
    const ids = async (input: Parameters<typeof caller.social.list>[0]) =>
      (await caller.social.list(input)).items.map((p) => p.id);

    expect(await ids({ view: "upcoming" })).toEqual([a.id, b.id]);
    expect(await ids({ view: "history" })).toEqual([d.id, c.id]);
    expect(await ids({})).toEqual([c.id, d.id, a.id, b.id]);
    expect(await ids({ status: ["failed", "queued"] })).toEqual([d.id, b.id]);
    expect(await ids({ platform: ["instagram"] })).toEqual([b.id]);
    expect(await ids({ accountId: ["acc_other"] })).toEqual([d.id]);
    expect(await ids({ from: "2030-01-01T00:00:00Z", to: "2030-01-02T00:00:00+00:00" })).toEqual([
      a.id,
    ]);
    expect(await ids({ q: "GUMMIES" })).toEqual([a.id]);
    // % and _ are literal in a search, not patterns.
    expect(await ids({ q: "100%" })).toEqual([b.id]);
    expect(await ids({ q: "fun_time" })).toEqual([b.id]);
    expect(await ids({ q: "fu%ti" })).toEqual([]);
    expect(await ids({ q: "100_" })).toEqual([]);

    const pages: string[][] = [];
    let cursor: string | null | undefined;
    do {
      const page = await caller.social.list({ limit: 3, cursor });
      pages.push(page.items.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([[c.id, d.id, a.id], [b.id]]);
    const [first] = (await caller.social.list({ q: "Gummies" })).items;
    expect(first).toMatchObject({
      status: "scheduled",
      captions: { x: { text: "Gummies #gym" } },
      media: [{ assetId: a.asset_id, position: 0, type: "image" }],
    });
    expect(first?.media[0]?.thumbnailUrl).toBeTruthy();
    const bad = await refusalOf(caller.social.list({ cursor: "not-a-cursor" }));
    expect(bad).toMatchObject({ code: "BAD_REQUEST", fields: { cursor: [expect.any(String)] } });
    const range = await refusalOf(
      caller.social.list({ from: "2030-01-02T00:00:00Z", to: "2030-01-01T00:00:00Z" }),
    );
    expect(range.fields.to).toBeDefined();
  });

  it("a partial failure shows per platform: Zernio's message and category, and the link of the published one", async () => {
    const caller = await api.as("page-mia");
    const asset = await api.insertAsset("page-mia");
    zernio.failPublishing("acc_twitter_1", {
      errorMessage: "Tweet text is too long",
      errorCategory: "user_content",
    });
    const post = await caller.social.schedule({
      assetId: asset.id,
      targets: [
        { accountId: "acc_instagram_1", platform: "instagram" },
        { accountId: "acc_twitter_1", platform: "x" },
      ],
      captions: { instagram: { text: "Both" }, x: { text: "Both" } },
      publishNow: true,
      idempotencyKey: key(),
    });
    await send(post.id);
    const [listed] = (await caller.social.list({ view: "history", status: ["partial"] })).items;
    expect(listed?.id).toBe(post.id);
    const x = listed?.platforms.find((p) => p.platform === "x");
    const ig = listed?.platforms.find((p) => p.platform === "instagram");
    expect(x).toMatchObject({
      status: "failed",
      errorMessage: "Tweet text is too long",
      errorCategory: "user_content",
    });
    expect(ig?.status).toBe("published");
    expect(ig?.url).toMatch(/^https:\/\//);
  });

  it("reschedule sends Zernio a PUT with the new local time and timezone; cancel → restore re-sends it", async () => {
    const caller = await api.as("page-nora");
    const asset = await api.insertAsset("page-nora");
    const post = await caller.social.schedule({
      assetId: asset.id,
      targets: [{ accountId: "acc_twitter_1", platform: "x" }],
      captions: { x: { text: "Later" } },
      scheduledFor: "2031-03-01T09:00",
      timezone: "Europe/Berlin",
      idempotencyKey: key(),
    });
    await send(post.id);
    const moved = await caller.social.update({
      postId: post.id,
      scheduledFor: "2031-03-30T18:30",
      timezone: "America/New_York",
    });
    expect(moved).toMatchObject({
      scheduledLocal: "2031-03-30T18:30",
      timezone: "America/New_York",
    });
    const [put] = zernio.requestsTo("posts.update");
    expect(put?.json).toMatchObject({
      scheduledFor: "2031-03-30T18:30",
      timezone: "America/New_York",
    });

    const cancelled = await caller.social.cancel({ postId: post.id });
    expect(cancelled.status).toBe("cancelled");
    const [listed] = (await caller.social.list({ status: ["cancelled"] })).items;
    expect(listed?.canRestore).toBe(true);
    const restored = await caller.social.restore({ postId: post.id });
    expect(restored).toMatchObject({ status: "queued", zernioPostId: null });
    await send(post.id);
    const creates = zernio.requestsTo("posts.create");
    expect(creates).toHaveLength(2);
    expect(creates[1]?.requestId).not.toBe(creates[0]?.requestId);
    const live = zernio.listPosts().filter((p) => p.status === "scheduled");
    expect(live).toHaveLength(1);
    expect((await caller.social.list({ view: "upcoming" })).items[0]?.status).toBe("scheduled");
    // Not cancelled: nothing to undo.
    expect((await refusalOf(caller.social.restore({ postId: post.id }))).code).toBe("CONFLICT");
  });

  it("duplicate makes a new post with the same media order, accounts and captions", async () => {
    const caller = await api.as("page-olga");
    const [a, b] = [await api.insertAsset("page-olga"), await api.insertAsset("page-olga")];
    const post = await caller.social.schedule({
      assetIds: [b.id, a.id],
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: "Again" } },
      scheduledFor: "2031-05-01T09:00",
      timezone: "UTC",
      idempotencyKey: key(),
    });
    const input = {
      postId: post.id,
      scheduledFor: "2031-05-08T09:00",
      timezone: "UTC",
      idempotencyKey: key("dup"),
    };
    const copy = await caller.social.duplicate(input);
    expect(copy.id).not.toBe(post.id);
    expect(copy.media.map((m) => m.assetId)).toEqual([b.id, a.id]);
    expect(copy).toMatchObject({
      status: "queued",
      scheduledLocal: "2031-05-08T09:00",
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: "Again" } },
    });
    expect((await caller.social.duplicate(input)).id).toBe(copy.id);
  });

  it("cancelMany and moveMany act on each post; one refusal does not stop the others", async () => {
    const caller = await api.as("page-pia");
    const asset = await api.insertAsset("page-pia");
    const schedule = (at: string) =>
      caller.social.schedule({
        assetId: asset.id,
        targets: [{ accountId: "acc_twitter_1", platform: "x" }],
        captions: { x: { text: `At ${at}` } },
        scheduledFor: at,
        timezone: "UTC",
        idempotencyKey: key(),
      });
    const one = await schedule("2031-06-01T09:00");
    const two = await schedule("2031-06-02T09:00");
    const done = await row("page-pia", { status: "published", at: "2029-01-01T09:00:00Z" });
    const moved = await caller.social.moveMany({
      moves: [
        { postId: one.id, scheduledFor: "2031-06-03T10:00", timezone: "Europe/Paris" },
        { postId: done.id, scheduledFor: "2031-06-03T10:00", timezone: "Europe/Paris" },
      ],
    });
    expect(moved.ok).toBe(1);
    expect(moved.results[0]?.post?.scheduledLocal).toBe("2031-06-03T10:00");
    expect(moved.results[1]?.error?.code).toBe("CONFLICT");
    const cancelled = await caller.social.cancelMany({ postIds: [one.id, two.id, done.id] });
    expect(cancelled.results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(cancelled.results[0]?.post?.status).toBe("cancelled");
  });
});
