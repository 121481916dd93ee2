// The studio's server-side features: variants, "use as reference" by asset id, prompt search,
// favourites and the spend meter — each scoped to its caller.
import { testBackends } from "@streamline/db/testing";
import { createOpenAIMock, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  codeOf,
  collectEvents,
  failure,
  fieldErrorsOf,
  startTestServer,
  type TestServer,
} from "./harness";

const openai = createOpenAIMock();
const providerApis = setupServer(...openai.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());
beforeEach(() => openai.reset());

describe.each(testBackends())("studio features on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      MEDIA_MAX_CONCURRENT_PER_USER: "3",
      MEDIA_DAILY_SPEND_USD: "5",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function done(user: string, assetId: string) {
    const client = server.client(user);
    await collectEvents<{ status: string }>(
      (h) => client.media.onProgress.subscribe({ assetId }, h),
      (events) => events.some((e) => ["succeeded", "failed", "canceled"].includes(e.status)),
    );
    return client.media.byId.query({ id: assetId });
  }

  it("makes each variant its own asset and job, one submission per idempotency key", async () => {
    const client = server.client("variants");
    const input = {
      type: "image" as const,
      model: "gpt-image-2",
      prompt: "Three takes on a gym bag",
      variants: 3,
      idempotencyKey: "variants-submission-1",
    };
    const first = await client.media.generate.mutate(input);
    expect(first.assets).toHaveLength(3);
    expect(new Set(first.assets.map((a) => a.id)).size).toBe(3);
    expect(new Set(first.assets.map((a) => a.groupId)).size).toBe(1);
    expect(first.assets.map((a) => a.variant?.index)).toEqual([1, 2, 3]);
    const again = await client.media.generate.mutate(input);
    expect(again.created).toBe(false);
    expect(again.assets.map((a) => a.id).sort()).toEqual(first.assets.map((a) => a.id).sort());
    for (const asset of first.assets)
      expect((await done("variants", asset.id)).status).toBe("succeeded");
    expect(openai.requestsTo("images.generate")).toHaveLength(3);
    const costs = await Promise.all(
      first.assets.map(async (a) => (await client.media.byId.query({ id: a.id })).costUsd),
    );
    expect(costs.every((c) => c !== null && c > 0)).toBe(true);
  });

  it("refuses more variants than the concurrency limit allows, before any provider call", async () => {
    const client = server.client("too-many");
    const error = await failure(
      client.media.generate.mutate({
        type: "image",
        model: "gpt-image-2",
        prompt: "p",
        variants: 4,
      }),
    );
    expect(codeOf(error)).toBe("TOO_MANY_REQUESTS");
    expect((error as Error).message).toMatch(/fewer variants/);
    const refused = await failure(
      client.media.generate.mutate({
        type: "image",
        model: "gpt-image-2",
        prompt: "p",
        variants: 5,
      }),
    );
    expect(fieldErrorsOf(refused)?.variants?.[0]).toMatch(/At most 4/);
    expect(openai.requestsTo("images.generate")).toHaveLength(0);
    expect((await client.media.list.query({})).items).toHaveLength(0);
  });

  it("uses an earlier result as the next reference, only the caller's own", async () => {
    const client = server.client("iterate");
    const { asset } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A first take",
    });
    expect((await done("iterate", asset.id)).status).toBe("succeeded");
    const next = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "The same, at dusk",
      referenceAssetId: asset.id,
    });
    expect(next.asset.referenceAssetId).toBe(asset.id);
    expect((await done("iterate", next.asset.id)).status).toBe("succeeded");
    // The earlier result really reached the provider as the edit's image.
    expect(openai.requestsTo("images.edit")).toHaveLength(1);
    expect(next.asset.referenceImageUrl).toMatch(/^\/media\/ref\//);

    const stranger = server.client("stranger");
    const refused = await failure(
      stranger.media.generate.mutate({
        type: "image",
        model: "gpt-image-2",
        prompt: "Borrowing someone else's",
        referenceAssetId: asset.id,
      }),
    );
    expect(fieldErrorsOf(refused)?.referenceAssetId?.[0]).toMatch(/No finished image of yours/);
    expect(openai.requestsTo("images.edit")).toHaveLength(1);
  });

  it("searches prompts server-side and filters by star, per user", async () => {
    const client = server.client("search");
    const made = [];
    for (const prompt of [
      "Creatine gummies in a gym bag",
      "Protein shaker on a bench",
      "Gummies close-up",
    ]) {
      made.push(
        (await client.media.generate.mutate({ type: "image", model: "gpt-image-2", prompt })).asset,
      );
    }
    const prompts = async (input: { search?: string; starred?: boolean }) =>
      (await client.media.list.query(input)).items.map((a) => a.prompt).sort();
    expect(await prompts({ search: "gumm" })).toEqual([
      "Creatine gummies in a gym bag",
      "Gummies close-up",
    ]);
    expect(await prompts({ search: "gym gummies" })).toEqual(["Creatine gummies in a gym bag"]);
    expect(await prompts({ search: "':*&|!" })).toEqual([]);
    expect(await prompts({ search: "nothing-like-this" })).toEqual([]);
    // Another user's prompts never match.
    expect(
      (await server.client("other-search").media.list.query({ search: "gumm" })).items,
    ).toEqual([]);

    const starred = await client.media.star.mutate({ id: made[1]?.id as string, starred: true });
    expect(starred.starred).toBe(true);
    expect(await prompts({ starred: true })).toEqual(["Protein shaker on a bench"]);
    await client.media.star.mutate({ id: made[1]?.id as string, starred: false });
    expect(await prompts({ starred: true })).toEqual([]);
    expect(
      codeOf(
        await failure(
          server
            .client("other-search")
            .media.star.mutate({ id: made[0]?.id as string, starred: true }),
        ),
      ),
    ).toBe("NOT_FOUND");
  });

  it("offers social formats mapped per model from the catalog", async () => {
    const client = server.client("formats");
    const limits = await client.media.limits.query();
    expect(limits.socialFormats.map((f) => f.label)).toEqual(["9:16", "4:5", "1:1", "16:9"]);
    const models = await client.media.models.query();
    const sora = models.find((m) => m.id === "sora-2");
    expect(sora?.socialFormats.find((f) => f.format === "vertical")).toMatchObject({
      options: { size: "720x1280" },
      exact: true,
    });
    // A mapped value is accepted by generate as it is.
    const gpt = models.find((m) => m.id === "gpt-image-2");
    const vertical = gpt?.socialFormats.find((f) => f.format === "vertical");
    const { asset } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A Reel cover",
      options: vertical?.options ?? {},
    });
    expect(asset.options.size).toBe("864x1536");
  });

  it("reports today's spend against the cap: charges plus in-flight estimates", async () => {
    const client = server.client("meter");
    const before = await client.media.usage.query();
    expect(before).toMatchObject({ active: 0, spentUsd: 0, dailySpendUsd: 5, maxConcurrent: 3 });
    const { asset } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "Metered",
    });
    const finished = await done("meter", asset.id);
    const after = await client.media.usage.query();
    expect(after.chargedUsd).toBeCloseTo(finished.costUsd as number, 6);
    expect(after.active).toBe(0);
    expect((await server.client("meter-other").media.usage.query()).spentUsd).toBe(0);
  });
});
