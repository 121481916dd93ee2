import { GOOGLE_MOCK_API_KEY, sampleVideoMp4 } from "@streamline/fakes/providers";
import { describe, expect, it } from "vitest";
import { bigPng, captionHarness, failureOf } from "./test-harness";
import type { CaptionInput } from "./types";

const h = captionHarness();

async function input(extra: Partial<CaptionInput> = {}): Promise<CaptionInput> {
  return {
    model: "gemini-3.8-flash",
    platforms: ["tiktok", "pinterest"],
    media: { type: "image", images: [{ data: await bigPng(1600, 2400), mimeType: "image/png" }] },
    prompt: "Sneakers splashing through a neon puddle",
    hashtags: true,
    assetId: "asset-9",
    ...extra,
  };
}

describe("Gemini captions (generateContent, JSON output)", () => {
  it("sends the image as inlineData JPEG ≤ 1024 px, JSON mime type + schema of exactly the platforms, thinking LOW", async () => {
    const result = await h.captioner().caption(await input());
    expect(h.google.requests).toHaveLength(1);
    const [request] = h.google.requests;
    expect(request?.path).toBe("/google/v1beta/models/gemini-3.8-flash:generateContent");
    expect(request?.authorized).toBe(true);
    const body = request?.json;
    const parts = body.contents[0].parts;
    expect(parts.map((p: any) => Object.keys(p)[0])).toEqual(["inlineData", "text"]);
    expect(parts[0].inlineData.mimeType).toBe("image/jpeg");
    expect(request?.inline).toEqual([
      expect.objectContaining({ format: "jpeg", width: 683, height: 1024 }),
    ]);
    expect(parts[1].text).toContain("<prompt>Sneakers splashing through a neon puddle</prompt>");
    const config = body.generationConfig;
    expect(config.responseMimeType).toBe("application/json");
    expect(config.responseJsonSchema.required).toEqual(["tiktok", "pinterest"]);
    expect(Object.keys(config.responseJsonSchema.properties)).toEqual(["tiktok", "pinterest"]);
    expect(config.responseJsonSchema.properties.pinterest.required).toEqual([
      "title",
      "description",
      "hashtags",
    ]);
    expect(config.responseJsonSchema.$schema).toBeUndefined();
    expect(config.thinkingConfig).toEqual({ thinkingLevel: "LOW" });
    for (const sampling of ["temperature", "topP", "topK"])
      expect(config[sampling]).toBeUndefined();

    expect(result.captions.tiktok?.text).toContain("Sneakers splashing");
    expect(result.captions.pinterest?.title).toContain("[Demo]");
    expect(result.captions.pinterest?.text).toContain("pinterest");
    // Thinking tokens are billed as output; gemini-3.8-flash has no published price here.
    expect(result.usage.outputTokens).toBeGreaterThan(64);
    expect(result.costUsd).toBeNull();
    expect(h.logs).toEqual([]);
  });

  it("sends a small video itself, inline, instead of frames", async () => {
    const poster = { data: await bigPng(640, 360), mimeType: "image/png" };
    await h.captioner().caption(
      await input({
        media: {
          type: "video",
          images: [poster],
          video: { data: sampleVideoMp4, mimeType: "video/mp4" },
        },
      }),
    );
    const parts = h.google.requests[0]?.json.contents[0].parts;
    expect(parts).toHaveLength(2);
    expect(parts[0].inlineData.mimeType).toBe("video/mp4");
    expect(
      Buffer.from(parts[0].inlineData.data, "base64").equals(Buffer.from(sampleVideoMp4)),
    ).toBe(true);
    expect(parts[1].text).toContain("the attached video.");
  });

  it("falls back to poster + frames for a video too large to send inline", async () => {
    const poster = { data: await bigPng(640, 360), mimeType: "image/png" };
    const huge = { data: new Uint8Array(21 * 1024 * 1024), mimeType: "video/mp4" };
    await h
      .captioner()
      .caption(await input({ media: { type: "video", images: [poster, poster], video: huge } }));
    const parts = h.google.requests[0]?.json.contents[0].parts;
    expect(parts.map((p: any) => p.inlineData?.mimeType ?? "text")).toEqual([
      "image/jpeg",
      "image/jpeg",
      "text",
    ]);
  });

  it("waits out retry-after on a 429, then succeeds", async () => {
    h.google.failNext({ status: 429, headers: { "retry-after": "0.2" } });
    const began = performance.now();
    await h.captioner().caption(await input());
    expect(performance.now() - began).toBeGreaterThanOrEqual(195);
    expect(h.google.requests).toHaveLength(2);
  });

  it("gives up after 3 attempts on 500s with PROVIDER_UNAVAILABLE and one log line", async () => {
    h.google.failNext({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const error = await failureOf(h.captioner().caption(await input()));
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(h.google.requests).toHaveLength(3);
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).toMatch(
      /^\[MediaGen\] Error: google gemini-3\.8-flash PROVIDER_UNAVAILABLE .*\(asset asset-9\)$/,
    );
  });

  it("never re-sends after a timeout", async () => {
    h.google.failNext({ delayMs: 500 });
    const error = await failureOf(h.captioner({ timeoutMs: 100 }).caption(await input()));
    expect(error.code).toBe("TIMEOUT");
    expect(h.google.requests).toHaveLength(1);
    expect(h.logs).toHaveLength(1);
  });

  it.each([
    ["malformed JSON", { malformed: true } as const, "PROVIDER_ERROR", /malformed/],
    ["JSON cut off (MAX_TOKENS)", { truncated: true } as const, "PROVIDER_ERROR", /MAX_TOKENS/],
    ["a safety stop", { refusal: true } as const, "CONTENT_REJECTED", /SAFETY/],
  ])("maps %s to a clear error, sent once", async (_name, failure, code, message) => {
    h.google.failNext(failure);
    const error = await failureOf(h.captioner().caption(await input()));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(h.google.requests).toHaveLength(1);
    expect(h.logs).toHaveLength(1);
  });

  it("maps a rejected key to PROVIDER_AUTH without logging it", async () => {
    const error = await failureOf(
      h
        .captioner({
          google: {
            apiKey: "AIzaWrongWrongWrongWrongWrong123",
            baseURL: "https://gemini.gateway.test/google",
            logger: (l) => h.logs.push(l),
          },
        })
        .caption(await input()),
    );
    expect(error.code).toBe("PROVIDER_AUTH");
    expect(h.logs.join()).not.toContain("AIzaWrong");
    expect(h.logs.join()).not.toContain(GOOGLE_MOCK_API_KEY);
  });

  it("shortens with one call", async () => {
    const result = await h.captioner().shorten({
      model: "gemini-3.8-flash",
      platform: "tiktok",
      text: "Sneakers splashing through a neon puddle at midnight while the city hums along",
      limit: 30,
      unit: "characters",
    });
    expect(h.google.requests).toHaveLength(1);
    expect(h.google.requests[0]?.json.generationConfig.responseJsonSchema.required).toEqual([
      "text",
    ]);
    expect(result.text.length).toBeLessThanOrEqual(30);
  });
});

describe("Gemini captions mock beside the media mock", () => {
  it("answers caption models and lets other models fall through to the next handler", async () => {
    const { getResponse } = await import("msw");
    const { createGoogleMock } = await import("@streamline/fakes/providers");
    const { createGoogleCaptionsMock } = await import("@streamline/fakes/providers");
    const base = "https://gemini.gateway.test/google";
    const handlers = [
      ...createGoogleCaptionsMock({ baseURL: base }).handlers,
      ...createGoogleMock({ baseURL: base }).handlers,
    ];
    const post = (model: string, body: unknown) =>
      getResponse(
        handlers,
        new Request(`${base}/v1beta/models/${model}:generateContent`, {
          method: "POST",
          headers: { "x-goog-api-key": GOOGLE_MOCK_API_KEY, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const caption = await post("gemini-3.8-flash", {
      contents: [{ role: "user", parts: [{ text: "<prompt>a red kite</prompt>" }] }],
      generationConfig: {
        responseMimeType: "application/json",
        responseJsonSchema: {
          type: "object",
          properties: { x: { type: "object", properties: { text: { type: "string" } } } },
        },
      },
    });
    const answer = await caption?.json();
    expect(JSON.parse(answer.candidates[0].content.parts[0].text)).toEqual({
      x: { text: "[Demo x caption] a red kite" },
    });
    const image = await post("gemini-3.1-flash-image", {
      contents: [{ role: "user", parts: [{ text: "a red kite" }] }],
      generationConfig: { responseModalities: ["TEXT", "IMAGE"] },
    });
    expect(image?.status).toBe(200);
    const drawn = await image?.json();
    expect(drawn.candidates[0].content.parts.some((p: any) => p.inlineData)).toBe(true);
  });
});
