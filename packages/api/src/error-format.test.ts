// What a client sees when something breaks on our side: a generic message, never the database's.
import { captureLogs } from "@streamline/log/testing";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import type { ApiContext } from "./context";
import { createTRPCRouter, INTERNAL_ERROR_MESSAGE, publicProcedure } from "./trpc";

const router = createTRPCRouter({
  broken: publicProcedure.query(() => {
    throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
  }),
});

describe("errorFormatter", () => {
  it("answers INTERNAL_SERVER_ERROR with a generic message and logs the real one once", async () => {
    const logs = captureLogs({ quiet: true });
    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      req: new Request("http://test/trpc/broken"),
      router,
      createContext: () => ({}) as ApiContext,
    });
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(text).not.toContain("invalid byte sequence");
    expect(JSON.parse(text).error.message).toBe(INTERNAL_ERROR_MESSAGE);
    logs.stop();
    const errors = logs.messages("error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("invalid byte sequence");
    expect(logs.records[0]).toMatchObject({ procedure: "broken", err: { type: "Error" } });
  });
});
