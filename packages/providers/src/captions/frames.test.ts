import { Readable } from "node:stream";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { SAMPLE_VIDEO, sampleVideoMp4 } from "../testing/fixtures";
import { videoFramesForCaption } from "./frames";

describe("videoFramesForCaption", () => {
  it("cuts 3 JPEG frames spread through a video given as a stream", async () => {
    const result = await videoFramesForCaption(Readable.from([Buffer.from(sampleVideoMp4)]), {
      count: 3,
    });
    expect(result.reason).toBeUndefined();
    expect(result.durationSeconds).toBeCloseTo(SAMPLE_VIDEO.durationSeconds, 0);
    expect(result.frames).toHaveLength(3);
    for (const [i, frame] of result.frames.entries()) expect(frame.atSeconds).toBeCloseTo(i + 1, 1);
    for (const frame of result.frames) {
      const meta = await sharp(frame.data).metadata();
      expect(meta).toMatchObject({
        format: "jpeg",
        width: SAMPLE_VIDEO.width,
        height: SAMPLE_VIDEO.height,
      });
    }
  });

  it("gives a reason instead of throwing for bytes that are not a video", async () => {
    const result = await videoFramesForCaption(new Uint8Array([1, 2, 3]), { count: 2 });
    expect(result.frames).toEqual([]);
    expect(result.reason).toBeTruthy();
  });
});
