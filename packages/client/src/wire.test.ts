// The client speaks plain JSON: inputs go out as the JSON of the input itself (no transformer
// envelope), answers are read as plain JSON (times stay ISO-8601 strings), errors keep their shape.
import { TRPCClientError } from "@trpc/client";
import { initTRPC } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { createMediaClient } from "./index";

function fakeServer(answer: (url: URL, init?: RequestInit) => unknown, status = 200) {
  const seen: { url: URL; init?: RequestInit | undefined }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    seen.push({ url, init });
    return new Response(JSON.stringify(answer(url, init)), {
      status,
      headers: { "content-type": "application/json" },
    });
  }) as typeof globalThis.fetch;
  return { seen, fetch };
}

describe("the wire", () => {
  it("sends a query's input as plain JSON and reads a plain JSON answer (batched stream)", async () => {
    // A tRPC server without a transformer, as the product's: whatever the client sends arrives as
    // the input itself, and a Date in an answer travels as its ISO string.
    const t = initTRPC.create();
    const seen: unknown[] = [];
    const router = t.router({
      media: t.router({
        list: t.procedure
          .input((value) => value)
          .query(({ input }) => {
            seen.push(input);
            return {
              items: [{ id: "a1", createdAt: new Date("2026-12-07T03:17:39.123Z") }],
              nextCursor: null,
            };
          }),
      }),
    });
    const urls: URL[] = [];
    const client = createMediaClient({
      url: "http://api.test/",
      apiKey: "slk_x",
      fetch: async (input, init) => {
        const request = new Request(input, init);
        urls.push(new URL(request.url));
        expect(request.headers.get("authorization")).toBe("Bearer slk_x");
        return fetchRequestHandler({ endpoint: "/trpc", req: request, router });
      },
    });
    const answer = await client.media.list.query({ limit: 5, type: "image" });
    expect(answer).toEqual({
      items: [{ id: "a1", createdAt: "2026-12-07T03:17:39.123Z" }],
      nextCursor: null,
    });
    expect(seen).toEqual([{ limit: 5, type: "image" }]);
    expect(urls[0]?.pathname).toBe("/trpc/media.list");
    expect(JSON.parse(urls[0]?.searchParams.get("input") ?? "")).toEqual({
      0: { limit: 5, type: "image" },
    });
  });

  it("sends a mutation's body as plain JSON (POST, not batched for social.check)", async () => {
    const server = fakeServer(() => ({ result: { data: { ok: true } } }));
    const client = createMediaClient({
      url: "http://api.test",
      apiKey: "slk_x",
      fetch: server.fetch,
    });
    await client.social.check
      .query({
        assetId: "00000000-0000-4000-8000-000000000000",
        targets: [{ accountId: "acc_1", platform: "facebook" }],
        captions: { facebook: { text: "hi" } },
        publishNow: true,
      })
      .catch(() => undefined);
    const [call] = server.seen;
    expect(call?.init?.method).toBe("POST");
    expect(JSON.parse(String(call?.init?.body))).toMatchObject({
      assetId: "00000000-0000-4000-8000-000000000000",
      publishNow: true,
    });
  });

  it("reports a plain JSON error with its code and field errors", async () => {
    const error = {
      message: "prompt: Describe what to generate.",
      code: -32600,
      data: {
        code: "BAD_REQUEST",
        httpStatus: 400,
        zodError: { formErrors: [], fieldErrors: { prompt: ["Describe what to generate."] } },
      },
    };
    const server = fakeServer(() => ({ error }), 400);
    const client = createMediaClient({
      url: "http://api.test",
      apiKey: "slk_x",
      fetch: server.fetch,
    });
    const failure = await client.media.byId
      .query({ id: "00000000-0000-4000-8000-000000000000" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TRPCClientError);
    expect((failure as TRPCClientError<never>).message).toBe(error.message);
    expect((failure as TRPCClientError<never>).data).toMatchObject({
      code: "BAD_REQUEST",
      zodError: { fieldErrors: { prompt: ["Describe what to generate."] } },
    });
  });
});
