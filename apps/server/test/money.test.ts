// Money and trust in the generation pipeline: a billed provider job is never abandoned while it can
// still finish, Retry never pays twice for a job that may still deliver, rows show a charge only
// when one was made, every object an asset owns goes with it, and a progress stream does not
// outlive its caller's credential.
import { testBackends } from "@streamline/db/testing";
import {
  createOpenAIMock,
  gradientPng,
  OPENAI_MOCK_API_KEY,
  OPENAI_MOCK_MARKERS,
} from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  codeOf,
  collectEvents,
  createTestClient,
  startTestServer,
  type TestServer,
} from "./harness";

const openai = createOpenAIMock({ videoPollsToComplete: 3 });
const providerApis = setupServer(...openai.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());
beforeEach(() => openai.reset());

type Event = { eventId: string; assetId: string; kind: string; status: string; phase: string };
const TERMINAL = ["succeeded", "failed", "canceled"];

describe.each(testBackends())("money and trust on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      MEDIA_MAX_CONCURRENT_PER_USER: "10",
      MEDIA_MAX_STREAMS_PER_USER: "3",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const client = (user: string) => server.client(user);
  /** An asset's events until it is terminal (after `lastEventId`, when given: a retry's). */
  function untilDone(user: string, assetId: string, lastEventId?: string) {
    return collectEvents<Event>(
      (h) => client(user).media.onProgress.subscribe({ assetId, lastEventId }, h),
      (events) => events.some((e) => TERMINAL.includes(e.status)),
    );
  }
  const video = (user: string, prompt: string) =>
    client(user).media.generate.mutate({
      type: "video",
      model: "sora-2",
      prompt,
      options: { seconds: 4 },
    });

  it("announces a new asset as queued before it runs", async () => {
    const { asset } = await client("q").media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A queued event first",
    });
    const events = await untilDone("q", asset.id);
    expect(events[0]).toMatchObject({ kind: "status", status: "queued", phase: "queued" });
    expect(events.findIndex((e) => e.status === "running")).toBeGreaterThan(0);
  });

  it("keeps polling a billed video job through consecutive poll errors: one create, it succeeds", async () => {
    openai.failNext(
      "videos.retrieve",
      ...Array.from({ length: 7 }, (_, i) => ({ status: i % 2 ? 500 : 503 })),
    );
    const { asset } = await video("poll", "Poll errors never end a live job");
    const events = await untilDone("poll", asset.id);
    expect(events.at(-1)?.status).toBe("succeeded");
    expect(openai.requestsTo("videos.create")).toHaveLength(1);
    expect(openai.requestsTo("videos.retrieve").length).toBeGreaterThan(7);
  });

  it("downloads again after the connection drops mid-download, without a second create", async () => {
    openai.failNext("videos.content", ...Array.from({ length: 5 }, () => ({ networkError: true })));
    const { asset } = await video("dl", "Resets while downloading");
    const events = await untilDone("dl", asset.id);
    expect(events.at(-1)?.status).toBe("succeeded");
    expect(openai.requestsTo("videos.create")).toHaveLength(1);
    const row = await client("dl").media.byId.query({ id: asset.id });
    expect(row.charge).toEqual({ state: "charged", usd: 0.4 });
  });

  it("resumes a job that may still finish on Retry instead of creating (and paying for) another", async () => {
    // A revoked key while polling ends the attempt, but says nothing about the job itself.
    openai.failNext("videos.retrieve", { status: 401 });
    const { asset } = await video("resume", "Auth lost mid-job");
    const failed = await untilDone("resume", asset.id);
    expect(failed.at(-1)).toMatchObject({ status: "failed" });
    const row = await client("resume").media.byId.query({ id: asset.id });
    expect(row).toMatchObject({
      error: { code: "PROVIDER_AUTH" },
      retryPlan: "resume",
      charge: { state: "may_be_charged", usd: 0.4 },
      costUsd: null,
    });

    await client("resume").media.retry.mutate({ id: asset.id });
    const done = await untilDone("resume", asset.id, failed.at(-1)?.eventId);
    expect(done.at(-1)?.status).toBe("succeeded");
    expect(openai.requestsTo("videos.create")).toHaveLength(1);
  });

  it("creates a new job on Retry only when the provider said the job failed, and says so", async () => {
    const { asset } = await video("new", `A clip that ${OPENAI_MOCK_MARKERS.videoFailure}`);
    await untilDone("new", asset.id);
    const row = await client("new").media.byId.query({ id: asset.id });
    expect(row).toMatchObject({
      status: "failed",
      retryPlan: "new",
      charge: { state: "not_charged", usd: null },
      costUsd: null,
      estimatedCostUsd: 0.4,
    });
  });

  it("refuses a second Retry while the first is queued: one job", async () => {
    openai.failNext("videos.retrieve", { status: 401 });
    const { asset } = await video("double", "Double retry click");
    const failed = await untilDone("double", asset.id);
    const results = await Promise.allSettled([
      client("double").media.retry.mutate({ id: asset.id }),
      client("double").media.retry.mutate({ id: asset.id }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(codeOf(refused.reason)).toBe("CONFLICT");
    const done = await untilDone("double", asset.id, failed.at(-1)?.eventId);
    expect(done.at(-1)?.status).toBe("succeeded");
    expect(openai.requestsTo("videos.create")).toHaveLength(1);
  });

  it("shows no charge for a moderation-blocked image and the price for a delivered one", async () => {
    const blocked = await client("cost").media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: `A poster ${OPENAI_MOCK_MARKERS.moderation}`,
    });
    await untilDone("cost", blocked.asset.id);
    const refused = await client("cost").media.byId.query({ id: blocked.asset.id });
    expect(refused).toMatchObject({
      status: "failed",
      error: { code: "CONTENT_REJECTED" },
      costUsd: null,
      charge: { state: "not_charged" },
      retryPlan: "new",
    });
    expect(refused.estimatedCostUsd).toBeGreaterThan(0);

    const ok = await client("cost").media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A delivered poster",
    });
    await untilDone("cost", ok.asset.id);
    const delivered = await client("cost").media.byId.query({ id: ok.asset.id });
    expect(delivered.costUsd).toBe(delivered.estimatedCostUsd);
    expect(delivered.charge).toEqual({ state: "charged", usd: delivered.estimatedCostUsd });
  });

  it("removes the reference photo with the asset on delete", async () => {
    const form = new FormData();
    form.set(
      "input",
      JSON.stringify({ type: "image", model: "gpt-image-2", prompt: "With a product photo" }),
    );
    form.set(
      "referenceImage",
      new File([gradientPng(64, 48)], "product.png", { type: "image/png" }),
    );
    const { asset } = await client("ref").media.generate.mutate(form);
    await untilDone("ref", asset.id);
    const row = await client("ref").media.byId.query({ id: asset.id });
    const urls = [row.resultUrl, row.referenceImageUrl].map((u) => `${server.url}${u}`);
    for (const url of urls) expect((await fetch(url)).status).toBe(200);
    await client("ref").media.delete.mutate({ id: asset.id });
    for (const url of urls) expect((await fetch(url)).status).toBe(404);
  });

  it("caps the live progress streams one user holds open", async () => {
    const subs: { unsubscribe(): void }[] = [];
    const errors: unknown[] = [];
    const started: string[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        subs.push(
          client("streams").media.onProgress.subscribe(
            {},
            {
              onStarted: () => started.push(String(i)),
              onError: (error) => errors.push(error),
            },
          ),
        );
      }
      const deadline = Date.now() + 5_000;
      while (errors.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(errors).toHaveLength(1);
      expect(codeOf(errors[0])).toBe("TOO_MANY_REQUESTS");
    } finally {
      for (const sub of subs) sub.unsubscribe();
    }
    // Closing streams frees their slots.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { asset } = await client("streams").media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "After closing streams",
    });
    expect((await untilDone("streams", asset.id)).at(-1)?.status).toBe("succeeded");
  });
});

describe.each(testBackends())("progress streams and credentials on %s", (backend) => {
  let server: TestServer;
  const origin = "http://localhost:5173";
  beforeAll(async () => {
    server = await startTestServer(backend, {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      AUTH_DEV_HEADER: "0",
      MEDIA_STREAM_RECHECK_SECONDS: "0.3",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function signUp(email: string): Promise<string> {
    const response = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email, password: "correct-horse-42", name: "Streamer" }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.includes("session_token"));
    return (cookie as string).split(";")[0] as string;
  }

  /** Opens a user-wide stream; resolves with the error that ends it. */
  function streamUntilEnded(client: ReturnType<typeof createTestClient>) {
    const seen: string[] = [];
    let sub: { unsubscribe(): void } | undefined;
    const ended = new Promise<unknown>((resolve) => {
      sub = client.media.onProgress.subscribe(
        {},
        { onData: ({ data }) => seen.push(data.status), onError: (error) => resolve(error) },
      );
    });
    return { ended, seen, close: () => sub?.unsubscribe() };
  }

  it("ends a stream with UNAUTHORIZED once its API key is revoked", async () => {
    const cookie = await signUp("keys@example.com");
    const studio = createTestClient(server.url, { cookie, origin });
    const key = await studio.apiKeys.create.mutate({ name: "poller" });
    const app = createTestClient(server.url, { authorization: `Bearer ${key.key}` });
    const stream = streamUntilEnded(app);
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await studio.apiKeys.revoke.mutate({ id: key.id });
      await studio.media.generate.mutate({
        type: "image",
        model: "gpt-image-2",
        prompt: "After the key was revoked",
      });
      const error = await Promise.race([
        stream.ended,
        new Promise((resolve) => setTimeout(() => resolve("still open"), 5_000)),
      ]);
      expect(codeOf(error)).toBe("UNAUTHORIZED");
    } finally {
      stream.close();
    }
  });

  it("ends a stream with UNAUTHORIZED after sign-out", async () => {
    const cookie = await signUp("out@example.com");
    const studio = createTestClient(server.url, { cookie, origin });
    const stream = streamUntilEnded(studio);
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const out = await fetch(`${server.url}/api/auth/sign-out`, {
        method: "POST",
        headers: { cookie, origin, "content-type": "application/json" },
        body: "{}",
      });
      expect(out.status).toBe(200);
      const error = await Promise.race([
        stream.ended,
        new Promise((resolve) => setTimeout(() => resolve("still open"), 5_000)),
      ]);
      expect(codeOf(error)).toBe("UNAUTHORIZED");
    } finally {
      stream.close();
    }
  });
});
