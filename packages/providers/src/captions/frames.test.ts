import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { SAMPLE_VIDEO, sampleVideoMp4 } from "@streamline/fakes/providers";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { FRAME_POOL_SIZE, videoFramesForCaption } from "./frames";

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

describe("the frame pool", () => {
  it("cuts frames of at most FRAME_POOL_SIZE videos at once, however many captions ask", async () => {
    // A stand-in ffmpeg that logs when each run starts and ends, so overlap can be counted.
    const dir = await mkdtemp(join(tmpdir(), "frames-pool-"));
    const log = join(dir, "log");
    const fake = join(dir, "ffmpeg");
    await writeFile(
      fake,
      `#!/bin/sh\necho start >> "${log}"\nsleep 0.2\necho end >> "${log}"\nprintf 'Duration: 00:00:04.00' >&2\nexit 1\n`,
    );
    await chmod(fake, 0o755);
    try {
      const runs = Array.from({ length: 6 }, () =>
        videoFramesForCaption("/nonexistent.mp4", {
          count: 1,
          durationSeconds: 4,
          ffmpegPath: fake,
        }),
      );
      await Promise.all(runs);
      let running = 0;
      let most = 0;
      for (const line of (await readFile(log, "utf8")).trim().split("\n")) {
        running += line === "start" ? 1 : -1;
        most = Math.max(most, running);
      }
      expect(most).toBeLessThanOrEqual(FRAME_POOL_SIZE);
      expect(most).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
