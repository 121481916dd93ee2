import { createOpenAIMock, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateMedia } from "./generate";
import { createMediaProviders } from "./registry";

const openai = createOpenAIMock({ videoPollsToComplete: 2 });
const server = setupServer(...openai.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterAll(() => server.close());

const providers = createMediaProviders({
  openai: {
    apiKey: OPENAI_MOCK_API_KEY,
    logger: () => {},
    retry: { minDelayMs: 1, maxDelayMs: 2 },
  },
  enabledModels: ["sora-2"],
});
const keep = async (media: { body: ReadableStream<Uint8Array> }) => {
  const bytes = new Uint8Array(await new Response(media.body).arrayBuffer());
  return { url: `memory://${bytes.byteLength}` };
};

describe("generateMedia, the one-call service", () => {
  it("returns the standardized response for an image and a polled video", async () => {
    const image = await generateMedia(
      providers,
      { model: "gpt-image-2", prompt: "Gummies", options: { size: "1024x1536" } },
      keep,
    );
    expect(image).toMatchObject({
      provider: "openai",
      type: "image",
      mimeType: "image/png",
      width: 1024,
      height: 1536,
    });
    expect(image.url).toMatch(/^memory:\/\/\d+$/);
    const video = await generateMedia(
      providers,
      {
        model: "sora-2",
        prompt: "Selfie review",
        options: { seconds: 4 },
        poll: { minIntervalMs: 1, maxIntervalMs: 2 },
      },
      keep,
    );
    expect(video).toMatchObject({ type: "video", mimeType: "video/mp4", durationSeconds: 4 });
  });

  it("refuses invalid options and retired models before any request", async () => {
    const before = openai.requests.length;
    await expect(
      generateMedia(
        providers,
        { model: "gpt-image-2", prompt: "x", options: { size: "1x1" } },
        keep,
      ),
    ).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(
      generateMedia(providers, { model: "gpt-image-1", prompt: "x" }, keep),
    ).rejects.toMatchObject({ code: "MODEL_UNAVAILABLE" });
    expect(openai.requests.length).toBe(before);
  });
});
