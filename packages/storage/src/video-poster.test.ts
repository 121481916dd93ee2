import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createVideoPoster, findFfmpeg } from "./video-poster";

// The providers package owns the fixture; read it by path rather than depend on that package.
const sampleVideo = fileURLToPath(
  new URL("../../providers/src/testing/fixtures/sample-video.mp4", import.meta.url),
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
});
