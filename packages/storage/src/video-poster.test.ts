import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createVideoPoster, findFfmpeg, inspectVideo, parseVideoInfo } from "./video-poster";

// The providers package owns the fixture; read it by path rather than depend on that package.
const sampleVideo = fileURLToPath(
  new URL("../../fakes/src/providers/fixtures/sample-video.mp4", import.meta.url),
);

/** JPEG SOI marker, then the frame size from the first SOF0/SOF2 segment. */
function jpegSize(jpeg: Uint8Array): { width: number; height: number } {
  const bytes = Buffer.from(jpeg);
  expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  for (let offset = 2; offset < bytes.length; ) {
    const marker = bytes.readUInt16BE(offset);
    if (marker === 0xffc0 || marker === 0xffc2) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  throw new Error("no frame header");
}

describe("video poster", () => {
  it("finds the bundled ffmpeg", () => {
    expect(findFfmpeg().path).toMatch(/ffmpeg$/);
  });

  it("takes a JPEG frame from a video file", async () => {
    const poster = await createVideoPoster(sampleVideo);
    expect(poster.reason).toBeUndefined();
    expect(jpegSize(poster.jpeg ?? new Uint8Array())).toEqual({ width: 360, height: 640 });
  });

  it("takes a frame from bytes and from a stream (spooled to a temp file)", async () => {
    const bytes = new Uint8Array(await readFile(sampleVideo));
    const fromBytes = await createVideoPoster(bytes);
    expect(fromBytes.jpeg?.length).toBeGreaterThan(1000);
    const chunks = [bytes.subarray(0, 10_000), bytes.subarray(10_000)];
    const fromStream = await createVideoPoster(Readable.from(chunks.map((c) => Buffer.from(c))));
    expect(fromStream.jpeg?.length).toBeGreaterThan(1000);
  });

  it("falls back to the first frame when the clip is shorter than the poster time", async () => {
    const poster = await createVideoPoster(sampleVideo, { atSeconds: 60 });
    expect(poster.jpeg && jpegSize(poster.jpeg)).toEqual({ width: 360, height: 640 });
  });

  it("fails soft when ffmpeg is missing or the input is not a video", async () => {
    const missing = await createVideoPoster(sampleVideo, { ffmpegPath: "/nonexistent/ffmpeg" });
    expect(missing).toEqual({ jpeg: null, reason: expect.stringMatching(/not executable/) });
    const notVideo = await createVideoPoster(new TextEncoder().encode("not a video at all"));
    expect(notVideo.jpeg).toBeNull();
    expect(notVideo.reason).toMatch(/ffmpeg exited/);
  });

  it("reads a video's real size and duration from the file", async () => {
    const { info, poster } = await inspectVideo(sampleVideo);
    expect(poster).toBeNull();
    expect(info).toEqual({ width: 360, height: 640, durationSeconds: expect.any(Number) });
    expect(info?.durationSeconds).toBeGreaterThan(3);
    expect(info?.durationSeconds).toBeLessThan(5);
    const both = await inspectVideo(new Uint8Array(await readFile(sampleVideo)), { poster: true });
    expect(both.info?.width).toBe(360);
    expect(both.poster?.jpeg?.length).toBeGreaterThan(1000);
    expect((await inspectVideo(new TextEncoder().encode("no video"))).info).toBeNull();
  });

  it("swaps width and height for a rotated stream", () => {
    const text = `  Duration: 00:00:08.04, start: 0.000000, bitrate: 2000 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, progressive), 1280x720 [SAR 1:1 DAR 16:9], 30 fps
      Side data:
        displaymatrix: rotation of -90.00 degrees`;
    expect(parseVideoInfo(text)).toEqual({ width: 720, height: 1280, durationSeconds: 8.04 });
  });
});
