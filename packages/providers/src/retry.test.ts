import { describe, expect, it } from "vitest";
import { MediaGenError } from "./errors";
import { withRetry } from "./retry";

const policy = { minDelayMs: 1, maxDelayMs: 2 };

function failing(errors: MediaGenError[]) {
  let calls = 0;
  const call = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return "done";
  };
  return { call, calls: () => calls };
}

describe("withRetry", () => {
  it("makes exactly 3 attempts for retryable errors, then gives up", async () => {
    const unavailable = new MediaGenError("PROVIDER_UNAVAILABLE", "502", { status: 502 });
    const run = failing([unavailable, unavailable, unavailable, unavailable]);
    await expect(withRetry(run.call, { policy })).rejects.toBe(unavailable);
    expect(run.calls()).toBe(3);
  });

  it("does not retry what will not change (bad request, auth)", async () => {
    const run = failing([new MediaGenError("INVALID_REQUEST", "bad", { status: 400 })]);
    await expect(withRetry(run.call, { policy })).rejects.toMatchObject({
      code: "INVALID_REQUEST",
    });
    expect(run.calls()).toBe(1);
  });

  it("waits out retry-after before the next attempt", async () => {
    const limited = new MediaGenError("RATE_LIMITED", "slow down", {
      status: 429,
      retryAfterMs: 120,
    });
    const run = failing([limited]);
    const started = Date.now();
    await expect(withRetry(run.call, { policy })).resolves.toBe("done");
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it("for a job-creating call, retries a received 429/5xx but never an answer that never came", async () => {
    const answered = failing([
      new MediaGenError("RATE_LIMITED", "429", { status: 429 }),
      new MediaGenError("PROVIDER_UNAVAILABLE", "503", { status: 503 }),
    ]);
    await expect(withRetry(answered.call, { policy, createsJob: true })).resolves.toBe("done");
    expect(answered.calls()).toBe(3);
    for (const lost of [
      new MediaGenError("TIMEOUT", "timed out"),
      new MediaGenError("PROVIDER_UNAVAILABLE", "connection reset"),
    ]) {
      const run = failing([lost]);
      await expect(withRetry(run.call, { policy, createsJob: true })).rejects.toMatchObject({
        code: lost.code,
        retryable: false,
        jobMayExist: true,
        message: expect.stringMatching(/not re-sent, to avoid a second charge/),
      });
      expect(run.calls()).toBe(1);
      // The same failure on a read (status, download) is retried.
      const read = failing([lost]);
      await expect(withRetry(read.call, { policy })).resolves.toBe("done");
    }
  });
});
