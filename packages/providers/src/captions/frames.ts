// A few JPEG frames of a video, for caption models that take no video (OpenAI) or a video too large
// to send inline. Same approach as @streamline/storage's poster frames: its bundled ffmpeg, the input
// spooled to a temp file (ffmpeg cannot seek a pipe), and a reason instead of a throw on any failure.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { findFfmpeg, type MediaBody, toNodeReadable } from "@streamline/storage";
import pLimit from "p-limit";

export interface VideoFrame {
  data: Uint8Array;
  mimeType: "image/jpeg";
  atSeconds: number;
}

export interface VideoFramesResult {
  frames: VideoFrame[];
  durationSeconds?: number | undefined;
  /** Set when fewer frames than asked for came out, with why. */
  reason?: string | undefined;
}

export interface VideoFramesOptions {
  count?: number | undefined;
  /** Skips probing when the caller knows it (asset rows record it). */
  durationSeconds?: number | undefined;
  ffmpegPath?: string | undefined;
  timeoutMs?: number | undefined;
}

const MAX_FRAME_BYTES = 10 * 1024 * 1024;

/**
 * How many videos have frames cut at once in this process. ffmpeg decoding is CPU-bound: 30
 * captions at once each running ffmpeg starved the server (its health check took 3 s), so every
 * extraction queues for one of these slots (p-limit) and the rest of the server keeps its cores.
 */
export const FRAME_POOL_SIZE = 2;
const framePool = pLimit(FRAME_POOL_SIZE);

/**
 * `count` frames spread evenly through the video (never the first, often a black fade-in). Runs in
 * the shared frame pool: at most FRAME_POOL_SIZE extractions at a time per process.
 */
export function videoFramesForCaption(
  video: string | MediaBody,
  options: VideoFramesOptions = {},
): Promise<VideoFramesResult> {
  return framePool(() => extractFrames(video, options));
}

async function extractFrames(
  video: string | MediaBody,
  options: VideoFramesOptions,
): Promise<VideoFramesResult> {
  const count = Math.max(1, Math.min(8, options.count ?? 3));
  const found = options.ffmpegPath ? { path: options.ffmpegPath } : findFfmpeg();
  if (found.path === null) return { frames: [], reason: found.reason };
  const timeoutMs = options.timeoutMs ?? 20_000;
  let spooled: string | undefined;
  try {
    let input: string;
    if (typeof video === "string") input = video;
    else {
      spooled = join(tmpdir(), `streamline-frames-${randomBytes(8).toString("hex")}.video`);
      input = spooled;
      await pipeline(toNodeReadable(video), createWriteStream(spooled, { flags: "wx" }));
    }
    const duration = options.durationSeconds ?? (await probeDuration(found.path, input, timeoutMs));
    const times = duration
      ? Array.from({ length: count }, (_, i) => round(((i + 1) * duration) / (count + 1)))
      : Array.from({ length: count }, (_, i) => i); // unknown length: one per second from the start
    const frames: VideoFrame[] = [];
    const reasons: string[] = [];
    for (const at of times) {
      const frame = await extractFrame(found.path, input, at, timeoutMs);
      if (frame.jpeg) frames.push({ data: frame.jpeg, mimeType: "image/jpeg", atSeconds: at });
      else reasons.push(`at ${at}s: ${frame.reason}`);
    }
    const reason = reasons.length ? `ffmpeg gave no frame ${reasons.join("; ")}` : undefined;
    return { frames, durationSeconds: duration, reason };
  } catch (error) {
    return { frames: [], reason: `Could not read the video: ${String(error)}` };
  } finally {
    if (spooled) await rm(spooled, { force: true });
  }
}

const round = (seconds: number) => Math.round(seconds * 100) / 100;

function run(
  ffmpeg: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: Buffer; stderr: string; overflow: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(ffmpeg, args, { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let overflow = false;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_FRAME_BYTES) {
        overflow = true;
        child.kill("SIGKILL");
      } else chunks.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    child.on("error", (error) =>
      resolve({ code: null, stdout: Buffer.alloc(0), stderr: error.message, overflow }),
    );
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr, overflow }));
  });
}

/** ffmpeg prints `Duration: 00:00:04.00` for `-i` alone (and exits 1: no output was named). */
async function probeDuration(ffmpeg: string, input: string, timeoutMs: number) {
  const { stderr } = await run(ffmpeg, ["-hide_banner", "-nostdin", "-i", input], timeoutMs);
  const m = /Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  if (!m) return undefined;
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return seconds > 0 ? seconds : undefined;
}

async function extractFrame(ffmpeg: string, input: string, at: number, timeoutMs: number) {
  const args = [
    ...["-hide_banner", "-loglevel", "error", "-nostdin"],
    ...["-ss", String(at), "-i", input], // before -i: a fast keyframe seek, then exact decoding
    ...["-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"],
  ];
  const { code, stdout, stderr, overflow } = await run(ffmpeg, args, timeoutMs);
  if (code === 0 && stdout.length > 0 && !overflow) return { jpeg: new Uint8Array(stdout) };
  return { jpeg: null, reason: overflow ? "frame too large" : stderr.trim() || `exit ${code}` };
}
