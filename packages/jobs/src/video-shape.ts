import type { ModelOptionValues } from "@streamline/providers";

/** Heights of the named resolutions the video models take ("720p" …), for a landscape frame. */
const RESOLUTION_HEIGHT: Record<string, number> = {
  "360p": 360,
  "480p": 480,
  "720p": 720,
  "1080p": 1080,
  "4k": 2160,
};

/**
 * The frame size and length a generation asked for, from its options: `size` ("1280x720"),
 * `aspectRatio` + `resolution` ("9:16" + "720p"), `seconds` / `durationSeconds`. Stands in for
 * what the file says when the file cannot be read.
 */
export function requestedVideoShape(options: ModelOptionValues): {
  width?: number | undefined;
  height?: number | undefined;
  durationSeconds?: number | undefined;
} {
  const shape: { width?: number; height?: number; durationSeconds?: number } = {};
  const size = /^(\d{2,5})x(\d{2,5})$/.exec(String(options.size ?? ""));
  if (size) {
    shape.width = Number(size[1]);
    shape.height = Number(size[2]);
  } else {
    const ratio = /^(\d+):(\d+)$/.exec(String(options.aspectRatio ?? ""));
    const short = RESOLUTION_HEIGHT[String(options.resolution ?? "").toLowerCase()];
    if (ratio && short) {
      const w = Number(ratio[1]);
      const h = Number(ratio[2]);
      const long = Math.round((short * Math.max(w, h)) / Math.min(w, h));
      shape.width = w >= h ? long : short;
      shape.height = w >= h ? short : long;
    }
  }
  const seconds = Number(options.seconds ?? options.durationSeconds);
  if (Number.isFinite(seconds) && seconds > 0) shape.durationSeconds = seconds;
  return shape;
}
