import {
  createOpenAIMock,
  gradientPng,
  OPENAI_MOCK_API_KEY,
  OPENAI_MOCK_MARKERS,
  sampleVideoMp4,
} from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findModelSpec, type ModelSpec } from "../catalog";
import { isMediaGenError } from "../errors";
import { pollUntilDone } from "../poll";
import type { OperationStatus, ProviderSettings } from "../types";
import { createOpenAI } from "./index";

// A gateway base URL: OpenAI itself shut /v1/videos down, so Sora is only reachable through one.
const GATEWAY = "https://sora-gateway.test/v1";
const mock = createOpenAIMock({ baseURL: GATEWAY, videoPollsToComplete: 3 });
const slowMock = createOpenAIMock({ baseURL: "https://slow.test/v1", videoPollsToComplete: 1_000 });
// The offline demo's hook: the finished video is whatever renderVideo made for the asked size.
const rendered: Array<{ prompt: string; width: number; height: number; seconds: number }> = [];
const renderMock = createOpenAIMock({
  baseURL: "https://render.test/v1",
  videoPollsToComplete: 1,
  renderVideo: async (request) => {
    rendered.push(request);
    return new Uint8Array([request.width % 256, request.height % 256, request.seconds]);
  },
});
const server = setupServer(...mock.handlers, ...slowMock.handlers, ...renderMock.handlers);
const logLines: string[] = [];
const settings: ProviderSettings = {
  apiKey: OPENAI_MOCK_API_KEY,
  baseURL: GATEWAY,
  retry: { minDelayMs: 1, maxDelayMs: 5 },
  logger: (line) => logLines.push(line),
};

function spec(id: string, overrides: Partial<ModelSpec> = {}): ModelSpec {
  const found = findModelSpec(id);
  if (!found) throw new Error(`no catalog row for ${id}`);
  return { ...found, ...overrides };
}
const sora = (id = "sora-2", extra: Partial<ProviderSettings> = {}) =>
  createOpenAI({ ...settings, ...extra }).model(spec(id));
const fast = { policy: { minIntervalMs: 1, maxIntervalMs: 2 } };

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  mock.reset();
  slowMock.reset();
  logLines.length = 0;
});
afterAll(() => server.close());

describe("Sora videos", () => {
  it("a mock with renderVideo serves what it rendered for the asked size and seconds", async () => {
    const model = sora("sora-2", { baseURL: "https://render.test/v1" });
    const { operationId } = await model.start({
      prompt: "city lights",
      options: { seconds: 8, size: "1280x720" },
    });
    const output = await pollUntilDone(model, operationId, fast);
    const video = await model.fetchResult(output);
    const bytes = new Uint8Array(await new Response(video?.body).arrayBuffer());
    expect(rendered).toEqual([{ prompt: "city lights", width: 1280, height: 720, seconds: 8 }]);
    expect([...bytes]).toEqual([1280 % 256, 720 % 256, 8]);
  });

  it("creates a job with string seconds, the size, and a reference cropped to exactly that size", async () => {
    const model = sora();
    const started = await model.start({
      prompt: "waves on a pier",
      options: { seconds: 8, size: "1280x720" },
      referenceImage: {
        data: gradientPng(600, 800),
        mimeType: "image/png",
        width: 600,
        height: 800,
      },
    });

    const [create] = mock.requestsTo("videos.create");
    expect(create?.path).toBe("/videos");
    expect(create?.fields).toMatchObject({
      model: "sora-2",
      prompt: "waves on a pier",
      seconds: "8",
      size: "1280x720",
      input_reference: { filename: "reference.png", type: "image/png", width: 1280, height: 720 },
    });
    expect(started.operationId).toMatch(/^video_/);
    expect(started.status).toBeUndefined();
  });

  it("sends no input_reference without a reference photo", async () => {
    await sora("sora-2-pro").start({ prompt: "x", options: { seconds: 4, size: "1024x1792" } });
    const fields = mock.requestsTo("videos.create")[0]?.fields ?? {};
    expect(fields).toMatchObject({ model: "sora-2-pro", seconds: "4", size: "1024x1792" });
    expect(fields).not.toHaveProperty("input_reference");
  });

  it("reports queued → running with progress → succeeded with the video's facts", async () => {
    const model = sora();
    const { operationId } = await model.start({
      prompt: "x",
      options: { seconds: 12, size: "720x1280" },
    });
    const seen: OperationStatus[] = [];
    const output = await pollUntilDone(model, operationId, {
      ...fast,
      onStatus: (status) => {
        seen.push(status);
      },
    });

    expect(seen.map((s) => s.state)).toEqual(["queued", "running", "succeeded"]);
    expect(seen[1]).toEqual({ state: "running", progress: 50 });
    expect(output).toEqual({
      mimeType: "video/mp4",
      locator: operationId,
      width: 720,
      height: 1280,
      durationSeconds: 12,
      hasThumbnail: true,
    });
    expect(mock.requestsTo("videos.retrieve").map((r) => r.path)).toEqual(
      Array(3).fill(`/videos/${operationId}`),
    );
  });

  it("streams the MP4 and the WebP thumbnail with their content types", async () => {
    const model = sora();
    const { operationId } = await model.start({
      prompt: "x",
      options: { seconds: 4, size: "720x1280" },
    });
    const output = await pollUntilDone(model, operationId, fast);

    const video = await model.fetchResult(output);
    expect(video?.mimeType).toBe("video/mp4");
    expect(video?.contentLength).toBe(sampleVideoMp4.byteLength);
    const bytes = new Uint8Array(await new Response(video?.body).arrayBuffer());
    expect(bytes).toEqual(sampleVideoMp4);

    const thumbnail = await model.fetchResult(output, { variant: "thumbnail" });
    expect(thumbnail?.mimeType).toBe("image/webp");
    const poster = Buffer.from(await new Response(thumbnail?.body).arrayBuffer());
    expect((await sharp(poster).metadata()).format).toBe("webp");
    expect(mock.requestsTo("videos.content").map((r) => r.query)).toEqual([
      { variant: "video" },
      { variant: "thumbnail" },
    ]);
  });

  it("maps a job that failed on moderation to CONTENT_REJECTED and logs it once", async () => {
    const model = sora();
    const { operationId } = await model.start({
      prompt: `${OPENAI_MOCK_MARKERS.moderation} a celebrity`,
      options: { seconds: 4, size: "720x1280" },
    });
    const error = await pollUntilDone(model, operationId, fast).catch((e: unknown) => e);
    expect(isMediaGenError(error) && error.code).toBe("CONTENT_REJECTED");
    expect(logLines).toEqual([
      "[MediaGen] Error: openai sora-2 CONTENT_REJECTED Your request was blocked by our moderation system.",
    ]);
  });

  it("maps any other failed job to a non-retryable PROVIDER_ERROR", async () => {
    const model = sora();
    const { operationId } = await model.start({
      prompt: `${OPENAI_MOCK_MARKERS.videoFailure} x`,
      options: { seconds: 4, size: "720x1280" },
    });
    const error = await pollUntilDone(model, operationId, fast).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false, provider: "openai" });
  });

  it("times out through pollUntilDone when the job never finishes", async () => {
    const model = sora("sora-2", { baseURL: "https://slow.test/v1" });
    const { operationId } = await model.start({
      prompt: "x",
      options: { seconds: 4, size: "720x1280" },
    });
    const error = await pollUntilDone(model, operationId, {
      // A deadline long enough for several polls on a loaded machine.
      policy: { minIntervalMs: 5, maxIntervalMs: 5, timeoutMs: { image: 1_000, video: 1_000 } },
    }).catch((e: unknown) => e);
    expect(isMediaGenError(error) && error.code).toBe("TIMEOUT");
    expect(slowMock.requestsTo("videos.retrieve").length).toBeGreaterThan(1);
  });

  it("treats an unknown video id as a lost job, not a missing model", async () => {
    // A definitive answer about the job is a failed status, not a thrown error.
    const status = await sora().status("video_gone");
    expect(status).toMatchObject({
      state: "failed",
      error: { code: "PROVIDER_ERROR", status: 404, retryable: false },
    });
    expect(mock.requests).toHaveLength(1);
  });

  it("maps the API's 404 for a model it does not serve to MODEL_UNAVAILABLE", async () => {
    // The brief's "sora-1" never existed in the API.
    const model = createOpenAI(settings).model(spec("sora-2", { id: "sora-1" }));
    const error = await model
      .start({ prompt: "x", options: { seconds: 4, size: "720x1280" } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MODEL_UNAVAILABLE", status: 404, model: "sora-1" });
    expect(mock.requests).toHaveLength(1);
    expect(logLines[0]).toMatch(/^\[MediaGen\] Error: openai sora-1 MODEL_UNAVAILABLE The model/);
  });

  it("refuses seconds Sora does not offer before calling it", async () => {
    const error = await sora()
      .start({ prompt: "x", options: { seconds: 6, size: "720x1280" } })
      .catch((e: unknown) => e);
    expect(isMediaGenError(error) && error.code).toBe("INVALID_REQUEST");
    expect(mock.requests).toHaveLength(0);
    expect(logLines).toHaveLength(1);
  });
});
