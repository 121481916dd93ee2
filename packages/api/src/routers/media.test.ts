// media.* through a caller: validation, quota, idempotency, ownership and the status guards, with a
// fake queue (jobs are captured, never run). apps/server's HTTP suites cover the transport.
import { randomUUID } from "node:crypto";
import { findMediaAsset } from "@streamline/db";
import { testBackends } from "@streamline/db/testing";
import { createMediaProviders, estimateCostUsd, findModelSpec } from "@streamline/providers";
import { describe, expect, it } from "vitest";
import { createCaller } from "../root";
import { useTestApi } from "../testing/context";
import { refusalOf } from "../testing/refusal";

const PROMPT = "A glass bottle of cold brew on a wooden table, morning light";
const image = { type: "image" as const, model: "gpt-image-2", prompt: PROMPT };
const user = () => `user-${randomUUID().slice(0, 8)}`;

describe.each(testBackends())("media procedures (%s)", (backend) => {
  const api = useTestApi(backend);

  describe("models", () => {
    it("lists the catalog with availability, the defaults and an estimate", async () => {
      const models = await api.anonymous().media.models();
      const gptImage = models.find((m) => m.id === "gpt-image-2");
      expect(gptImage).toMatchObject({
        provider: "openai",
        type: "image",
        isDefault: true,
        available: true,
        unavailableReason: null,
      });
      const spec = findModelSpec("gpt-image-2");
      expect(gptImage?.estimatedCostUsd).toBe(spec && estimateCostUsd(spec, {}));
      expect(models.filter((m) => m.isDefault)).toHaveLength(4);
    });

    it("marks a provider without a key as not configured, naming the key to add", async () => {
      const caller = createCaller({
        ...api.deps,
        providers: createMediaProviders({ openai: { apiKey: "sk-test-key-not-real" } }),
        user: null,
        headers: new Headers(),
      });
      const google = (await caller.media.models()).filter((m) => m.provider === "google");
      expect(google.length).toBeGreaterThan(0);
      for (const model of google) {
        expect(model.available).toBe(false);
        if (model.unavailableReason === "not_configured")
          expect(model.unavailableMessage).toContain("GEMINI_API_KEY");
      }
      expect(google.some((m) => m.unavailableReason === "not_configured")).toBe(true);
    });
  });

  describe("generate", () => {
    it("refuses bad input as BAD_REQUEST naming the field, and writes nothing", async () => {
      const caller = await api.as(user());
      const before = api.generationJobs.length;
      const cases = [
        [{ ...image, prompt: "" }, "prompt"],
        [{ ...image, model: "no-such-model" }, "model"],
        [{ ...image, variants: 0 }, "variants"],
        [{ ...image, idempotencyKey: "bad key!" }, "idempotencyKey"],
        [{ ...image, referenceImageUrl: "ftp://example.com/a.png" }, "referenceImageUrl"],
      ] as const;
      for (const [input, field] of cases) {
        const refusal = await refusalOf(caller.media.generate(input as never));
        expect(refusal.code, field).toBe("BAD_REQUEST");
        expect(Object.keys(refusal.fields), field).toContain(field);
      }
      const blank = await refusalOf(caller.media.generate({ ...image, prompt: " \u200b " }));
      expect(blank.fields.prompt).toEqual(["Describe what to generate."]);
      expect(api.generationJobs.length).toBe(before);
    });

    it("queues one asset and enqueues its job once, in the caller's name", async () => {
      const id = user();
      const caller = await api.as(id);
      const { asset, assets, created } = await caller.media.generate(image);
      expect(created).toBe(true);
      expect(assets.map((a) => a.id)).toEqual([asset.id]);
      expect(asset).toMatchObject({ status: "queued", model: "gpt-image-2", prompt: PROMPT });
      expect(api.generationJobs.filter((j) => j === asset.id)).toHaveLength(1);
      expect(await findMediaAsset(api.handle.db, { id: asset.id, userId: id })).toBeTruthy();
    });

    it("returns the same asset for the same idempotency key and enqueues once", async () => {
      const caller = await api.as(user());
      const idempotencyKey = `key-${randomUUID()}`;
      const first = await caller.media.generate({ ...image, idempotencyKey });
      const again = await caller.media.generate({ ...image, idempotencyKey });
      expect(again.created).toBe(false);
      expect(again.asset.id).toBe(first.asset.id);
      expect(api.generationJobs.filter((j) => j === first.asset.id)).toHaveLength(1);
    });

    it("makes one asset and one job per variant, grouped", async () => {
      const caller = await api.as(user());
      const { assets } = await caller.media.generate({ ...image, variants: 3 });
      expect(assets).toHaveLength(3);
      expect(new Set(assets.map((a) => a.groupId)).size).toBe(1);
      for (const a of assets) expect(api.generationJobs).toContain(a.id);
    });

    it("refuses over the daily spend cap with TOO_MANY_REQUESTS and enqueues nothing", async () => {
      const id = user();
      const caller = createCaller({
        ...api.deps,
        limits: { ...api.deps.limits, dailySpendUsd: 0.001 },
        user: { id, method: "api-key" },
        headers: new Headers(),
      });
      await api.as(id); // the user row
      const before = api.generationJobs.length;
      const refusal = await refusalOf(caller.media.generate(image));
      expect(refusal.code).toBe("TOO_MANY_REQUESTS");
      expect(refusal.message).toMatch(/Daily spend cap/);
      expect(api.generationJobs.length).toBe(before);
      expect((await caller.media.list({})).items).toEqual([]);
    });

    it("refuses past the concurrency limit", async () => {
      const id = user();
      await api.as(id);
      const caller = createCaller({
        ...api.deps,
        limits: { ...api.deps.limits, maxConcurrentPerUser: 1 },
        user: { id, method: "api-key" },
        headers: new Headers(),
      });
      await caller.media.generate(image);
      const refusal = await refusalOf(caller.media.generate(image));
      expect(refusal.code).toBe("TOO_MANY_REQUESTS");
      expect(refusal.message).toMatch(/Concurrent limit/);
    });

    it("refuses a session mutation from another origin (FORBIDDEN); an API key needs none", async () => {
      const id = user();
      const crossSite = await api.as(id, { headers: { origin: "https://evil.example" } });
      expect((await refusalOf(crossSite.media.generate(image))).code).toBe("FORBIDDEN");
      const app = await api.as(id, { method: "api-key" });
      expect((await app.media.generate(image)).created).toBe(true);
    });
  });

  describe("byId and list", () => {
    it("shows the caller's own assets only: another user's is NOT_FOUND", async () => {
      const alice = user();
      const bob = user();
      const mine = await api.insertAsset(alice);
      const theirs = await api.insertAsset(bob);
      const caller = await api.as(alice);
      expect((await caller.media.byId({ id: mine.id })).id).toBe(mine.id);
      expect((await refusalOf(caller.media.byId({ id: theirs.id }))).code).toBe("NOT_FOUND");
      const { items } = await caller.media.list({});
      expect(items.map((a) => a.id)).toEqual([mine.id]);
    });

    it("refuses a bad id or cursor as BAD_REQUEST", async () => {
      const caller = await api.as(user());
      const bad = await refusalOf(caller.media.byId({ id: "not-a-uuid" }));
      expect(bad.code).toBe("BAD_REQUEST");
      expect(Object.keys(bad.fields)).toContain("id");
      expect((await refusalOf(caller.media.list({ cursor: "garbage" }))).code).toBe("BAD_REQUEST");
    });

    it("pages with a cursor and filters by star", async () => {
      const id = user();
      const caller = await api.as(id);
      const assets = [];
      for (let i = 0; i < 3; i++) assets.push(await api.insertAsset(id));
      const first = await caller.media.list({ limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toBeTruthy();
      const rest = await caller.media.list({ limit: 2, cursor: first.nextCursor ?? undefined });
      expect([...first.items, ...rest.items].map((a) => a.id).sort()).toEqual(
        assets.map((a) => a.id).sort(),
      );
      await caller.media.star({ id: assets[0]?.id as string, starred: true });
      expect((await caller.media.list({ starred: true })).items.map((a) => a.id)).toEqual([
        assets[0]?.id,
      ]);
    });
  });

  describe("cancel, retry and delete", () => {
    it("cancels a queued generation once; a finished one is a CONFLICT", async () => {
      const id = user();
      const caller = await api.as(id);
      const { asset } = await caller.media.generate(image);
      expect((await caller.media.cancel({ id: asset.id })).status).toBe("canceled");
      const again = await refusalOf(caller.media.cancel({ id: asset.id }));
      expect(again).toMatchObject({
        code: "CONFLICT",
        message: "This generation already canceled.",
      });
      const done = await api.insertAsset(id);
      expect((await refusalOf(caller.media.cancel({ id: done.id }))).code).toBe("CONFLICT");
    });

    it("retries only failed or canceled generations, enqueueing once", async () => {
      const id = user();
      const caller = await api.as(id);
      const queued = await caller.media.generate(image);
      const running = await refusalOf(caller.media.retry({ id: queued.asset.id }));
      expect(running.code).toBe("CONFLICT");
      const failed = await api.insertAsset(id, {
        status: "failed",
        error_code: "provider_error",
        error_message: "The provider failed.",
        cost_usd: null,
        metadata: {},
      });
      const retried = await caller.media.retry({ id: failed.id });
      expect(retried.status).toBe("queued");
      expect(api.generationJobs.filter((j) => j === failed.id)).toHaveLength(1);
      // A second click finds it queued.
      expect((await refusalOf(caller.media.retry({ id: failed.id }))).code).toBe("CONFLICT");
      expect(api.generationJobs.filter((j) => j === failed.id)).toHaveLength(1);
    });

    it("never touches another user's asset (NOT_FOUND) and deletes the caller's own", async () => {
      const alice = user();
      const bob = user();
      const theirs = await api.insertAsset(bob, { status: "failed", metadata: {} });
      const caller = await api.as(alice);
      // One call at a time: a refusal made before its turn would be an unhandled rejection.
      for (const call of [
        () => caller.media.cancel({ id: theirs.id }),
        () => caller.media.retry({ id: theirs.id }),
        () => caller.media.delete({ id: theirs.id }),
        () => caller.media.deleteImpact({ id: theirs.id }),
        () => caller.media.star({ id: theirs.id, starred: true }),
      ]) {
        expect((await refusalOf(call())).code).toBe("NOT_FOUND");
      }
      expect(await findMediaAsset(api.handle.db, { id: theirs.id, userId: bob })).toMatchObject({
        status: "failed",
        deleted_at: null,
        starred_at: null,
      });

      const mine = await api.insertAsset(alice);
      expect(await caller.media.deleteImpact({ id: mine.id })).toMatchObject({});
      expect(await caller.media.delete({ id: mine.id })).toMatchObject({
        id: mine.id,
        deleted: true,
      });
      expect((await refusalOf(caller.media.byId({ id: mine.id }))).code).toBe("NOT_FOUND");
    });
  });

  describe("usage and limits", () => {
    it("counts today's charges and in-flight estimates against the caller's limits", async () => {
      const id = user();
      const caller = await api.as(id);
      await api.insertAsset(id, { cost_usd: 0.25 });
      const { asset } = await caller.media.generate(image);
      const usage = await caller.media.usage();
      expect(usage).toMatchObject({
        active: 1,
        dailySpendUsd: api.deps.limits.dailySpendUsd,
        maxConcurrent: api.deps.limits.maxConcurrentPerUser,
        demo: false,
      });
      expect(usage.spentUsd).toBeCloseTo(0.25 + Number(asset.estimatedCostUsd), 4);
      // Another user's spend is not the caller's.
      expect((await (await api.as(user())).media.usage()).spentUsd).toBe(0);
    });

    it("tells the studio the input limits without a user", async () => {
      const limits = await api.anonymous().media.limits();
      expect(limits).toMatchObject({
        referenceImage: { maxBytes: api.deps.limits.referenceImageMaxBytes },
        demo: false,
      });
      expect(limits.promptMaxLength).toBeGreaterThan(0);
    });
  });
});
