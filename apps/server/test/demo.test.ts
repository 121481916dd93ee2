// Offline demo mode: the real SDK code paths against the built-in provider mocks, no network.
import { inspectVideo } from "@streamline/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderDemoVideo } from "../src/demo/video";
import { collectEvents, startTestServer, type TestServer } from "./harness";

type Event = { status: string; progress: number };

describe("offline demo mode", () => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await startTestServer("pglite", {
      OPENAI_API_KEY: "",
      GEMINI_API_KEY: "",
      MEDIA_DEMO: "1",
      MEDIA_ENABLE_MODELS: "",
    });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it("generates a labelled demo image and video without any provider key", async () => {
    const client = demo.client("demo-user");
    expect(await client.health.query()).toEqual({ ok: true, demo: true });
    const models = await client.media.models.query();
    expect(models.find((m) => m.id === "gemini-3.1-flash-image")?.available).toBe(true);
    for (const input of [
      {
        type: "image" as const,
        model: "gemini-3.1-flash-image",
        prompt: "Creatine gummies in a gym bag",
      },
      {
        type: "video" as const,
        model: "gemini-omni-1.1-flash",
        prompt: "Selfie review of the gummies",
      },
    ]) {
      const { asset } = await client.media.generate.mutate(input);
      expect(asset.demo).toBe(true);
      await collectEvents<Event>(
        (h) => client.media.onProgress.subscribe({ assetId: asset.id }, h),
        (events) => events.some((e) => e.status === "succeeded" || e.status === "failed"),
        60_000,
      );
      const done = await client.media.byId.query({ id: asset.id });
      expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
      const file = await fetch(`${demo.url}${done.resultUrl}`);
      expect(file.headers.get("content-type")).toBe(
        input.type === "image" ? "image/png" : "video/mp4",
      );
      expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(1_000);
      if (input.type === "video") {
        // Omni hands out no poster frame: one is cut from the stored video.
        expect(done.thumbnailUrl).toMatch(/^\/media\/thumb\/.+\.jpg$/);
        const poster = await fetch(`${demo.url}${done.thumbnailUrl}`);
        expect(poster.headers.get("content-type")).toBe("image/jpeg");
      }
    }
  }, 90_000);

  it("renders the demo video at the asked size and duration (Omni, 9:16 720p 8 s)", async () => {
    const client = demo.client("demo-video-user");
    const asked = {
      type: "video" as const,
      model: "gemini-omni-1.1-flash",
      prompt: "A skateboarder jumps over a fountain at golden hour",
      options: { durationSeconds: 8, aspectRatio: "9:16", resolution: "720p" },
    };
    const { asset } = await client.media.generate.mutate(asked);
    await collectEvents<Event>(
      (h) => client.media.onProgress.subscribe({ assetId: asset.id }, h),
      (events) => events.some((e) => e.status === "succeeded" || e.status === "failed"),
      60_000,
    );
    const done = await client.media.byId.query({ id: asset.id });
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    const file = new Uint8Array(await (await fetch(`${demo.url}${done.resultUrl}`)).arrayBuffer());
    const { info } = await inspectVideo(file);
    expect(info?.width).toBe(720);
    expect(info?.height).toBe(1280);
    expect(info?.durationSeconds).toBeGreaterThanOrEqual(7.9);
    expect(info?.durationSeconds).toBeLessThanOrEqual(8.2);
  }, 90_000);

  it("renders landscape and short clips too (the renderer on its own)", async () => {
    const mp4 = await renderDemoVideo({
      prompt: "Waves & <tags>",
      width: 1280,
      height: 720,
      seconds: 4,
    });
    const { info } = await inspectVideo(mp4);
    expect(info).toMatchObject({ width: 1280, height: 720 });
    expect(info?.durationSeconds).toBeGreaterThanOrEqual(3.9);
    expect(info?.durationSeconds).toBeLessThanOrEqual(4.2);
  }, 60_000);

  it("never turns on when a real key is set; default models follow the environment", async () => {
    const live = await startTestServer("pglite", {
      MEDIA_DEMO: "1",
      GEMINI_IMAGE_MODEL: "gemini-3-pro-image",
    });
    try {
      expect(await live.client().health.query()).toEqual({ ok: true, demo: false });
      const defaults = (await live.client().media.models.query()).filter((m) => m.isDefault);
      expect(defaults.map((m) => m.id).sort()).toEqual(
        ["gemini-3-pro-image", "gemini-omni-1.1-flash", "gpt-image-2", "sora-2"].sort(),
      );
    } finally {
      await live.close();
    }
    await expect(
      startTestServer("pglite", { OPENAI_IMAGE_MODEL: "gemini-3-pro-image" }),
    ).rejects.toThrow(/default openai image model "gemini-3-pro-image"/);
  });
});
