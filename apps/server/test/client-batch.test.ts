// Many concurrent queries through the typed client: batches stay bounded, and a request that is
// still too large gets a JSON tRPC error, never a body-less 431.
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";

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
      `${server.url}/trpc/media.list?input=${encodeURIComponent(JSON.stringify({ json: { model: "x".repeat(100_000) } }))}`,
      { headers: { "x-streamline-user": "batch-user" } },
    );
    expect(raw.status).toBe(431);
    const body = await raw.json();
    expect(body.error.json.data).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 431 });
    // One call too large to send even alone: the typed client refuses it in words.
    const client = server.client("batch-user");
    const error = await client.media.list.query({ model: "y".repeat(100_000) }).catch((e) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error.message).not.toMatch(/Unexpected end of JSON/);
    expect(error.message).toMatch(/too big|larger than/);
  });
});
