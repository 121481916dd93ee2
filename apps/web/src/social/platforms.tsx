// The platforms the studio captions and posts to, in the order the studio shows them. Ids are ours
// (x, not Zernio's twitter), as everywhere in the API.
import type { RouterOutputs } from "@streamline/api";

export type Platform = RouterOutputs["social"]["accounts"]["accounts"][number]["platform"];
export type SocialAccount = RouterOutputs["social"]["accounts"]["accounts"][number];
export type ScheduledPost = RouterOutputs["social"]["posts"][number];
export type Caption = RouterOutputs["social"]["captions"]["latest"][number];

export const PLATFORMS = [
  "instagram",
  "tiktok",
  "youtube",
  "linkedin",
  "x",
  "threads",
  "facebook",
  "pinterest",
] as const satisfies readonly Platform[];

export const PLATFORM_LABEL: Record<Platform, string> = {
  instagram: "Instagram",
  tiktok: "TikTok",
  youtube: "YouTube",
  linkedin: "LinkedIn",
  x: "X",
  threads: "Threads",
  facebook: "Facebook",
  pinterest: "Pinterest",
};

/** A title and a description rather than one caption. */
export const TITLED: ReadonlySet<Platform> = new Set<Platform>(["youtube", "pinterest"]);

const GLYPH: Record<Platform, string> = {
  instagram: "IG",
  tiktok: "TT",
  youtube: "YT",
  linkedin: "in",
  x: "X",
  threads: "@",
  facebook: "f",
  pinterest: "P",
};

/** A small coloured mark per platform; the label next to it is what names it. */
export function PlatformIcon(props: { platform: Platform }) {
  return (
    <span className={`platform-icon platform-${props.platform}`} aria-hidden="true">
      {GLYPH[props.platform]}
    </span>
  );
}
