// Carousels through the procedures (issue 19): social.schedule takes several assets in order, the
// create sent to (the fake) Zernio carries every item in that order, the platform's item limits
// refuse before anything is sent, and media.delete of any item cancels the post.
import { testBackends } from "@streamline/db/testing";
import { describe, expect, it } from "vitest";
import { refusalOf } from "../testing/refusal";
import { useZernioTestApi } from "../testing/zernio-test-harness";

let counter = 0;
const key = () => `carousel-${Date.now()}-${++counter}`;

describe.each(testBackends())("carousels (%s)", (backend) => {
  const { api, zernio, send } = useZernioTestApi(backend);

  const threeImages = async (user: string) => [
    await api.insertAsset(user),
    await api.insertAsset(user),
    await api.insertAsset(user),
  ];

  it("schedule: three images to Instagram and X go out as one create with the items in order", async () => {
    const caller = await api.as("carousel-ann");
    const [a, b, c] = await threeImages("carousel-ann");
    const order = [c?.id, a?.id, b?.id] as string[];
    const post = await caller.social.schedule({
      assetIds: order,
      targets: [
        { accountId: "acc_instagram_1", platform: "instagram" },
        { accountId: "acc_twitter_1", platform: "x" },
      ],
      captions: { instagram: { text: "Three in a row" }, x: { text: "Three in a row" } },
      publishNow: true,
      idempotencyKey: key(),
    });
    expect(post.assetId).toBe(order[0]);
    expect(post.media.map((m) => m.assetId)).toEqual(order);
    expect(post.media.every((m) => m.type === "image" && m.url)).toBe(true);
    await send(post.id);
    const creates = zernio.requestsTo("posts.create");
    expect(creates).toHaveLength(1);
    const body = creates[0]?.json as { mediaItems: Array<{ url: string; type: string }> };
    const items = body.mediaItems;
    expect(items).toHaveLength(3);
    expect(items.every((i) => i.type === "image")).toBe(true);
    // Each item was uploaded once, in order, and the create names those uploads in that order.
    const uploads = zernio
      .requestsTo("media.presign")
      .map((r) => (r.json as { filename: string }).filename);
    expect(uploads).toEqual(order.map((id) => `streamline-${id}.png`));
    expect(new Set(items.map((i) => i.url)).size).toBe(3);
    const listed = (await caller.social.posts({})).find((p) => p.id === post.id);
    expect(listed?.media.map((m) => m.assetId)).toEqual(order);
  });

  it("schedule: five images to X are refused on assetIds before anything reaches Zernio", async () => {
    const caller = await api.as("carousel-ben");
    const assets = [...(await threeImages("carousel-ben")), ...(await threeImages("carousel-ben"))];
    const refusal = await refusalOf(
      caller.social.schedule({
        assetIds: assets.slice(0, 5).map((a) => a.id),
        targets: [{ accountId: "acc_twitter_1", platform: "x" }],
        captions: { x: { text: "Too many" } },
        publishNow: true,
        idempotencyKey: key(),
      }),
    );
    expect(refusal.code).toBe("BAD_REQUEST");
    expect(refusal.fields.assetIds?.[0]).toMatch(/4 images/);
    expect(zernio.requests).toEqual([]);
  });

  it("schedule: assetId and assetIds together, or neither, is BAD_REQUEST", async () => {
    const caller = await api.as("carousel-cat");
    const [a] = await threeImages("carousel-cat");
    const base = {
      targets: [{ accountId: "acc_twitter_1", platform: "x" as const }],
      captions: { x: { text: "hi" } },
      publishNow: true,
      idempotencyKey: key(),
    };
    const both = await refusalOf(
      caller.social.schedule({ ...base, assetId: a?.id, assetIds: [a?.id as string] }),
    );
    expect(both.fields.assetIds).toBeDefined();
    const neither = await refusalOf(caller.social.schedule(base));
    expect(neither.fields.assetId).toBeDefined();
  });

  it("media.delete of the second item cancels the scheduled carousel (at Zernio too)", async () => {
    const caller = await api.as("carousel-dan");
    const [a, b] = await threeImages("carousel-dan");
    const post = await caller.social.schedule({
      assetIds: [a?.id as string, b?.id as string],
      targets: [{ accountId: "acc_twitter_1", platform: "x" }],
      captions: { x: { text: "Two" } },
      scheduledFor: "2030-06-01T09:00",
      timezone: "Europe/Berlin",
      idempotencyKey: key(),
    });
    await send(post.id);
    const sent = (await caller.social.posts({})).find((p) => p.id === post.id);
    expect(sent?.status).toBe("scheduled");
    await caller.media.delete({ id: b?.id as string });
    const after = (await caller.social.posts({})).find((p) => p.id === post.id);
    expect(after?.status).toBe("cancelled");
    expect(zernio.requestsTo("posts.delete")).toHaveLength(1);
  });
});
