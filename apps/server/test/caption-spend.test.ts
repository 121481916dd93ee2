// Captions cost money like generations (issue 16): one per-user budget and concurrency for both
// (a caption's estimate is reserved before the call under the same lock, settled from `usage`
// after), a per-user caption rate limit with a retry time, no caption model without a price, a
// bounded caption history read a page at a time, and demo mode free and uncounted. Through the
// real server on PGlite, and PostgreSQL with TEST_DATABASE_URL.
import { testBackends } from "@streamline/db/testing";
import {
  createGoogleCaptionsMock,
  createOpenAIResponsesMock,
  GOOGLE_MOCK_API_KEY,
  OPENAI_MOCK_API_KEY,
} from "@streamline/fakes/providers";
import type { TRPCClientError } from "@trpc/client";
import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collectEvents, startTestServer, type TestServer } from "./harness";
import { answerResponsesOnce, failure, makeAsset, trpcCode, waitFor } from "./social-helpers";

const openai = createOpenAIResponsesMock();
const gemini = createGoogleCaptionsMock();
const apis = setupServer(...openai.handlers, ...gemini.handlers);

beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());
beforeEach(() => {
  openai.reset();
  gemini.reset();
  apis.resetHandlers();
});

let keyCounter = 0;
const key = (label: string) => `${label}-${Date.now()}-${++keyCounter}`;
const dataOf = (error: unknown) =>
  (error as TRPCClientError<any>).data as {
    code: string;
    retryAfterSeconds?: number;
    zodError?: { fieldErrors: Record<string, string[]> } | null;
  };

describe.each(testBackends())("caption spend and limits on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      GEMINI_API_KEY: GOOGLE_MOCK_API_KEY,
      MEDIA_DAILY_SPEND_USD: "0.5",
      MEDIA_MAX_CONCURRENT_PER_USER: "1",
      CAPTION_RATE_PER_MINUTE: "4",
      CAPTION_MODEL_PRICES: "gemini-3.8-flash=0.5/3",
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const caption = (user: string, assetId: string, extra: Record<string, unknown> = {}) =>
    server.client(user).social.caption.mutate({
      assetId,
      platforms: ["instagram", "x"],
      hashtags: true,
      idempotencyKey: key(user),
      ...extra,
    });

  it("holds captions to the user's concurrency limit: one reaches the provider, the rest are refused", async () => {
    const asset = await makeAsset(server, "conc", { type: "image", width: 512, height: 512 });
    let arrived = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Holds every caption call at the provider until released, then lets the mock answer.
    apis.use(
      http.post("https://api.openai.com/v1/responses", async () => {
        arrived++;
        await gate;
      }),
    );
    // Every call is decided while the first one is held at the provider: a call that only reached
    // the server after the first had finished would rightly be let through (seen once on a loaded
    // machine), so the gate opens only once the other five have their answers.
    let settled = 0;
    const calls = Promise.allSettled(
      Array.from({ length: 6 }, () =>
        caption("conc", asset.id).finally(() => {
          settled++;
        }),
      ),
    );
    await waitFor(() => arrived >= 1, 15_000, "a caption call at the provider");
    await waitFor(() => settled >= 5, 15_000, "the other five calls answered");
    // The running request counts as in progress, its reservation as spend in flight.
    const running = await server.client("conc").media.usage.query();
    expect(running.active).toBe(1);
    expect(running.captionsUsd).toBeGreaterThan(0);
    expect(running.inFlightUsd).toBeGreaterThan(0);
    // A generation is refused while the caption runs: one limit for both.
    const generation = await failure(
      server.client("conc").media.generate.mutate({
        type: "image",
        model: "gpt-image-2",
        prompt: "Refused while a caption runs",
      }),
    );
    expect(trpcCode(generation)).toBe("TOO_MANY_REQUESTS");
    release();
    const results = await calls;
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(trpcCode(r.reason)).toBe("TOO_MANY_REQUESTS");
      expect(String(r.reason.message)).toMatch(/Concurrent limit/);
    }
    expect(arrived).toBe(1);
    expect(openai.requests).toHaveLength(1);
  });

  it("settles a caption from the provider's usage and shows caption spend in media.usage", async () => {
    const asset = await makeAsset(server, "spend", { type: "image", width: 512, height: 512 });
    const seen: unknown[] = [];
    apis.use(
      answerResponsesOnce(
        { instagram: { text: "Gym mornings", hashtags: ["gym"] }, x: { text: "Hi", hashtags: [] } },
        seen,
      ),
    );
    const result = await caption("spend", asset.id);
    // 1,000 input tokens at $1/M and 200 output tokens at $5/M (gpt-6.1-terra's price).
    expect(result.costUsd).toBeCloseTo(0.002, 6);
    // The call carries the output bound the reservation counted.
    expect((seen[0] as { max_output_tokens?: number }).max_output_tokens).toBe(4_096);
    const usage = await server.client("spend").media.usage.query();
    expect(usage).toMatchObject({ active: 0, inFlightUsd: 0, demo: false });
    expect(usage.captionsUsd).toBeCloseTo(0.002, 6);
    expect(usage.spentUsd).toBeCloseTo(0.002, 6);
  });

  it("keeps the reservation as the cost when the answer was lost, and charges nothing for a refused call", async () => {
    const asset = await makeAsset(server, "lost", { type: "image", width: 512, height: 512 });
    // 200 with half a JSON answer: billed by the provider, unusable to us.
    openai.failNext({ truncated: true });
    expect(trpcCode(await failure(caption("lost", asset.id)))).toBeTruthy();
    const lost = await server.client("lost").media.usage.query();
    expect(lost.active).toBe(0);
    expect(lost.inFlightUsd).toBe(0);
    // The whole reservation: a few cents for gpt-6.1-terra, far above a real caption's ~$0.002.
    expect(lost.captionsUsd).toBeGreaterThan(0.02);
    expect(lost.captionsUsd).toBeLessThan(0.1);

    const asset2 = await makeAsset(server, "refused", { type: "image", width: 512, height: 512 });
    openai.failNext({
      status: 400,
      body: { error: { message: "bad", type: "invalid_request_error" } },
    });
    expect(trpcCode(await failure(caption("refused", asset2.id)))).toBeTruthy();
    const refused = await server.client("refused").media.usage.query();
    expect(refused).toMatchObject({ active: 0, captionsUsd: 0, spentUsd: 0 });
  });

  it("refuses a caption whose estimate would pass the daily cap, before any provider call", async () => {
    const asset = await makeAsset(server, "cap", { type: "image", width: 512, height: 512 });
    // A charge today that leaves $0.01 of the $0.50 cap: less than one caption's reservation.
    const charged = await makeAsset(server, "cap", { type: "image", width: 64, height: 64 });
    await server.runtime.handle.db
      .updateTable("media_assets")
      .set({ cost_usd: 0.49 })
      .where("id", "=", charged.id)
      .execute();
    const refused = await failure(caption("cap", asset.id));
    expect(trpcCode(refused)).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toMatch(/Daily spend cap reached: \$0\.49 of \$0\.50/);
    expect(refused.message).toMatch(/caption/);
    expect(openai.requests).toHaveLength(0);
  });

  it("limits caption requests per user and minute, with a retry time (Retry-After over HTTP)", async () => {
    const asset = await makeAsset(server, "rate", { type: "image", width: 512, height: 512 });
    for (let i = 0; i < 4; i++) await caption("rate", asset.id);
    const refused = await failure(caption("rate", asset.id));
    expect(trpcCode(refused)).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toMatch(/4 caption requests a minute\. Try again in \d+ s/);
    const seconds = dataOf(refused).retryAfterSeconds ?? 0;
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(openai.requests).toHaveLength(4);
    // A plain HTTP call gets the status and the header, like the sign-in limits.
    const response = await fetch(`${server.url}/trpc/social.caption`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-streamline-user": "rate" },
      // Plain JSON: the input itself is the body.
      body: JSON.stringify({
        assetId: asset.id,
        platforms: ["x"],
        hashtags: false,
        idempotencyKey: key("rate-http"),
      }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another user is not limited by this one.
    const other = await makeAsset(server, "rate-other", { type: "image", width: 64, height: 64 });
    await expect(caption("rate-other", other.id)).resolves.toMatchObject({
      model: "gpt-6.1-terra",
    });
  });

  it("refuses a caption model without a published price unless the operator set one", async () => {
    const asset = await makeAsset(server, "price", { type: "image", width: 512, height: 512 });
    const refused = await failure(caption("price", asset.id, { model: "gpt-6.2-sol" }));
    expect(trpcCode(refused)).toBe("BAD_REQUEST");
    expect(dataOf(refused).zodError?.fieldErrors.model?.[0]).toMatch(
      /no published price.*CAPTION_MODEL_PRICES/,
    );
    expect(openai.requests).toHaveLength(0);
    const { models } = await server.client("price").social.captionModels.query();
    expect(models.find((m) => m.id === "gpt-6.2-astra")).toMatchObject({
      available: false,
      unavailableReason: "no_price",
    });
    // CAPTION_MODEL_PRICES gave gemini-3.8-flash a price: offered, charged from its usage.
    expect(models.find((m) => m.id === "gemini-3.8-flash")).toMatchObject({
      available: true,
      price: { inputUsdPerMillion: 0.5, outputUsdPerMillion: 3 },
    });
    const priced = await caption("price", asset.id, { model: "gemini-3.8-flash" });
    expect(priced.costUsd).toBeGreaterThan(0);
  });

  it("bounds a caption's length and the versions kept, and pages the history", async () => {
    const asset = await makeAsset(server, "hist", { type: "image", width: 64, height: 64 });
    const client = server.client("hist");
    const tooLong = await failure(
      client.social.editCaption.mutate({
        assetId: asset.id,
        platform: "facebook",
        text: "a".repeat(70_000),
      }),
    );
    expect(trpcCode(tooLong)).toBe("BAD_REQUEST");
    expect(Object.keys(dataOf(tooLong).zodError?.fieldErrors ?? {})).toEqual(["text"]);
    // Facebook's own limit (63,206) still fits: kept, flagged over nothing.
    await client.social.editCaption.mutate({
      assetId: asset.id,
      platform: "facebook",
      text: "b".repeat(63_206),
    });
    for (let i = 1; i <= 25; i++)
      await client.social.editCaption.mutate({ assetId: asset.id, platform: "x", text: `v${i}` });

    const first = await client.social.captions.query({
      assetId: asset.id,
      platform: "x",
      limit: 10,
    });
    expect(first.history.map((c) => c.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `v${25 - i}`),
    );
    expect(first.latest.map((c) => c.platform)).toEqual(["x", "facebook"]);
    expect(first.nextCursor).toBeTruthy();
    const second = await client.social.captions.query({
      assetId: asset.id,
      platform: "x",
      limit: 10,
      cursor: first.nextCursor,
    });
    expect(second.history.map((c) => c.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `v${15 - i}`),
    );
    // 20 versions are kept per asset and platform: v1–v5 are gone.
    expect(second.nextCursor).toBeNull();
    const rows = await server.runtime.handle.db
      .selectFrom("captions")
      .select("text")
      .where("asset_id", "=", asset.id)
      .where("platform", "=", "x")
      .execute();
    expect(rows).toHaveLength(20);
    // Without a platform, a page holds every platform's versions; the default page is 20.
    const all = await client.social.captions.query({ assetId: asset.id });
    expect(all.history).toHaveLength(20);
    const badCursor = await failure(
      client.social.captions.query({ assetId: asset.id, cursor: "not-a-cursor" }),
    );
    expect(trpcCode(badCursor)).toBe("BAD_REQUEST");
    const farCursor = Buffer.from(`-200000-01-01T00:00:00.000Z|${asset.id}`).toString("base64url");
    const far = await failure(
      client.social.captions.query({ assetId: asset.id, cursor: farCursor }),
    );
    expect(Object.keys(dataOf(far).zodError?.fieldErrors ?? {})).toEqual(["cursor"]);
  });
});

describe.each(testBackends())("demo mode spend on %s", (backend) => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await startTestServer(backend, {
      OPENAI_API_KEY: "",
      GEMINI_API_KEY: "",
      MEDIA_DEMO: "1",
      MEDIA_ENABLE_MODELS: "",
      // Less than one real image: demo generations and captions must not count against it.
      MEDIA_DAILY_SPEND_USD: "0.01",
    });
  }, 60_000);
  afterAll(async () => {
    await demo?.close();
  });

  it("shows demo generations and captions as $0 and never counts them against the cap", async () => {
    const client = demo.client("demo-spender");
    const { asset } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "Creatine gummies in a gym bag",
    });
    await collectEvents<{ status: string }>(
      (h) => client.media.onProgress.subscribe({ assetId: asset.id }, h),
      (events) => events.some((e) => e.status === "succeeded" || e.status === "failed"),
      30_000,
    );
    const done = await client.media.byId.query({ id: asset.id });
    expect(done).toMatchObject({
      status: "succeeded",
      demo: true,
      charge: { state: "demo", usd: 0 },
    });
    const captions = await client.social.caption.mutate({
      assetId: asset.id,
      platforms: ["instagram"],
      hashtags: true,
      idempotencyKey: key("demo"),
    });
    expect(captions.costUsd).toBe(0);
    const usage = await client.media.usage.query();
    expect(usage).toMatchObject({ demo: true, spentUsd: 0, captionsUsd: 0, chargedUsd: 0 });
  }, 60_000);
});
