// A poster frame for videos whose provider hands back no thumbnail, made with the static ffmpeg
// binary from @ffmpeg-installer/ffmpeg. A missing poster must never fail a generation, so every
// failure (no binary for this platform, unreadable video, timeout) comes back as a reason.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { access, constants, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { type MediaBody, toNodeReadable } from "./media-storage";

export type VideoPosterResult =
  | { jpeg: Uint8Array; reason?: undefined }
  | { jpeg: null; reason: string };

export interface VideoPosterOptions {
  /** Where to take the frame; the first frames are often black fades, hence 0.5 s. */
  atSeconds?: number | undefined;
  /** Overrides the bundled binary (tests, or a system ffmpeg). */
  ffmpegPath?: string | undefined;
  timeoutMs?: number | undefined;
}

const MAX_POSTER_BYTES = 10 * 1024 * 1024;

/** The bundled binary's path, or why there is none; the package throws on import when missing. */
export function findFfmpeg():
  | { path: string; reason?: undefined }
  | { path: null; reason: string } {
  try {
    const installer = createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg") as {
      path: string;
    };
    return { path: installer.path };
  } catch (error) {
    return { path: null, reason: `ffmpeg is not available: ${String(error)}` };
  }
}

/**
 * A JPEG of one frame of `video` (a file path, bytes or a stream). Bytes and streams are spooled
 * to a temp file first: ffmpeg cannot seek a pipe, and MP4s with the index at the end need that.
 */
export async function createVideoPoster(
  video: string | MediaBody,
  options: VideoPosterOptions = {},
): Promise<VideoPosterResult> {
  const found = options.ffmpegPath ? { path: options.ffmpegPath } : findFfmpeg();
  if (found.path === null) return { jpeg: null, reason: found.reason };
  try {
    await access(found.path, constants.X_OK);
  } catch {
    return { jpeg: null, reason: `ffmpeg is not executable at ${found.path}` };
  }

  let spooled: string | undefined;
  try {
    let input: string;
    if (typeof video === "string") {
      input = video;
    } else {
      spooled = join(tmpdir(), `streamline-poster-${randomBytes(8).toString("hex")}.video`);
      input = spooled;
      await pipeline(toNodeReadable(video), createWriteStream(spooled, { flags: "wx" }));
    }
    const timeoutMs = options.timeoutMs ?? 20_000;
    const at = options.atSeconds ?? 0.5;
    const frame = await extractFrame(found.path, input, at, timeoutMs);
    if (frame.jpeg || at === 0) return frame;
    // A clip shorter than `at` has no frame there; its first frame is the next best thing.
    return await extractFrame(found.path, input, 0, timeoutMs);
  } catch (error) {
    return { jpeg: null, reason: `Could not read the video: ${String(error)}` };
  } finally {
    if (spooled) await rm(spooled, { force: true });
  }
}

function extractFrame(
  ffmpeg: string,
  input: string,
  atSeconds: number,
  timeoutMs: number,
): Promise<VideoPosterResult> {
  const args = [
    "-hide_banner",
    "-loglevel",
    "error",
    "-nostdin",
    // Before -i: a fast keyframe seek, then decoding up to the exact time.
    "-ss",
    String(atSeconds),
    "-i",
    input,
    "-frames:v",
    "1",
    "-f",
    "image2",
    "-c:v",
    "mjpeg",
    "-q:v",
    "3",
    "pipe:1",
  ];
  return new Promise((resolve) => {
    const child = spawn(ffmpeg, args, { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_POSTER_BYTES) child.kill("SIGKILL");
      else chunks.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString();
    });
    child.on("error", (error) =>
      resolve({ jpeg: null, reason: `ffmpeg failed: ${error.message}` }),
    );
    child.on("close", (code, signal) => {
      if (code === 0 && bytes > 0 && bytes <= MAX_POSTER_BYTES) {
        resolve({ jpeg: new Uint8Array(Buffer.concat(chunks)) });
      } else {
        const why = signal ? `was stopped (${signal})` : `exited with ${code}`;
        resolve({ jpeg: null, reason: `ffmpeg ${why}: ${stderr.trim() || "no frame"}` });
      }
    });
  });
}
