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
import { readMp4Info } from "./mp4-header";

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

/** What a video file really holds, read from its container by ffmpeg. */
export interface VideoInfo {
  width: number;
  height: number;
  durationSeconds: number;
}

/**
 * A JPEG of one frame of `video` (a file path, bytes or a stream). Bytes and streams are spooled
 * to a temp file first: ffmpeg cannot seek a pipe, and MP4s with the index at the end need that.
 */
export async function createVideoPoster(
  video: string | MediaBody,
  options: VideoPosterOptions = {},
): Promise<VideoPosterResult> {
  const inspected = await inspectVideo(video, { ...options, poster: true });
  return inspected.poster ?? { jpeg: null, reason: "no poster" };
}

/**
 * Reads a video's real size and duration and, when asked, cuts a poster frame, spooling the video
 * once. Neither may fail a generation: what could not be read comes back as null with a reason.
 * The size and duration come from the MP4 header in process (mp4-header.ts) when it can be read —
 * no ffmpeg child at all when the provider gave a thumbnail — else from `ffmpeg -i`
 * (`probe: "ffmpeg"` forces it: tests and benchmarks compare the two).
 */
export async function inspectVideo(
  video: string | MediaBody,
  options: VideoPosterOptions & { poster?: boolean; probe?: "header" | "ffmpeg" } = {},
): Promise<{ info: VideoInfo | null; poster: VideoPosterResult | null; reason?: string }> {
  const refuse = (reason: string, info: VideoInfo | null = null) => ({
    info,
    poster: options.poster ? { jpeg: null, reason } : null,
    reason,
  });
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
    const header = options.probe === "ffmpeg" ? null : await readMp4Info(input);
    if (header && !options.poster) return { info: header, poster: null };
    const found = options.ffmpegPath ? { path: options.ffmpegPath } : findFfmpeg();
    if (found.path === null) return refuse(found.reason, header);
    try {
      await access(found.path, constants.X_OK);
    } catch {
      return refuse(`ffmpeg is not executable at ${found.path}`, header);
    }
    const timeoutMs = options.timeoutMs ?? 20_000;
    const info = header ?? (await probeVideo(found.path, input, timeoutMs));
    if (!options.poster) return { info, poster: null };
    const at = options.atSeconds ?? 0.5;
    let frame = await extractFrame(found.path, input, at, timeoutMs);
    // A clip shorter than `at` has no frame there; its first frame is the next best thing.
    if (!frame.jpeg && at !== 0) frame = await extractFrame(found.path, input, 0, timeoutMs);
    return { info, poster: frame };
  } catch (error) {
    return refuse(`Could not read the video: ${String(error)}`);
  } finally {
    if (spooled) await rm(spooled, { force: true });
  }
}

/** `ffmpeg -i` prints the container's duration and each stream's size (there is no ffprobe here). */
function probeVideo(ffmpeg: string, input: string, timeoutMs: number): Promise<VideoInfo | null> {
  return new Promise((resolve) => {
    const child = spawn(ffmpeg, ["-hide_banner", "-nostdin", "-i", input], {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: timeoutMs,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString();
    });
    child.on("error", () => resolve(null));
    child.on("close", () => resolve(parseVideoInfo(stderr)));
  });
}

/** Parses ffmpeg's stream summary; a 90°/270° display rotation swaps width and height. */
export function parseVideoInfo(text: string): VideoInfo | null {
  const duration = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(text);
  const size = /Stream #[^\n]*Video:[^\n]*?\b(\d{2,5})x(\d{2,5})\b/.exec(text);
  if (!duration || !size) return null;
  const seconds =
    Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number.parseFloat(duration[3] ?? "0");
  let width = Number(size[1]);
  let height = Number(size[2]);
  const rotation = /rotation of (-?\d+(?:\.\d+)?) degrees/.exec(text);
  if (rotation && Math.abs(Math.round(Number(rotation[1]))) % 180 === 90) {
    [width, height] = [height, width];
  }
  return { width, height, durationSeconds: Math.round(seconds * 100) / 100 };
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
