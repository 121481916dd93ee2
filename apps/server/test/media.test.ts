import { testBackends } from "@streamline/db/testing";
import { createOpenAIMock, gradientPng, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { TRPCClientError } from "@trpc/client";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeOf, collectEvents, startTestServer, type TestServer } from "./harness";

const openai = createOpenAIMock({ videoPollsToComplete: 4 });
const providerApis = setupServer(...openai.handlers);

beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());
beforeEach(() => openai.reset());

type Event = {
  eventId: string;
  assetId: string;
  kind: string;
  status: string;
  progress: number;
  phase: string;
};
type FieldErrors =
  | { zodError?: { fieldErrors: Record<string, string[]> } | null }
  | null
  | undefined;

/** Whether a recorded provider request carried this prompt (JSON or multipart). */
const sentPrompt = (prompt: string) => (request: { json?: unknown; fields?: unknown }) =>
  JSON.stringify(request.json ?? request.fields ?? {}).includes(`"prompt":"${prompt}"`);

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(testBackends())("media router on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { OPENAI_API_KEY: OPENAI_MOCK_API_KEY });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function waitForDone(
    client: ReturnType<TestServer["client"]>,
    assetId: string,
    lastEventId?: string,
  ) {
    return collectEvents<Event>(
      (h) => client.media.onProgress.subscribe({ assetId, lastEventId }, h),
      (events) => events.some((e) => ["succeeded", "failed", "canceled"].includes(e.status)),
    );
  }

  it("generates an image end to end and serves the stored file", async () => {
    const client = server.client("alice");
    const { asset, created } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "  Stylized product photo of creatine gummies in a gym bag  ",
      options: { size: "1024x1024", quality: "low" },
    });
    expect(created).toBe(true);
    expect(asset).toMatchObject({
      status: "queued",
      prompt: "Stylized product photo of creatine gummies in a gym bag",
    });
    const events = await waitForDone(client, asset.id);
    expect(events.at(-1)).toMatchObject({ kind: "result", status: "succeeded", progress: 100 });
    const done = await client.media.byId.query({ id: asset.id });
    expect(done).toMatchObject({ status: "succeeded", width: 1024, height: 1024, error: null });
    expect(done.resultUrl).toMatch(/^\/media\/image\/[A-Za-z0-9_-]{20,}\.png$/);
    const file = await fetch(`${server.url}${done.resultUrl}`);
    expect(file.headers.get("content-type")).toBe("image/png");
    // Private and short-lived: deleted media leaves browser caches (hardening.test.ts).
    expect(file.headers.get("cache-control")).toBe("private, max-age=600");
    // No listing, no traversal, no guessing.
    for (const path of [
      "/media/",
      "/media/image/",
      "/media/image/..%2F..%2Fpackage.json",
      "/media/image/AAAAAAAAAAAAAAAAAAAAAA.png",
    ]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const [request] = openai.requestsTo("images.generate");
    expect(request?.json).toMatchObject({
      model: "gpt-image-2",
      size: "1024x1024",
      quality: "low",
    });
    expect(String(request?.json?.prompt)).toBe(
      "Stylized product photo of creatine gummies in a gym bag",
    );
  });

  it("sends an uploaded reference photo over tRPC FormData to the provider", async () => {
    const client = server.client("alice");
    const form = new FormData();
    form.set(
      "input",
      JSON.stringify({ type: "image", model: "gpt-image-2", prompt: "Gummies on a bench" }),
    );
    form.set(
      "referenceImage",
      new File([gradientPng(64, 48)], "product.jpg", { type: "image/jpeg" }),
    );
    const { asset } = await client.media.generate.mutate(form);
    expect(asset.referenceImageUrl).toMatch(/^\/media\/ref\//);
    await waitForDone(client, asset.id);
    const [edit] = openai.requestsTo("images.edit");
    expect(edit).toBeDefined();
    expect(JSON.stringify(edit?.fields)).toContain('"width":64');
  });

  it("streams video progress in order and resumes after a reconnect with lastEventId", async () => {
    const client = server.client("bob");
    const { asset } = await client.media.generate.mutate({
      type: "video",
      model: "sora-2",
      prompt: "8-sec selfie-style video reviewing creatine gummies",
      options: { seconds: 8, size: "720x1280" },
    });
    const events = await waitForDone(client, asset.id);
    const ids = events.map((e) => Number(e.eventId));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const progress = events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ status: "succeeded", progress: 100 });
    expect(events.some((e) => e.kind === "progress" && e.progress > 1 && e.progress < 100)).toBe(
      true,
    );

    // Reconnecting from the middle replays exactly what came after.
    const middle = events[Math.floor(events.length / 2)] as Event;
    const replay = await collectEvents<Event>(
      (h) =>
        client.media.onProgress.subscribe({ assetId: asset.id, lastEventId: middle.eventId }, h),
      (got) => got.some((e) => e.status === "succeeded"),
    );
    expect(replay.map((e) => e.eventId)).toEqual(
      events.filter((e) => Number(e.eventId) > Number(middle.eventId)).map((e) => e.eventId),
    );
    const video = await client.media.byId.query({ id: asset.id });
    // What was delivered, read from the stored file (the mock serves a 4 s 360x640 clip), beside
    // what was asked for.
    expect(video).toMatchObject({ width: 360, height: 640 });
    expect(video.durationSeconds).toBeCloseTo(4, 0);
    expect(video.requested).toEqual({ width: 720, height: 1280, durationSeconds: 8 });
    expect(video.thumbnailUrl).toMatch(/^\/media\/thumb\//);
    expect(openai.requestsTo("videos.create")).toHaveLength(1);
    const create = openai.requestsTo("videos.create")[0];
    expect(JSON.stringify(create?.fields ?? create?.json)).toContain('"seconds":"8"');
    // Range requests let the browser seek.
    const partial = await fetch(`${server.url}${video.resultUrl}`, {
      headers: { range: "bytes=0-99" },
    });
    expect(partial.status).toBe(206);
    expect((await partial.arrayBuffer()).byteLength).toBe(100);
  });

  it("answers bad input with BAD_REQUEST naming the field", async () => {
    const client = server.client("alice");
    const attempts = [
      { input: { type: "image", model: "gpt-image-2", prompt: "   " }, field: "prompt" },
      { input: { type: "image", model: "gpt-image-2", prompt: "x".repeat(4001) }, field: "prompt" },
      { input: { type: "image", model: "no-such-model", prompt: "hi" }, field: "model" },
      { input: { type: "video", model: "gpt-image-2", prompt: "hi" }, field: "model" },
      {
        input: { type: "image", model: "gpt-image-2", prompt: "hi", options: { size: "7x7" } },
        field: "options",
      },
      { input: { type: "image", model: "gpt-image-1", prompt: "hi" }, field: "model" },
    ] as const;
    for (const { input, field } of attempts) {
      const error = await client.media.generate.mutate(input as never).catch((e: unknown) => e);
      if (!(error instanceof TRPCClientError))
        throw new Error(`accepted: ${JSON.stringify(input)}`);
      expect(codeOf(error), JSON.stringify(input).slice(0, 80)).toBe("BAD_REQUEST");
      const fieldErrors = ((error as TRPCClientError<never>).data as unknown as FieldErrors)
        ?.zodError?.fieldErrors;
      expect(
        Object.keys(fieldErrors ?? {}),
        `${error.message} ${JSON.stringify(error.data)}`,
      ).toContain(field);
    }
    const retired = await client.media.generate
      .mutate({ type: "image", model: "gpt-image-1", prompt: "hi" })
      .then(
        () => new Error("expected a failure"),
        (e: unknown) => e as Error,
      );
    expect(retired.message).toContain("gpt-image-2.6-sunburst");
    const notImage = new FormData();
    notImage.set("input", JSON.stringify({ type: "image", model: "gpt-image-2", prompt: "hi" }));
    notImage.set(
      "referenceImage",
      new File([new TextEncoder().encode("%PDF-1.7 not an image")], "a.png"),
    );
    const upload = await client.media.generate.mutate(notImage).catch((e: unknown) => e);
    expect(codeOf(upload)).toBe("BAD_REQUEST");
    expect(openai.requests).toHaveLength(0);
    const { items } = await client.media.list.query({});
    expect(items.every((a) => a.prompt !== "   ")).toBe(true);
  });

  it("returns the same asset and starts one provider job for a repeated idempotency key", async () => {
    const client = server.client("carol");
    const input = {
      type: "image" as const,
      model: "gpt-image-2",
      prompt: "Double click",
      idempotencyKey: `key-${backend}-double-click`,
    };
    const [a, b] = await Promise.all([
      client.media.generate.mutate(input),
      client.media.generate.mutate(input),
    ]);
    expect(a.asset.id).toBe(b.asset.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    await waitForDone(client, a.asset.id);
    const again = await client.media.generate.mutate(input);
    expect(again).toMatchObject({ created: false, asset: { id: a.asset.id, status: "succeeded" } });
    const { items } = await client.media.list.query({});
    expect(items.filter((x) => x.prompt === "Double click")).toHaveLength(1);
    expect(openai.requestsTo("images.generate")).toHaveLength(1);
  });

  it("records a provider failure on the row after 3 attempts", async () => {
    const client = server.client("dave");
    const failure = {
      status: 500,
      body: {
        error: {
          message: "The server had an error",
          type: "server_error",
          param: null,
          code: null,
        },
      },
    };
    openai.failNext("images.generate", failure, failure, failure);
    const { asset } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "Will fail",
    });
    const events = await waitForDone(client, asset.id);
    expect(events.at(-1)).toMatchObject({ kind: "error", status: "failed" });
    const failed = await client.media.byId.query({ id: asset.id });
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("PROVIDER_UNAVAILABLE");
    expect(openai.requestsTo("images.generate")).toHaveLength(3);

    // Retry runs again on the same row and keeps the earlier error in its history.
    const retried = await client.media.retry.mutate({ id: asset.id });
    expect(retried.status).toBe("queued");
    const after = await waitForDone(client, asset.id, events.at(-1)?.eventId);
    expect(after.at(-1)).toMatchObject({ status: "succeeded" });
    const recovered = await client.media.byId.query({ id: asset.id });
    expect(recovered.status).toBe("succeeded");
  });

  it("cancels an in-flight video and deletes assets with their files", async () => {
    const client = server.client("erin");
    const { asset } = await client.media.generate.mutate({
      type: "video",
      model: "sora-2",
      prompt: "A long render",
      options: { seconds: 12 },
    });
    const canceled = await client.media.cancel.mutate({ id: asset.id });
    expect(canceled.status).toBe("canceled");
    expect(
      codeOf(await client.media.cancel.mutate({ id: asset.id }).catch((e: unknown) => e)),
    ).toBe("CONFLICT");

    const { asset: image } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "Delete me",
    });
    await waitForDone(client, image.id);
    const stored = await client.media.byId.query({ id: image.id });
    expect((await fetch(`${server.url}${stored.resultUrl}`)).status).toBe(200);
    await client.media.delete.mutate({ id: image.id });
    expect(codeOf(await client.media.byId.query({ id: image.id }).catch((e: unknown) => e))).toBe(
      "NOT_FOUND",
    );
    expect((await fetch(`${server.url}${stored.resultUrl}`)).status).toBe(404);
    const { items } = await client.media.list.query({});
    expect(items.map((a) => a.id)).not.toContain(image.id);
  });

  it("keeps one user's assets invisible to another on every procedure", async () => {
    const owner = server.client("owner");
    const intruder = server.client("intruder");
    const { asset } = await owner.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "Private",
    });
    await waitForDone(owner, asset.id);
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["byId", () => intruder.media.byId.query({ id: asset.id })],
      ["cancel", () => intruder.media.cancel.mutate({ id: asset.id })],
      ["retry", () => intruder.media.retry.mutate({ id: asset.id })],
      ["delete", () => intruder.media.delete.mutate({ id: asset.id })],
      [
        "onProgress",
        () =>
          collectEvents(
            (h) => intruder.media.onProgress.subscribe({ assetId: asset.id }, h),
            () => true,
            5_000,
          ),
      ],
    ];
    for (const [name, call] of calls) {
      expect(codeOf(await call().catch((e: unknown) => e)), name).toBe("NOT_FOUND");
    }
    const { items } = await intruder.media.list.query({});
    expect(items.map((a) => a.id)).not.toContain(asset.id);
    expect((await owner.media.byId.query({ id: asset.id })).status).toBe("succeeded");
  });

  it("refuses generations past the concurrency limit before any provider call", async () => {
    const client = server.client("frank");
    const video = {
      type: "video" as const,
      model: "sora-2",
      prompt: "Busy",
      options: { seconds: 12 },
    };
    const started = [];
    // The default limit (MEDIA_MAX_CONCURRENT_PER_USER) is 4.
    for (let i = 0; i < 4; i++) started.push((await client.media.generate.mutate(video)).asset.id);
    const refused = { ...video, prompt: "One too many" };
    const error = await client.media.generate.mutate(refused).then(
      () => new Error("expected a failure"),
      (e: unknown) => e as Error,
    );
    expect(codeOf(error)).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/Concurrent limit/);
    // The accepted four reach the provider in the background; the refused one never does.
    await waitFor(() => openai.requestsTo("videos.create").filter(sentPrompt("Busy")).length === 4);
    expect(openai.requestsTo("videos.create").filter(sentPrompt("One too many"))).toHaveLength(0);
    const { items } = await client.media.list.query({});
    expect(items.map((a) => a.prompt)).not.toContain("One too many");
    for (const id of started) await client.media.cancel.mutate({ id }).catch(() => {});
  });
});
