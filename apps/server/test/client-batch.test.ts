// Many concurrent queries through the typed client: batches stay bounded, and a request that is
// still too large gets a JSON tRPC error, never a body-less 431.
import { createMediaClient } from "@streamline/client";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, startTestServer, type TestServer } from "./harness";

describe("large batches", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite", {}, { worker: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers 500 concurrent queries from createMediaClient", async () => {
    const client = server.client("batch-user");
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        client.media.list.query({ model: `polling-model-${i}`, limit: 5 }),
      ),
    );
    expect(results).toHaveLength(500);
    expect(results.every((page) => page.items.length === 0)).toBe(true);
  }, 60_000);

  it("answers an oversized request with a JSON tRPC error (431), not an empty body", async () => {
    const raw = await fetch(
      `${server.url}/trpc/media.list?input=${encodeURIComponent(JSON.stringify({ model: "x".repeat(100_000) }))}`,
      { headers: { "x-streamline-user": "batch-user" } },
    );
    expect(raw.status).toBe(431);
    const body = await raw.json();
    expect(body.error.data).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 431 });
    // One call too large to send even alone: the typed client refuses it in words.
    const client = server.client("batch-user");
    const error = await client.media.list.query({ model: "y".repeat(100_000) }).catch((e) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error.message).not.toMatch(/Unexpected end of JSON/);
    expect(error.message).toMatch(/too big|larger than/);
  });

  it("sends the pre-publish check as a POST, so a 60,000-character caption still reaches it", async () => {
    const methods: string[] = [];
    const client = createMediaClient({
      url: server.url,
      headers: { "x-streamline-user": "batch-user" },
      fetch: (input, init) => {
        methods.push(`${init?.method ?? "GET"} ${String(input).split("?")[0]}`);
        return fetch(input, init);
      },
    });
    const error = await client.social.check
      .query({
        assetId: "00000000-0000-4000-8000-000000000000",
        targets: [{ accountId: "acc_1", platform: "facebook" }],
        captions: { facebook: { text: "a".repeat(60_000) } },
        publishNow: true,
      })
      .catch((e: unknown) => e);
    // The request arrived and was answered in words (the asset is not the caller's), not a 431.
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(codeOf(error)).toBe("NOT_FOUND");
    // No GET with the captions in its URL: proxies commonly cap request lines at 8–16 KB.
    expect(methods).toEqual([`POST ${server.url}/trpc/social.check`]);
  });
});
