// The offline demo's video: the prompt over moving imagery (a soft colour field panned across the
// frame with its hue turning), at the asked size and duration, H.264 + AAC (silent) in an MP4 with
// the index first. Drawn with sharp (the background and the text, as PNGs: sharp renders SVG text,
// and the bundled static ffmpeg is not guaranteed a font file) and put in motion by the ffmpeg that
// @streamline/storage already bundles (@ffmpeg-installer/ffmpeg). Each PNG is decoded once and
// repeated by the `loop` filter: 8 s at 720×1280 takes ~1 s of CPU (decoding a looped PNG input per
// frame took ~4.5 s).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFfmpeg } from "@streamline/storage";
import sharp from "sharp";
import { escapeXml, wrap } from "./text";

export interface DemoVideoRequest {
  prompt: string;
  width: number;
  height: number;
  seconds: number;
}

const FPS = 24;
const TIMEOUT_MS = 120_000;

/** One render at a time: a burst of demo variants must not take both cores from the server. */
let queue: Promise<unknown> = Promise.resolve();

export function renderDemoVideo(request: DemoVideoRequest): Promise<Uint8Array> {
  const run = queue.then(() => render(request));
  queue = run.catch(() => undefined);
  return run;
}

async function render({ prompt, width, height, seconds }: DemoVideoRequest): Promise<Uint8Array> {
  const ffmpeg = findFfmpeg();
  if (!ffmpeg.path) throw new Error(ffmpeg.reason);
  // Even sizes (yuv420p); the providers' sizes already are.
  const w = width - (width % 2);
  const h = height - (height % 2);
  const dir = await mkdtemp(join(tmpdir(), "streamline-demo-video-"));
  try {
    const [background, text, out] = ["background.png", "text.png", "out.mp4"].map((f) =>
      join(dir, f),
    ) as [string, string, string];
    await Promise.all([
      writeFile(
        background,
        await sharp(Buffer.from(backgroundSvg(w, h)))
          .png()
          .toBuffer(),
      ),
      writeFile(
        text,
        await sharp(Buffer.from(textSvg(prompt, w, h)))
          .png()
          .toBuffer(),
      ),
    ]);
    await runFfmpeg(ffmpeg.path, ffmpegArgs({ background, text, out, w, h, seconds }));
    return new Uint8Array(await readFile(out));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A colour field half as large again as the frame, so the frame can travel across it. */
function backgroundSvg(w: number, h: number): string {
  const [bw, bh] = [Math.round(w * 1.5), Math.round(h * 1.5)];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${bw}" height="${bh}">
  <defs>
    <radialGradient id="a" cx="0.28" cy="0.3" r="0.55"><stop offset="0" stop-color="#ff9a5a"/><stop offset="1" stop-color="#ff9a5a" stop-opacity="0"/></radialGradient>
    <radialGradient id="b" cx="0.72" cy="0.7" r="0.55"><stop offset="0" stop-color="#4ad9e0"/><stop offset="1" stop-color="#4ad9e0" stop-opacity="0"/></radialGradient>
    <radialGradient id="c" cx="0.75" cy="0.2" r="0.35"><stop offset="0" stop-color="#f5d76e"/><stop offset="1" stop-color="#f5d76e" stop-opacity="0"/></radialGradient>
  </defs>
  <rect width="100%" height="100%" fill="#2a1f6e"/>
  <rect width="100%" height="100%" fill="url(#a)"/>
  <rect width="100%" height="100%" fill="url(#b)"/>
  <rect width="100%" height="100%" fill="url(#c)"/>
</svg>`;
}

/** The prompt, centred and wrapped, with a shadow to read on any colour, and the demo label. */
function textSvg(prompt: string, w: number, h: number): string {
  const fontSize = Math.max(16, Math.round(Math.min(w, h) / 16));
  const lines = wrap(prompt, Math.max(12, Math.floor((w * 0.84) / (fontSize * 0.55))), 8);
  const tspans = lines
    .map((l, i) => `<tspan x="50%" dy="${i === 0 ? 0 : 1.3}em">${escapeXml(l)}</tspan>`)
    .join("");
  const top = h / 2 - ((lines.length - 1) * fontSize * 1.3) / 2;
  const label = Math.round(fontSize * 0.7);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <defs><filter id="s"><feDropShadow dx="0" dy="2" stdDeviation="3" flood-color="#000" flood-opacity="0.6"/></filter></defs>
  <text x="50%" y="${top}" text-anchor="middle" font-family="sans-serif" font-weight="bold" font-size="${fontSize}" fill="#fff" filter="url(#s)">${tspans}</text>
  <text x="${label}" y="${h - label}" font-family="sans-serif" font-weight="bold" font-size="${label}" fill="#fff" fill-opacity="0.85" filter="url(#s)">DEMO · Streamline AI Studio</text>
</svg>`;
}

function ffmpegArgs(p: {
  background: string;
  text: string;
  out: string;
  w: number;
  h: number;
  seconds: number;
}): string[] {
  const frames = Math.max(1, Math.round(p.seconds * FPS));
  // Decoded once, repeated `frames` times, timed at FPS.
  const still = `loop=loop=${frames - 1}:size=1:start=0,setpts=N/${FPS}/TB`;
  const graph = [
    `[0:v]format=yuv420p,${still},crop=${p.w}:${p.h}:x='(iw-ow)/2*(1+sin(t*0.7))':y='(ih-oh)/2*(1+cos(t*0.5))',hue=h=t*20[bg]`,
    `[1:v]format=yuva420p,${still}[fg]`,
    // The text drifts gently over the moving field.
    `[bg][fg]overlay=x=0:y='${Math.round(p.h / 60)}*sin(t*1.3)':format=yuv420[v]`,
  ].join(";");
  return [
    ...["-hide_banner", "-nostdin", "-loglevel", "error", "-y"],
    ...["-i", p.background, "-i", p.text],
    ...["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo"],
    ...["-filter_complex", graph, "-map", "[v]", "-map", "2:a"],
    ...["-t", String(p.seconds), "-r", String(FPS)],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-pix_fmt", "yuv420p"],
    ...["-c:a", "aac", "-b:a", "32k", "-movflags", "+faststart", "-shortest", p.out],
  ];
}

function runFfmpeg(path: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ["ignore", "ignore", "pipe"], timeout: TIMEOUT_MS });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`ffmpeg failed (${signal ?? code}): ${stderr.trim().slice(0, 500)}`)),
    );
  });
}
