import { OPENAI_MOCK_API_KEY, samplePosterJpeg } from "@streamline/fakes/providers";
import { describe, expect, it } from "vitest";
import { bigPng, captionHarness, failureOf, OPENAI_BASE } from "./test-harness";
import type { CaptionInput } from "./types";

const h = captionHarness();

async function imageInput(extra: Partial<CaptionInput> = {}): Promise<CaptionInput> {
  return {
    model: "gpt-6.1-terra",
    platforms: ["instagram", "youtube", "x"],
    media: { type: "image", images: [{ data: await bigPng(), mimeType: "image/png" }] },
    prompt: "A ceramic coffee mug on a sunny kitchen table",
    tone: "playful",
    language: "English",
    hashtags: true,
    callToAction: "Shop the link in bio",
    assetId: "asset-42",
    ...extra,
  };
}

describe("OpenAI captions (Responses API)", () => {
  it("sends one responses.parse request with the image attached and a strict schema of exactly the platforms", async () => {
    const result = await h.captioner().caption(await imageInput());
    expect(h.openai.requests).toHaveLength(1);
    const [request] = h.openai.requests;
    expect(request?.path).toBe("/v1/responses");
    expect(request?.authorized).toBe(true);
    const body = request?.json;
    expect(body.model).toBe("gpt-6.1-terra");
    expect(body.store).toBe(false);
    expect(body.temperature).toBeUndefined();
    expect(body.input).toHaveLength(1);
    const [message] = body.input;
    expect(message.role).toBe("user");
    expect(message.content.map((p: any) => p.type)).toEqual(["input_text", "input_image"]);
    expect(message.content[0].text).toContain(
      "<prompt>A ceramic coffee mug on a sunny kitchen table</prompt>",
    );
    expect(message.content[0].text).toContain("Tone: playful.");
    expect(message.content[0].text).toContain("<cta>Shop the link in bio</cta>");
    const image = message.content[1];
    expect(image.detail).toBe("high");
    expect(image.image_url).toMatch(/^data:image\/jpeg;base64,/);
    // The mock decoded the data URL: a real JPEG, downscaled from 2400x1600 to 1024 on the long side.
    expect(request?.images).toEqual([
      expect.objectContaining({ mimeType: "image/jpeg", format: "jpeg", width: 1024, height: 683 }),
    ]);
    const format = body.text.format;
    expect(format).toMatchObject({ type: "json_schema", name: "captions", strict: true });
    expect(format.schema.required).toEqual(["instagram", "youtube", "x"]);
    expect(Object.keys(format.schema.properties)).toEqual(["instagram", "youtube", "x"]);
    expect(format.schema.additionalProperties).toBe(false);
    expect(format.schema.properties.youtube.required).toEqual(["title", "description", "hashtags"]);
    expect(format.schema.properties.instagram.required).toEqual(["text", "hashtags"]);

    expect(Object.keys(result.captions)).toEqual(["instagram", "youtube", "x"]);
    expect(result.captions.instagram?.text).toContain("A ceramic coffee mug");
    expect(result.captions.youtube?.title).toContain("[Demo]");
    expect(result.captions.x?.hashtags).toContain("ceramic");
    expect(result.model).toBe("gpt-6.1-terra");
    expect(h.logs).toEqual([]);
  });

  it("turns usage into cost with the catalog price ($1 / $5 per million)", async () => {
    const result = await h.captioner().caption(await imageInput());
    const { inputTokens, outputTokens } = result.usage;
    expect(inputTokens).toBeGreaterThan(765); // one image at least
    expect(outputTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((inputTokens * 1 + outputTokens * 5) / 1e6, 10);
    const luna = await h.captioner().caption(await imageInput({ model: "gpt-6-luna" }));
    expect(luna.costUsd).toBeCloseTo(
      (luna.usage.inputTokens * 0.1 + luna.usage.outputTokens * 0.5) / 1e6,
      10,
    );
    const sol = await h.captioner().caption(await imageInput({ model: "gpt-6.2-sol" }));
    expect(sol.costUsd).toBeNull(); // no published price: unknown, not zero
  });

  it("leaves hashtags out when turned off", async () => {
    const result = await h
      .captioner()
      .caption(await imageInput({ hashtags: false, callToAction: undefined }));
    expect(result.captions.instagram?.hashtags).toEqual([]);
    const text = h.openai.requests[0]?.json.input[0].content[0].text;
    expect(text).toContain("Hashtags: none");
    expect(text).not.toContain("<cta>");
  });

  it("attaches a video's poster and frames as low-detail images (no video input on OpenAI)", async () => {
    const frame = { data: samplePosterJpeg, mimeType: "image/jpeg" };
    const video = { data: new Uint8Array(1000), mimeType: "video/mp4" };
    await h
      .captioner()
      .caption(
        await imageInput({ media: { type: "video", images: [frame, frame, frame, frame], video } }),
      );
    const content = h.openai.requests[0]?.json.input[0].content;
    expect(content.map((p: any) => p.type)).toEqual([
      "input_text",
      ...Array(4).fill("input_image"),
    ]);
    expect(content.slice(1).every((p: any) => p.detail === "low")).toBe(true);
    expect(content[0].text).toContain("video frames");
    expect(h.openai.requests[0]?.images.every((i) => i.format === "jpeg")).toBe(true);
  });

  it("waits out retry-after on a 429, then succeeds", async () => {
    h.openai.failNext({ status: 429, headers: { "retry-after": "0.2" } });
    const began = performance.now();
    await h.captioner().caption(await imageInput());
    expect(performance.now() - began).toBeGreaterThanOrEqual(195);
    expect(h.openai.requests).toHaveLength(2);
    expect(h.logs).toEqual([]);
  });

  it("gives up after exactly 3 attempts on 500s with PROVIDER_UNAVAILABLE and one redacted log line", async () => {
    h.openai.failNext({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const error = await failureOf(h.captioner().caption(await imageInput()));
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(h.openai.requests).toHaveLength(3);
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).toMatch(
      /^\[MediaGen\] Error: openai gpt-6\.1-terra PROVIDER_UNAVAILABLE .* \(asset asset-42\)$/,
    );
    expect(h.logs[0]).not.toContain(OPENAI_MOCK_API_KEY);
  });

  it("never re-sends after a timeout (the call is billed)", async () => {
    h.openai.failNext({ delayMs: 500 });
    const error = await failureOf(h.captioner({ timeoutMs: 100 }).caption(await imageInput()));
    expect(error.code).toBe("TIMEOUT");
    expect(h.openai.requests).toHaveLength(1);
    expect(h.logs).toHaveLength(1);
  });

  it("never re-sends after a dropped connection", async () => {
    h.openai.failNext({ networkError: true });
    const error = await failureOf(h.captioner().caption(await imageInput()));
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(h.openai.requests).toHaveLength(1);
  });

  it.each([
    ["malformed JSON", { malformed: true } as const, /malformed/],
    [
      "JSON cut off (incomplete)",
      { truncated: true } as const,
      /stopped before the JSON was complete/,
    ],
  ])("maps %s to PROVIDER_ERROR with a clear message", async (_name, failure, message) => {
    h.openai.failNext(failure);
    const error = await failureOf(h.captioner().caption(await imageInput()));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.message).toMatch(message);
    expect(h.openai.requests).toHaveLength(1);
    expect(h.logs).toHaveLength(1);
  });

  it("maps a refusal to CONTENT_REJECTED", async () => {
    h.openai.failNext({ refusal: "I can't help with that." });
    const error = await failureOf(h.captioner().caption(await imageInput()));
    expect(error.code).toBe("CONTENT_REJECTED");
    expect(error.message).toContain("I can't help with that.");
  });

  it("maps a 401 to PROVIDER_AUTH without echoing the key", async () => {
    const error = await failureOf(
      h
        .captioner({
          openai: {
            apiKey: "sk-wrong-key-123456789",
            baseURL: OPENAI_BASE,
            logger: (l) => h.logs.push(l),
          },
        })
        .caption(await imageInput()),
    );
    expect(error.code).toBe("PROVIDER_AUTH");
    expect(h.logs.join()).not.toContain("sk-wrong");
  });

  it.each([
    ["retired by the clock", "gpt-5", {}],
    [
      "deprecated, past its shutdown date",
      "gpt-4o",
      { now: () => new Date("2027-01-14T00:00:00Z") },
    ],
    ["turned off by the operator", "gpt-6.1-terra", { disabledModels: new Set(["gpt-6.1-terra"]) }],
    ["unknown", "gpt-9000", {}],
  ])("refuses a model %s before any request", async (_why, model, extra) => {
    const now = () => new Date("2026-12-11T08:00:00Z");
    const error = await failureOf(
      h.captioner({ now, ...extra }).caption(await imageInput({ model })),
    );
    expect(error.code).toBe("MODEL_UNAVAILABLE");
    expect(h.openai.requests).toHaveLength(0);
    expect(h.logs).toHaveLength(1);
  });

  it("still serves a deprecated model before its shutdown date", async () => {
    const result = await h.captioner().caption(await imageInput({ model: "gpt-4o" }));
    expect(result.model).toBe("gpt-4o");
  });

  it("refuses bad input before any request, naming the field", async () => {
    const long = await failureOf(
      h.captioner().caption(await imageInput({ instructions: "x".repeat(501) })),
    );
    expect(long.code).toBe("INVALID_REQUEST");
    expect(long.message).toContain("instructions");
    const none = await failureOf(h.captioner().caption(await imageInput({ platforms: [] })));
    expect(none.code).toBe("INVALID_REQUEST");
    const noMedia = await failureOf(
      h.captioner().caption(
        await imageInput({
          media: {
            type: "video",
            images: [],
            video: { data: new Uint8Array(10), mimeType: "video/mp4" },
          },
        }),
      ),
    );
    expect(noMedia.message).toMatch(/takes no video/);
    expect(h.openai.requests).toHaveLength(0);
  });

  it("shortens one caption in one call", async () => {
    const text =
      "A long caption about a ceramic coffee mug that goes on and on about mornings and sunlight";
    const result = await h.captioner().shorten({
      model: "gpt-6.1-terra",
      platform: "x",
      text,
      limit: 40,
      unit: "characters as X counts them (URLs 23, most emoji 2)",
    });
    expect(h.openai.requests).toHaveLength(1);
    const body = h.openai.requests[0]?.json;
    expect(body.text.format.name).toBe("shortened_caption");
    expect(body.text.format.schema.required).toEqual(["text"]);
    expect(body.input[0].content).toHaveLength(1);
    expect(body.input[0].content[0].text).toContain("at most 40 characters as X counts them");
    expect(result.text.length).toBeLessThanOrEqual(40);
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it("answers PROVIDER_AUTH when OpenAI is not configured", async () => {
    const error = await failureOf(h.captioner({ openai: undefined }).caption(await imageInput()));
    expect(error.code).toBe("PROVIDER_AUTH");
    expect(error.message).toContain("OPENAI_API_KEY");
  });
});

describe("Responses API mock", () => {
  it("refuses a strict schema that a real strict schema would not be (missing additionalProperties)", async () => {
    const { getResponse } = await import("msw");
    const response = await getResponse(
      h.openai.handlers,
      new Request(`${OPENAI_BASE}/responses`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${OPENAI_MOCK_API_KEY}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          model: "gpt-6.1-terra",
          input: "hi",
          text: {
            format: {
              type: "json_schema",
              name: "captions",
              strict: true,
              schema: { type: "object", properties: { x: { type: "string" } }, required: ["x"] },
            },
          },
        }),
      }),
    );
    expect(response?.status).toBe(400);
    const body = (await response?.json()) ?? {};
    expect(body.error.message).toContain("additionalProperties");
  });
});
