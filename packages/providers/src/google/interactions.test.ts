import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  fault,
  GOOGLE_MOCK_MARKERS,
  gradientPng,
  sampleVideoMp4,
} from "@streamline/fakes/providers";
import { describe, expect, it } from "vitest";
import { pollUntilDone } from "../poll";
import type { OperationStatus } from "../types";
import { BASE_URL, bytesOf, FAST_POLL, failureOf, googleHarness, spec } from "./test-harness";

const { mock, logs, warnings, model, provider } = googleHarness({ videoPollsToComplete: 2 });
const OMNI = "gemini-omni-1.1-flash";
const reference = {
  data: gradientPng(32, 64),
  mimeType: "image/png" as const,
  width: 32,
  height: 64,
};

describe("Gemini Omni Flash (Interactions API)", () => {
  it("cancels a running interaction at Google (POST …/interactions/{id}/cancel)", async () => {
    const omni = model(OMNI);
    const started = await omni.start({ prompt: "A kite over the dunes", options: {} });
    expect(omni.cancel).toBeTypeOf("function");
    await omni.cancel?.(started.operationId);
    expect(mock.requestsTo("interactions.cancel").at(-1)?.path).toBe(
      `/v1beta/interactions/${started.operationId}/cancel`,
    );
    const status = await omni.status(started.operationId);
    expect(status.state).toBe("failed");
    // A finished interaction cannot be cancelled: the refusal comes back as a MediaGenError.
    const done = await omni.start({ prompt: "A kite, finished", options: {} });
    await pollUntilDone(omni, done.operationId, { policy: FAST_POLL });
    await expect(omni.cancel?.(done.operationId)).rejects.toMatchObject({ name: "MediaGenError" });
  });

  it("Veo offers no cancel (the Gemini API documents none for its operations)", () => {
    expect(model("veo-3.1-generate-001").cancel).toBeUndefined();
  });

  it("creates a background interaction, polls it to completion and downloads the video", async () => {
    const omni = model(OMNI);
    const started = await omni.start({
      prompt: "A paper boat on a rainy street",
      options: { aspectRatio: "9:16", durationSeconds: 6, resolution: "720p" },
      referenceImage: reference,
    });
    const [sent] = mock.requestsTo("interactions.create");
    expect(sent?.path).toBe("/v1beta/interactions");
    expect(sent?.headers["x-goog-api-key"]).toBe("[redacted]");
    expect(sent?.json).toEqual({
      model: OMNI,
      background: true,
      input: [
        {
          type: "image",
          data: Buffer.from(reference.data).toString("base64"),
          mime_type: "image/png",
        },
        { type: "text", text: "A paper boat on a rainy street" },
      ],
      response_format: {
        type: "video",
        delivery: "uri",
        aspect_ratio: "9:16",
        duration: "6s",
        resolution: "720p",
      },
    });

    const seen: OperationStatus["state"][] = [];
    const output = await pollUntilDone(omni, started.operationId, {
      policy: FAST_POLL,
      onStatus: (status) => {
        seen.push(status.state);
      },
    });
    expect(seen).toEqual(["running", "succeeded"]);
    expect(mock.requestsTo("interactions.get")[0]?.path).toBe(
      `/v1beta/interactions/${started.operationId}`,
    );
    expect(output).toMatchObject({
      mimeType: "video/mp4",
      durationSeconds: 6,
      width: 720,
      height: 1280,
    });
    expect(output.locator).toMatch(
      new RegExp(`^${BASE_URL}/v1beta/files/.+:download\\?alt=media$`),
    );

    const stream = await omni.fetchResult(output);
    expect(stream?.mimeType).toBe("video/mp4");
    expect(await bytesOf(stream?.body as never)).toEqual(sampleVideoMp4);
    expect(mock.requestsTo("files.download")[0]?.headers["x-goog-api-key"]).toBe("[redacted]");
    expect(await omni.fetchResult(output, { variant: "thumbnail" })).toBeNull();
    expect(logs).toEqual([]);
  });

  it("reports an interaction that failed at Google, logged once", async () => {
    const omni = model(OMNI);
    const { operationId } = await omni.start({ prompt: GOOGLE_MOCK_MARKERS.jobFails, options: {} });
    const error = await failureOf(pollUntilDone(omni, operationId, { policy: FAST_POLL }));
    // The provider answered that the job failed: PROVIDER_ERROR, as for Sora (MEDIA_ERROR_MEANINGS).
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false });
    expect(error.message).toContain("internal error");
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^\[MediaGen\] Error: google gemini-omni-1.1-flash PROVIDER_ERROR /);
  });

  it("reports a text-only refusal as CONTENT_REJECTED", async () => {
    const omni = model(OMNI);
    const { operationId } = await omni.start({
      prompt: `something ${GOOGLE_MOCK_MARKERS.safetyBlock}`,
      options: {},
    });
    const error = await failureOf(pollUntilDone(omni, operationId, { policy: FAST_POLL }));
    expect(error.code).toBe("CONTENT_REJECTED");
    expect(error.message).toContain("Prohibited Use policy");
  });

  it("honours retry-after on a 429 when creating the interaction", async () => {
    mock.failNext("interactions.create", {
      status: 429,
      headers: { "retry-after": "0.05" },
      error: { message: "Quota exceeded for video generation." },
    });
    const startedAt = Date.now();
    const { operationId } = await model(OMNI).start({ prompt: "x", options: {} });
    expect(operationId).toBeTruthy();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50);
    expect(mock.requestsTo("interactions.create")).toHaveLength(2);
  });

  it("retries a 5xx on a status poll, and stops after exactly three attempts", async () => {
    const omni = model(OMNI);
    const { operationId } = await omni.start({ prompt: "x", options: {} });
    mock.failNext("interactions.get", { status: 503 });
    expect((await omni.status(operationId)).state).toBe("running");
    expect(mock.requestsTo("interactions.get")).toHaveLength(2);

    mock.failNext("interactions.get", { status: 500 }, { status: 502 }, { status: 503 });
    const error = await failureOf(omni.status(operationId));
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(mock.requestsTo("interactions.get")).toHaveLength(5);
    // Transient: polling goes on, so a warning, not a `[MediaGen] Error:` line.
    expect(logs).toHaveLength(0);
    expect(warnings).toHaveLength(1);
  });

  it("times out a job that outlives its deadline", async () => {
    const omni = model(OMNI);
    const { operationId } = await omni.start({ prompt: "x", options: {} });
    const error = await failureOf(
      pollUntilDone(omni, operationId, {
        policy: { ...FAST_POLL, timeoutMs: { image: 5, video: 5 } },
        startedAt: Date.now() - 10, // a resumed job keeps its original deadline
      }),
    );
    expect(error.code).toBe("TIMEOUT");
    expect(error.jobMayExist).toBe(true);
    expect(error.message).toMatch(/may still finish/);
    // Its deadline had already passed: no status call is made.
    expect(mock.requestsTo("interactions.get")).toHaveLength(0);
  });

  it("maps a wrong key to PROVIDER_AUTH and an unknown model to MODEL_UNAVAILABLE", async () => {
    const badKey = await failureOf(
      model(OMNI, { apiKey: "wrong-key" }).start({ prompt: "x", options: {} }),
    );
    expect(badKey.code).toBe("PROVIDER_AUTH");
    const missing = await failureOf(
      provider()
        .model(spec(OMNI, { id: "gemini-omni-9-flash" }))
        .start({ prompt: "x", options: {} }),
    );
    expect(missing.code).toBe("MODEL_UNAVAILABLE");
    expect(mock.requestsTo("interactions.create")).toHaveLength(2);
    expect(logs).toHaveLength(2);
    expect(logs.join("\n")).not.toContain("wrong-key");
  });
});

// The Interactions client of @google/genai sends `new Request(url, { signal })`, and undici's
// Request follows that signal only through a weak reference: after a garbage collection the abort
// never reaches the request (it then waits for undici's own 300 s headers timeout, or forever
// under an in-process mock). A hung call must still end at its own timeout, so a status poll can
// never outlast the generation's deadline.
describe("a hung Interactions call whose abort the SDK loses to garbage collection", () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  /** Fails a call still pending after `ms` instead of letting it hang the test. */
  const within = <T>(call: Promise<T>, ms: number) =>
    Promise.race([
      failureOf(call),
      new Promise((resolve) => setTimeout(() => resolve("still pending"), ms)),
    ]);
  const collecting = async <T>(run: () => Promise<T>): Promise<T> => {
    const timer = setInterval(gc, 20);
    try {
      return await run();
    } finally {
      clearInterval(timer);
    }
  };
  const omni = () => model(OMNI, { timeouts: { statusMs: 150, createMs: { video: 150 } } });

  it("a status call ends TIMEOUT at its own timeout, on each of its attempts", async () => {
    mock.failNext("interactions.get", fault("hang"), fault("hang"), fault("hang"));
    const error = await collecting(() => within(omni().status("interaction-1"), 5_000));
    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(mock.requestsTo("interactions.get")).toHaveLength(3);
  });

  it("a create ends TIMEOUT at its own timeout and is not re-sent", async () => {
    mock.failNext("interactions.create", fault("hang"));
    const error = await collecting(() =>
      within(omni().start({ prompt: "p", options: { durationSeconds: 4 } }), 5_000),
    );
    expect(error).toMatchObject({ code: "TIMEOUT", jobMayExist: true, retryable: false });
    expect(mock.requestsTo("interactions.create")).toHaveLength(1);
  });
});
