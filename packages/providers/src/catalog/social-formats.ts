// Social destinations instead of pixels: the user picks where the result goes (a Reel, a feed
// post, a YouTube video) and each model gets the nearest shape it accepts. The formats are data;
// the mapping reads each model's own `size` (WxH) or `aspectRatio` (W:H) option from the catalog,
// so a new model needs no UI change.
import type { ModelOptionValues } from "../types";
import type { ModelSpec } from "./types";

export interface SocialFormat {
  id: string;
  label: string;
  /** Where it is used, for the picker. */
  destinations: string;
  /** Width over height. */
  ratio: [number, number];
}

export const SOCIAL_FORMATS: readonly SocialFormat[] = [
  { id: "vertical", label: "9:16", destinations: "Reels, TikTok, Shorts, Stories", ratio: [9, 16] },
  { id: "portrait", label: "4:5", destinations: "Instagram and Facebook feed", ratio: [4, 5] },
  { id: "square", label: "1:1", destinations: "Feed posts, LinkedIn, X", ratio: [1, 1] },
  {
    id: "landscape",
    label: "16:9",
    destinations: "YouTube, LinkedIn video, X video",
    ratio: [16, 9],
  },
];

export interface FormatMapping {
  format: string;
  /** The option values to send for this format. */
  options: ModelOptionValues;
  /** What the model will really make, as "W:H" (or "WxH"). */
  shape: string;
  /** True when the model has this exact ratio; false when it is the nearest it accepts. */
  exact: boolean;
}

/** Parses "1024x1536" or "9:16" into width/height; null for "auto" and the like. */
function ratioOf(value: string | number): number | null {
  const match = /^(\d+)\s*[x:]\s*(\d+)$/.exec(String(value));
  if (!match) return null;
  const w = Number(match[1]);
  const h = Number(match[2]);
  return w > 0 && h > 0 ? w / h : null;
}

/**
 * For each social format, the option value of `spec` whose shape is nearest (by log ratio, so 9:16
 * and 16:9 are equally far from 1:1). Models with no shape option (or only "auto") map to nothing.
 */
export function socialFormatsFor(spec: ModelSpec): FormatMapping[] {
  const optionName = ["size", "aspectRatio"].find((name) => Object.hasOwn(spec.options, name));
  if (!optionName) return [];
  const option = spec.options[optionName];
  const shapes = (option?.values ?? [])
    .map((value) => ({ value, ratio: ratioOf(value) }))
    .filter((s): s is { value: string | number; ratio: number } => s.ratio !== null);
  if (!shapes.length) return [];
  return SOCIAL_FORMATS.map((format) => {
    const want = format.ratio[0] / format.ratio[1];
    let best = shapes[0] as (typeof shapes)[number];
    for (const shape of shapes) {
      const distance = Math.abs(Math.log(shape.ratio / want));
      const bestDistance = Math.abs(Math.log(best.ratio / want));
      // Ties go to the larger frame (e.g. 1024x1536 before a smaller 2:3).
      if (distance < bestDistance - 1e-9) best = shape;
    }
    return {
      format: format.id,
      options: { [optionName]: best.value },
      shape: String(best.value),
      exact: Math.abs(Math.log(best.ratio / want)) < 0.01,
    };
  });
}
