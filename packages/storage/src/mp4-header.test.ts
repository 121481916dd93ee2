// The MP4 header reader against ffmpeg's own reading of the same files (the bundled sample, a copy
// turned by 90° through its display matrix, one with the index before the media), and its refusals.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMp4Info } from "./mp4-header";
import { findFfmpeg, inspectVideo } from "./video-poster";

const sampleVideo = fileURLToPath(
  new URL("../../fakes/src/providers/fixtures/sample-video.mp4", import.meta.url),
);
const ffmpeg = findFfmpeg().path;

describe("readMp4Info", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "mp4-header-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the size and duration ffmpeg reads", async () => {
    const mine = await readMp4Info(sampleVideo);
    const theirs = (await inspectVideo(sampleVideo, { probe: "ffmpeg" })).info;
    expect(mine).not.toBeNull();
    expect(mine?.width).toBe(theirs?.width);
    expect(mine?.height).toBe(theirs?.height);
    expect(Math.abs((mine?.durationSeconds ?? 0) - (theirs?.durationSeconds ?? 0))).toBeLessThan(
      0.05,
    );
  });

  it.skipIf(!ffmpeg)(
    "swaps width and height for a turned track, and reads a faststart file",
    async () => {
      const run = promisify(execFile);
      const turned = path.join(dir, "turned.mp4");
      await run(ffmpeg as string, [
        "-y",
        "-i",
        sampleVideo,
        "-c",
        "copy",
        "-metadata:s:v:0",
        "rotate=90",
        turned,
      ]);
      const fast = path.join(dir, "fast.mp4");
      await run(ffmpeg as string, [
        "-y",
        "-i",
        sampleVideo,
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        fast,
      ]);
      for (const file of [turned, fast]) {
        const theirs = (await inspectVideo(file, { probe: "ffmpeg" })).info;
        expect(await readMp4Info(file), file).toEqual({
          width: theirs?.width,
          height: theirs?.height,
          durationSeconds: expect.closeTo(theirs?.durationSeconds ?? 0, 1),
        });
      }
      expect((await readMp4Info(turned))?.width).toBe((await readMp4Info(fast))?.height);
    },
  );

  it("answers null for what is not an MP4 or is cut short", async () => {
    const text = path.join(dir, "text.mp4");
    await writeFile(text, "not a video at all");
    expect(await readMp4Info(text)).toBeNull();
    const cut = path.join(dir, "cut.mp4");
    const bytes = await readFile(sampleVideo);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const half = await readMp4Info(cut);
    // Cut before its index (moov at the end): nothing to read; never a wrong size.
    if (half) expect(half).toEqual(await readMp4Info(sampleVideo));
    expect(await readMp4Info(path.join(dir, "missing.mp4"))).toBeNull();
  });
});
