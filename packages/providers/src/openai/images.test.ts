import {
  createOpenAIMock,
  gradientPng,
  OPENAI_MOCK_API_KEY,
  OPENAI_MOCK_MARKERS,
} from "@streamline/fakes/providers";
import { runInNewContext } from "@streamline/log";
import { setupServer } from "msw/node";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findModelSpec, type ModelSpec } from "../catalog";
import { isMediaGenError } from "../errors";
import type { ProviderSettings, ReferenceImage } from "../types";
import { createOpenAI } from "./index";

const mock = createOpenAIMock();
const server = setupServer(...mock.handlers);
const logLines: string[] = [];
const settings: ProviderSettings = {
  apiKey: OPENAI_MOCK_API_KEY,
  retry: { minDelayMs: 1, maxDelayMs: 5 },
  logger: (line) => logLines.push(line),
};

function spec(id: string): ModelSpec {
  const found = findModelSpec(id);
  if (!found) throw new Error(`no catalog row for ${id}`);
  return found;
}
const imageModel = (id = "gpt-image-2") => createOpenAI(settings).model(spec(id));

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  mock.reset();
  logLines.length = 0;
});
afterAll(() => server.close());

describe("OpenAI images", () => {
  it("sends the request id of the work in progress as X-Client-Request-Id, and none outside one", async () => {
    await runInNewContext({ requestId: "call-7f3a", jobId: "job-1" }, () =>
      imageModel().start({ prompt: "a lighthouse at dusk", options: {} }),
    );
    await imageModel().start({ prompt: "a lighthouse at dawn", options: {} });
    const [inCall, outside] = mock.requestsTo("images.generate");
    expect(inCall?.headers["x-client-request-id"]).toBe("call-7f3a");
    expect(outside?.headers).not.toHaveProperty("x-client-request-id");
  });

  it("generates with the chosen model and options and measures the PNG it gets back", async () => {
    const started = await imageModel().start({
      prompt: "a lighthouse at dusk",
      options: { size: "1536x1024", quality: "high", background: "opaque" },
    });

    const [request] = mock.requestsTo("images.generate");
    expect(request?.json).toEqual({
      model: "gpt-image-2",
      prompt: "a lighthouse at dusk",
      n: 1,
      size: "1536x1024",
      quality: "high",
      background: "opaque",
    });
    expect(request?.headers.authorization).toBe("Bearer [redacted]");
    expect(started.operationId).toMatch(/^img_\d+_/);
    expect(started.status?.state).toBe("succeeded");
    if (started.status?.state !== "succeeded") return;
    const { output } = started.status;
    expect(output).toMatchObject({ mimeType: "image/png", width: 1536, height: 1024 });
    const meta = await sharp(output.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 1536, 1024]);
    expect(logLines).toEqual([]);
  });

  it("sends `auto` through as the documented default value", async () => {
    await imageModel("gpt-image-2.6-flare").start({
      prompt: "x",
      options: { size: "auto", quality: "auto", background: "auto" },
    });
    expect(mock.requests[0]?.json).toMatchObject({
      size: "auto",
      quality: "auto",
      background: "auto",
    });
  });

  it("uploads a reference photo to /images/edits as a named file of its real type", async () => {
    const png = gradientPng(640, 480);
    const reference: ReferenceImage = { data: png, mimeType: "image/png", width: 640, height: 480 };
    const started = await imageModel("gpt-image-2.5-sunburst").start({
      prompt: "make it autumn",
      options: { size: "1024x1024", quality: "xhigh", background: "transparent" },
      referenceImage: reference,
    });

    expect(mock.requestsTo("images.generate")).toHaveLength(0);
    const [edit] = mock.requestsTo("images.edit");
    expect(edit?.headers["content-type"]).toMatch(/^multipart\/form-data/);
    expect(edit?.fields).toMatchObject({
      model: "gpt-image-2.5-sunburst",
      prompt: "make it autumn",
      n: "1",
      size: "1024x1024",
      quality: "xhigh",
      background: "transparent",
      image: {
        filename: "reference.png",
        type: "image/png",
        size: png.byteLength,
        width: 640,
        height: 480,
      },
    });
    expect(started.status?.state).toBe("succeeded");
  });

  it("names a JPEG reference as a JPEG", async () => {
    const jpeg = new Uint8Array(await sharp(gradientPng(320, 320)).jpeg().toBuffer());
    await imageModel().start({
      prompt: "x",
      options: { size: "1024x1024" },
      referenceImage: { data: jpeg, mimeType: "image/jpeg", width: 320, height: 320 },
    });
    expect(mock.requestsTo("images.edit")[0]?.fields?.image).toMatchObject({
      filename: "reference.jpg",
      type: "image/jpeg",
    });
  });

  it("streams the bytes it holds and has no thumbnail", async () => {
    const model = imageModel();
    const started = await model.start({ prompt: "x", options: { size: "1024x1024" } });
    if (started.status?.state !== "succeeded") throw new Error("expected an image");
    const { output } = started.status;
    const stream = await model.fetchResult(output);
    expect(stream?.mimeType).toBe("image/png");
    expect(stream?.contentLength).toBe(output.data?.byteLength);
    expect(await readAll(stream?.body as ReadableStream<Uint8Array>)).toEqual(output.data);
    expect(await model.fetchResult(output, { variant: "thumbnail" })).toBeNull();
  });

  it("answers status() with a clear failure: a synchronous result cannot be fetched again", async () => {
    const status = await imageModel().status("img_1_abc");
    expect(status.state).toBe("failed");
    if (status.state !== "failed") return;
    expect(status.error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false });
    expect(status.error.message).toMatch(/synchronously/);
    expect(mock.requests).toHaveLength(0);
    expect(logLines).toHaveLength(1);
  });

  it("maps OpenAI's safety refusal to CONTENT_REJECTED without retrying", async () => {
    const error = await imageModel()
      .start({ prompt: `a ${OPENAI_MOCK_MARKERS.moderation} scene`, options: {}, assetId: "a1" })
      .catch((e: unknown) => e);
    expect(isMediaGenError(error) && error.code).toBe("CONTENT_REJECTED");
    expect(mock.requests).toHaveLength(1);
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatch(
      /^\[MediaGen\] Error: openai gpt-image-2 CONTENT_REJECTED .*safety system.*\(asset a1\)$/,
    );
  });

  it("turns the API's 400 for an option the model lacks into INVALID_REQUEST", async () => {
    const error = await imageModel("gpt-image-2.6-sunburst")
      .start({ prompt: "x", options: { quality: "max" } })
      .catch((e: unknown) => e);
    expect(isMediaGenError(error) && error.code).toBe("INVALID_REQUEST");
    expect(mock.requests).toHaveLength(1);
  });
});
