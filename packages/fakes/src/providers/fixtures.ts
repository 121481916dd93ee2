// Real media bytes for the provider mocks: a valid PNG of any size (encoded here, no image
// library), a 4-second 360x640 H.264/AAC MP4 and its poster frame (made once with ffmpeg).
import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG of the given size: a vertical gradient from `from` to `to` (RGB), so it is visibly real. */
export function gradientPng(
  width: number,
  height: number,
  from: [number, number, number] = [64, 90, 200],
  to: [number, number, number] = [240, 140, 60],
): Uint8Array<ArrayBuffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const t = height > 1 ? y / (height - 1) : 0;
    const rgb = from.map((f, i) => Math.round(f + ((to[i] as number) - f) * t));
    const offset = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) rows.set(rgb, offset + 1 + x * 3);
  }
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr),
      chunk("IDAT", deflateSync(rows)),
      chunk("IEND", new Uint8Array()),
    ]),
  );
}

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** 4 s, 360x640, 24 fps, H.264 baseline + AAC, faststart: plays in any browser. */
export const sampleVideoMp4: Uint8Array = fixture("sample-video.mp4");
export const SAMPLE_VIDEO = { width: 360, height: 640, durationSeconds: 4 } as const;
/** The first frame of the sample video, as JPEG. */
export const samplePosterJpeg: Uint8Array = fixture("sample-poster.jpg");
