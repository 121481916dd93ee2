// A video's size and duration read from its MP4/MOV header in process (issue 18, decision 6): no
// ffmpeg child — spawning one costs ~13 ms of the event loop per video — when all we need is what
// the `moov` box says. Reads the box headers from the file (skipping `mdat` unread), then only the
// `moov` box: `mvhd` for the duration, and the first video track's sample entry (the coded size
// ffmpeg reports) turned by its `tkhd` matrix (a 90° / 270° rotation swaps width and height, as
// ffmpeg's displaymatrix does). Anything unexpected answers null and the caller asks ffmpeg.
import { open } from "node:fs/promises";
import type { VideoInfo } from "./video-poster";

/** Larger `moov` boxes are left to ffmpeg (an hour-long video's index is a few MB). */
const MAX_MOOV_BYTES = 16 * 1024 * 1024;

type Box = { type: string; start: number; end: number; body: number };

/** The boxes in `buf` between `from` and `to` (header sizes: 32-bit, 64-bit, to the end). */
function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString("latin1", at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) return;
    yield { type, start: at, end: at + size, body: at + header };
    at += size;
  }
}

const child = (buf: Buffer, parent: Box, type: string) => {
  for (const box of boxes(buf, parent.body, parent.end)) if (box.type === type) return box;
  return undefined;
};

/** Where the file's `moov` box is, reading only box headers (mdat is skipped, never read). */
async function findMoov(path: string): Promise<Buffer | null> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(16);
    let at = 0;
    while (at + 8 <= size) {
      const { bytesRead } = await file.read(head, 0, 16, at);
      if (bytesRead < 8) return null;
      let boxSize = head.readUInt32BE(0);
      const type = head.toString("latin1", 4, 8);
      if (boxSize === 1) {
        if (bytesRead < 16) return null;
        boxSize = Number(head.readBigUInt64BE(8));
      } else if (boxSize === 0) boxSize = size - at;
      if (boxSize < 8 || at + boxSize > size) return null;
      if (type === "moov") {
        if (boxSize > MAX_MOOV_BYTES) return null;
        const moov = Buffer.alloc(boxSize);
        const read = await file.read(moov, 0, boxSize, at);
        return read.bytesRead === boxSize ? moov : null;
      }
      at += boxSize;
    }
    return null;
  } finally {
    await file.close();
  }
}

/** The duration in seconds from `mvhd` (version 0: 32-bit fields, 1: 64-bit). */
function movieDuration(buf: Buffer, mvhd: Box): number | null {
  const version = buf.readUInt8(mvhd.body);
  const timescale =
    version === 1 ? buf.readUInt32BE(mvhd.body + 20) : buf.readUInt32BE(mvhd.body + 12);
  const duration =
    version === 1 ? Number(buf.readBigUInt64BE(mvhd.body + 24)) : buf.readUInt32BE(mvhd.body + 16);
  return timescale > 0 ? duration / timescale : null;
}

/** Whether a track's `tkhd` matrix turns it by 90° or 270° (its a and d are 0). */
function quarterTurn(buf: Buffer, tkhd: Box): boolean {
  const version = buf.readUInt8(tkhd.body);
  // version, flags, times and ids, reserved, layer, group, volume, reserved, then the matrix.
  const matrix = tkhd.body + (version === 1 ? 52 : 40);
  if (matrix + 36 > tkhd.end) return false;
  const a = buf.readInt32BE(matrix);
  const b = buf.readInt32BE(matrix + 4);
  const d = buf.readInt32BE(matrix + 16);
  return a === 0 && d === 0 && b !== 0;
}

/** The first video track's coded size (its visual sample entry) and whether it is turned. */
function videoTrack(buf: Buffer, moov: Box): { width: number; height: number } | null {
  for (const trak of boxes(buf, moov.body, moov.end)) {
    if (trak.type !== "trak") continue;
    const mdia = child(buf, trak, "mdia");
    const hdlr = mdia && child(buf, mdia, "hdlr");
    if (!mdia || !hdlr || buf.toString("latin1", hdlr.body + 8, hdlr.body + 12) !== "vide") {
      continue;
    }
    const minf = child(buf, mdia, "minf");
    const stbl = minf && child(buf, minf, "stbl");
    const stsd = stbl && child(buf, stbl, "stsd");
    if (!stsd) return null;
    // stsd: version/flags, entry count, then the first sample entry (a box); a visual sample
    // entry has 8 bytes of SampleEntry, 16 of pre-defined/reserved, then width and height.
    const [entry] = boxes(buf, stsd.body + 8, stsd.end);
    if (!entry || entry.body + 28 > entry.end) return null;
    let width = buf.readUInt16BE(entry.body + 24);
    let height = buf.readUInt16BE(entry.body + 26);
    const tkhd = child(buf, trak, "tkhd");
    if (tkhd && quarterTurn(buf, tkhd)) [width, height] = [height, width];
    return width > 0 && height > 0 ? { width, height } : null;
  }
  return null;
}

/** Size and duration from an MP4/MOV file's header, or null (not one, or not readable here). */
export async function readMp4Info(path: string): Promise<VideoInfo | null> {
  try {
    const buf = await findMoov(path);
    if (!buf) return null;
    const [moov] = boxes(buf, 0, buf.length);
    if (moov?.type !== "moov") return null;
    const mvhd = child(buf, moov, "mvhd");
    const durationSeconds = mvhd ? movieDuration(buf, mvhd) : null;
    const track = videoTrack(buf, moov);
    if (!track || durationSeconds === null) return null;
    return { ...track, durationSeconds };
  } catch {
    return null;
  }
}
