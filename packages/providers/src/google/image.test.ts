import { GOOGLE_MOCK_API_KEY, GOOGLE_MOCK_MARKERS, gradientPng } from "@streamline/fakes/providers";
import { describe, expect, it } from "vitest";
import { bytesOf, failureOf, googleHarness, spec } from "./test-harness";

const { mock, logs, model, provider } = googleHarness();
const reference = {
  data: gradientPng(64, 48),
  mimeType: "image/png" as const,
  width: 64,
  height: 48,
};

describe("Gemini image models (generateContent)", () => {
  it("sends the prompt, image config and reference image, and answers the image with its real size", async () => {
    const image = model("gemini-3.1-flash-image");
    const started = await image.start({
      prompt: "A lighthouse at dusk",
      options: { aspectRatio: "16:9", imageSize: "2K" },
      referenceImage: reference,
      assetId: "asset-1",
    });

    const [sent] = mock.requestsTo("generateContent");
    expect(sent?.path).toBe("/v1beta/models/gemini-3.1-flash-image:generateContent");
    expect(sent?.headers["x-goog-api-key"]).toBe("[redacted]");
    const body = sent?.json as any;
    expect(body.contents[0].parts[0]).toEqual({ text: "A lighthouse at dusk" });
    expect(body.contents[0].parts[1].inlineData).toEqual({
      mimeType: "image/png",
      data: Buffer.from(reference.data).toString("base64"),
    });
    expect(body.generationConfig.responseModalities).toContain("IMAGE");
    expect(body.generationConfig.imageConfig).toEqual({ aspectRatio: "16:9", imageSize: "2K" });

    expect(started.operationId).toMatch(/^generateContent:/);
    expect(started.status?.state).toBe("succeeded");
    const output = started.status?.state === "succeeded" ? started.status.output : undefined;
    expect(output).toMatchObject({ mimeType: "image/png", width: 2752, height: 1536 });

    const stream = await image.fetchResult(output as never);
    expect((await bytesOf(stream?.body as never)).slice(0, 4)).toEqual(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    );
    expect(await image.fetchResult(output as never, { variant: "thumbnail" })).toBeNull();
    const again = await image.status(started.operationId);
    expect(again.state === "failed" && again.error.code).toBe("PROVIDER_ERROR");
    expect(logs).toEqual([]);
  });

  it("waits out retry-after on a 429 and then succeeds", async () => {
    mock.failNext("generateContent", { status: 429, headers: { "retry-after": "0.05" } });
    const startedAt = Date.now();
    const started = await model("gemini-3-pro-image").start({ prompt: "a cat", options: {} });
    expect(started.status?.state).toBe("succeeded");
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50);
    expect(mock.requestsTo("generateContent")).toHaveLength(2);
  });

  it("retries a 5xx and succeeds on the next attempt", async () => {
    mock.failNext("generateContent", { status: 503 });
    const started = await model("gemini-3-pro-image").start({ prompt: "a cat", options: {} });
    expect(started.status?.state).toBe("succeeded");
    expect(mock.requestsTo("generateContent")).toHaveLength(2);
  });

  it("gives up after exactly three attempts and logs one line", async () => {
    mock.failNext("generateContent", { status: 500 }, { status: 500 }, { status: 500 });
    const error = await failureOf(
      model("gemini-3-pro-image").start({ prompt: "a cat", options: {}, assetId: "a-9" }),
    );
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(mock.requestsTo("generateContent")).toHaveLength(3);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /^\[MediaGen\] Error: google gemini-3-pro-image PROVIDER_UNAVAILABLE .+ \(asset a-9\)$/,
    );
  });

  it("treats a dropped connection as the provider being unavailable, never re-sending the create", async () => {
    mock.failNext(
      "generateContent",
      { networkError: true },
      { networkError: true },
      { networkError: true },
    );
    const error = await failureOf(model("gemini-3-pro-image").start({ prompt: "x", options: {} }));
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    // The image may have been generated (and billed) before the connection dropped.
    expect(mock.requestsTo("generateContent")).toHaveLength(1);
  });

  it("maps Google's API_KEY_INVALID answer to PROVIDER_AUTH without retrying or logging the key", async () => {
    const key = "AIzaSyWrongWrongWrongWrongWrongWrong12";
    const error = await failureOf(
      model("gemini-3-pro-image", { apiKey: () => key }).start({ prompt: "x", options: {} }),
    );
    expect(error.code).toBe("PROVIDER_AUTH");
    expect(mock.requestsTo("generateContent")).toHaveLength(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain("google gemini-3-pro-image PROVIDER_AUTH");
    expect(logs[0]).not.toContain(key);
    expect(logs[0]).not.toContain(GOOGLE_MOCK_API_KEY);
  });

  it("reports a safety block and a blocked prompt as CONTENT_REJECTED", async () => {
    const image = model("gemini-3-pro-image");
    const unsafe = await failureOf(
      image.start({ prompt: `a ${GOOGLE_MOCK_MARKERS.safetyBlock} scene`, options: {} }),
    );
    expect(unsafe.code).toBe("CONTENT_REJECTED");
    expect(unsafe.message).toContain("IMAGE_SAFETY");
    const blocked = await failureOf(
      image.start({ prompt: GOOGLE_MOCK_MARKERS.promptBlock, options: {} }),
    );
    expect(blocked.code).toBe("CONTENT_REJECTED");
    expect(blocked.message).toContain("PROHIBITED_CONTENT");
    expect(mock.requestsTo("generateContent")).toHaveLength(2);
    expect(logs.map((line) => line.split(" ")[4])).toEqual([
      "CONTENT_REJECTED",
      "CONTENT_REJECTED",
    ]);
  });

  it("maps a model Google does not serve, or one that needs the Interactions API, to MODEL_UNAVAILABLE", async () => {
    const image = (id: string) =>
      provider()
        .model(spec("gemini-3-pro-image", { id }))
        .start({ prompt: "x", options: {}, assetId: "a-1" });
    const missing = await failureOf(image("gemini-9-imaginary-image"));
    expect(missing.code).toBe("MODEL_UNAVAILABLE");
    const omni = await failureOf(image("gemini-omni-1.1-flash"));
    expect(omni.code).toBe("MODEL_UNAVAILABLE");
    expect(omni.message).toContain("only supports Interactions API");
    expect(mock.requestsTo("generateContent")).toHaveLength(2);
    expect(logs).toHaveLength(2);
    expect(logs[1]).toMatch(/^\[MediaGen\] Error: google gemini-omni-1.1-flash MODEL_UNAVAILABLE /);
  });

  it("passes the caller's signal: a cancelled generation rejects with its reason and logs nothing", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled by the user");
    controller.abort(reason);
    const error = await failureOf(
      model("gemini-3-pro-image").start({ prompt: "x", options: {}, signal: controller.signal }),
    );
    expect(error).toBe(reason);
    expect(logs).toEqual([]);
  });

  it("does not retry a request Google refuses as invalid", async () => {
    const error = await failureOf(
      model("gemini-3-pro-image").start({ prompt: "x", options: { aspectRatio: "8:1" } }),
    );
    expect(error.code).toBe("INVALID_REQUEST");
    expect(mock.requestsTo("generateContent")).toHaveLength(1);
  });

  it("without a chosen aspect ratio, sends the one nearest the reference photo's shape, else 1:1", async () => {
    const portrait = { ...reference, data: gradientPng(600, 800), width: 600, height: 800 };
    const landscape = { ...reference, data: gradientPng(1600, 900), width: 1600, height: 900 };
    const image = model("gemini-3.1-flash-image");
    const sent = () => mock.requestsTo("generateContent").at(-1)?.json.generationConfig.imageConfig;
    // "auto" is the catalog default the worker resolves missing options to.
    expect(spec("gemini-3.1-flash-image").options.aspectRatio?.default).toBe("auto");
    await image.start({ prompt: "x", options: { aspectRatio: "auto" }, referenceImage: portrait });
    expect(sent()).toEqual({ aspectRatio: "3:4" });
    await image.start({ prompt: "x", options: { aspectRatio: "auto" }, referenceImage: landscape });
    expect(sent()).toEqual({ aspectRatio: "16:9" });
    await image.start({ prompt: "x", options: { aspectRatio: "auto" } });
    expect(sent()).toEqual({ aspectRatio: "1:1" });
    // A ratio the user chose is sent as chosen, reference or not.
    await image.start({ prompt: "x", options: { aspectRatio: "1:1" }, referenceImage: portrait });
    expect(sent()).toEqual({ aspectRatio: "1:1" });
  });
});
