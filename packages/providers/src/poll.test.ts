// The polling contract the worker relies on: a live billed job is never abandoned over transient
// status errors; only a definitive answer, a non-retryable error, the deadline or an abort end it.
import { describe, expect, it } from "vitest";
import { MediaGenError } from "./errors";
import { pollUntilDone } from "./poll";
import type { MediaModel, OperationStatus } from "./types";

const output = { mimeType: "video/mp4", locator: "v1" };
const fast = { minIntervalMs: 5, maxIntervalMs: 10, factor: 1.5 };
const unavailable = () =>
  new MediaGenError("PROVIDER_UNAVAILABLE", "503", { status: 503, provider: "openai" });

/** A model whose status() plays a script: errors are thrown, statuses returned, then it succeeds. */
function scripted(
  script: Array<MediaGenError | OperationStatus | "hang" | "deaf">,
  type: "image" | "video" = "video",
) {
  const calls: Array<{ at: number; signal: AbortSignal | undefined }> = [];
  const model: MediaModel = {
    id: "test-model",
    provider: "openai",
    type,
    start: async () => ({ operationId: "op" }),
    fetchResult: async () => null,
    async status(_id, options) {
      calls.push({ at: Date.now(), signal: options?.signal });
      const step = script.shift() ?? { state: "succeeded", output };
      if (step === "hang") {
        return new Promise((_, reject) => {
          const signal = options?.signal;
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        });
      }
      // A call that lost its abort on the way to the socket (see settleOnAbort): it never settles.
      if (step === "deaf") return new Promise<never>(() => {});
      if (step instanceof MediaGenError) throw step;
      return step;
    },
  };
  return { model, calls };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as MediaGenError,
  );

describe("pollUntilDone", () => {
  it("rides out transient status errors (three 503s in a row, twice) and finishes the job", async () => {
    const { model, calls } = scripted([
      ...Array.from({ length: 6 }, unavailable),
      { state: "running" },
    ]);
    await expect(pollUntilDone(model, "op", { policy: fast })).resolves.toEqual(output);
    expect(calls).toHaveLength(8);
  });

  it("waits the first interval before the first status call", async () => {
    const { model, calls } = scripted([]);
    const began = Date.now();
    await pollUntilDone(model, "op", { policy: { ...fast, minIntervalMs: 60 } });
    expect((calls[0]?.at ?? 0) - began).toBeGreaterThanOrEqual(55);
  });

  it("waits at least the provider's retry-after before asking again", async () => {
    const limited = new MediaGenError("RATE_LIMITED", "429", { status: 429, retryAfterMs: 80 });
    const { model, calls } = scripted([limited]);
    await pollUntilDone(model, "op", { policy: fast });
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(75);
  });

  it("ends at the deadline with TIMEOUT saying the job may still finish, never with the transient code", async () => {
    const { model } = scripted(Array.from({ length: 10_000 }, unavailable));
    const error = await failure(
      pollUntilDone(model, "op", { policy: { ...fast, timeoutMs: { image: 5, video: 60 } } }),
    );
    expect(error).toMatchObject({ code: "TIMEOUT", jobMayExist: true });
    expect(error.message).toMatch(/may still finish.*not sent again/);
  });

  it("enforces the deadline during a status call: the call in flight is aborted", async () => {
    const { model, calls } = scripted(["hang"]);
    const error = await failure(
      pollUntilDone(model, "op", { policy: { ...fast, timeoutMs: { image: 5, video: 80 } } }),
    );
    expect(error).toMatchObject({ code: "TIMEOUT", jobMayExist: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.signal?.aborted).toBe(true);
  });

  it("enforces the deadline during a status call that never hears its abort", async () => {
    const { model, calls } = scripted(["deaf"]);
    const error = await Promise.race([
      failure(
        pollUntilDone(model, "op", { policy: { ...fast, timeoutMs: { image: 5, video: 80 } } }),
      ),
      new Promise((resolve) => setTimeout(() => resolve("still polling"), 5_000)),
    ]);
    expect(error).toMatchObject({ code: "TIMEOUT", jobMayExist: true });
    expect(calls).toHaveLength(1);
  });

  it("stops on a non-retryable error (credentials revoked) and says the job may be alive", async () => {
    const revoked = new MediaGenError("PROVIDER_AUTH", "401", { status: 401 });
    const { model, calls } = scripted([{ state: "running" }, revoked]);
    const error = await failure(pollUntilDone(model, "op", { policy: fast }));
    expect(error).toMatchObject({ code: "PROVIDER_AUTH", jobMayExist: true });
    expect(calls).toHaveLength(2);
  });

  it("stops on the provider's verdict that the job failed", async () => {
    const verdict = new MediaGenError("PROVIDER_ERROR", "render failed", { retryable: false });
    const { model } = scripted([unavailable(), { state: "failed", error: verdict }]);
    await expect(pollUntilDone(model, "op", { policy: fast })).rejects.toBe(verdict);
  });

  it("rethrows the caller's abort untouched", async () => {
    const { model } = scripted(["hang"]);
    const controller = new AbortController();
    const polling = failure(
      pollUntilDone(model, "op", { policy: fast, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(new Error("shutting down")), 20);
    expect((await polling).message).toBe("shutting down");
  });
});
