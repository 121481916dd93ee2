// The server on S3-compatible storage (a fake S3 from msw), and the per-user daily spend cap.
import { createOpenAIMock, gradientPng, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { createFakeS3 } from "@streamline/fakes/storage";
import { TRPCClientError } from "@trpc/client";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEvents, startTestServer, type TestServer } from "./harness";

const openai = createOpenAIMock();
const s3 = createFakeS3("http://s3.test");
const mocks = setupServer(...openai.handlers, s3.handler);
beforeAll(() => mocks.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => mocks.close());

async function generateAndWait(server: TestServer, user: string, prompt: string) {
  const client = server.client(user);
  const { asset } = await client.media.generate.mutate({
    type: "image",
    model: "gpt-image-2",
    prompt,
  });
  await collectEvents<{ status: string }>(
    (h) => client.media.onProgress.subscribe({ assetId: asset.id }, h),
    (events) => events.some((e) => e.status === "succeeded" || e.status === "failed"),
  );
  return client.media.byId.query({ id: asset.id });
}

describe("media on S3-compatible storage", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite", {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      S3_BUCKET: "streamline-media",
      S3_REGION: "auto",
      S3_ENDPOINT: "http://s3.test",
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: "test-access-key",
      S3_SECRET_ACCESS_KEY: "test-secret-key",
      S3_SIGNED_URL_SECONDS: "300",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("stores results privately and hands out short-lived signed URLs, never serving /media itself", async () => {
    const done = await generateAndWait(server, "s3-user", "Stored in a bucket");
    expect(done.status).toBe("succeeded");
    const url = new URL(done.resultUrl as string);
    expect(url.origin).toBe("http://s3.test");
    expect(url.pathname).toMatch(/^\/streamline-media\/image\//);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("300");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    const stored = [...s3.objects.keys()].find((k) =>
      url.pathname.endsWith(k.split("/").slice(1).join("/")),
    );
    expect(stored).toBeDefined();
    // The key in the row, not the expiring URL: a later read signs a fresh one.
    const row = await server.runtime.handle.db
      .selectFrom("media_assets")
      .selectAll()
      .where("id", "=", done.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain("X-Amz-Signature");
    expect(
      (await fetch(`${server.url}/media/${url.pathname.split("/").slice(2).join("/")}`)).status,
    ).toBe(404);
  });

  it("removes every object an asset owns from the bucket on delete, the reference photo included", async () => {
    const client = server.client("s3-delete");
    const form = new FormData();
    form.set(
      "input",
      JSON.stringify({ type: "image", model: "gpt-image-2", prompt: "Bucket with a reference" }),
    );
    form.set("referenceImage", new File([gradientPng(64, 48)], "ref.png", { type: "image/png" }));
    const { asset } = await client.media.generate.mutate(form);
    await collectEvents<{ status: string }>(
      (h) => client.media.onProgress.subscribe({ assetId: asset.id }, h),
      (events) => events.some((e) => e.status === "succeeded" || e.status === "failed"),
    );
    const row = await server.runtime.handle.db
      .selectFrom("media_assets")
      .selectAll()
      .where("id", "=", asset.id)
      .executeTakeFirstOrThrow();
    const keys = row.metadata.storage as { resultKey: string; referenceKey: string };
    expect(keys.referenceKey).toMatch(/^ref\//);
    const inBucket = (key: string) => [...s3.objects.keys()].some((k) => k.endsWith(key));
    expect(inBucket(keys.resultKey) && inBucket(keys.referenceKey)).toBe(true);
    await client.media.delete.mutate({ id: asset.id });
    expect(inBucket(keys.resultKey)).toBe(false);
    expect(inBucket(keys.referenceKey)).toBe(false);
  });
});

describe("daily spend cap", () => {
  let server: TestServer;
  beforeAll(async () => {
    // gpt-image-2 is estimated at $0.053 an image: the second one would pass $0.10.
    server = await startTestServer("pglite", {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      MEDIA_DAILY_SPEND_USD: "0.10",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("refuses a generation that would pass the cap, before any provider call", async () => {
    expect((await generateAndWait(server, "spender", "First")).status).toBe("succeeded");
    const calls = openai.requests.length;
    const error = await server
      .client("spender")
      .media.generate.mutate({ type: "image", model: "gpt-image-2", prompt: "Second" })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((error as Error).message).toMatch(/Daily spend cap reached: \$0\.05 of \$0\.10/);
    expect(openai.requests.length).toBe(calls);
    // Another user has their own cap.
    expect((await generateAndWait(server, "saver", "Mine")).status).toBe("succeeded");
  });
});
