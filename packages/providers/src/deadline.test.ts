// The generation's deadline ends a create whatever the adapter does with its abort.
import { describe, expect, it } from "vitest";
import { startWithinDeadline } from "./deadline";
import type { MediaModel } from "./types";

describe("startWithinDeadline", () => {
  it("ends a create that never hears its abort at the deadline: TIMEOUT, not re-sent", async () => {
    let creates = 0;
    const model: MediaModel = {
      id: "test-model",
      provider: "openai",
      type: "image",
      // A request that lost its abort on the way to the socket (see settleOnAbort): never settles.
      start: () => {
        creates++;
        return new Promise<never>(() => {});
      },
      status: async () => ({ state: "running" }),
      fetchResult: async () => null,
    };
    const error = await Promise.race([
      startWithinDeadline(
        model,
        { prompt: "p", options: {} },
        { deadline: Date.now() + 50, limitMs: 50 },
      ).catch((e: unknown) => e),
      new Promise((resolve) => setTimeout(() => resolve("still waiting"), 5_000)),
    ]);
    expect(error).toMatchObject({ code: "TIMEOUT", jobMayExist: true, retryable: false });
    expect((error as Error).message).toMatch(/not re-sent, to avoid a second charge/);
    expect(creates).toBe(1);
  });
});
