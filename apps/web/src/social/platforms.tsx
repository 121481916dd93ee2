// The platforms the studio captions and posts to, in the order the studio shows them. Ids are ours
// (x, not Zernio's twitter), as everywhere in the API.
import type { RouterOutputs } from "@streamline/api";
import { PLATFORMS as API_PLATFORMS, platformLabel } from "@streamline/api/platforms";

export type Platform = RouterOutputs["social"]["accounts"]["accounts"][number]["platform"];
export type SocialAccount = RouterOutputs["social"]["accounts"]["accounts"][number];
export type ScheduledPost = RouterOutputs["social"]["posts"][number];
export type Caption = RouterOutputs["social"]["captions"]["latest"][number];

/** The API's list, in the studio's order (the same set as the API's Platform type, both ways). */
export const PLATFORMS: readonly Platform[] = API_PLATFORMS satisfies readonly Platform[];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const PLATFORM_TYPES_AGREE: Same<Platform, (typeof API_PLATFORMS)[number]> = true;

export const PLATFORM_LABEL = Object.fromEntries(
  PLATFORMS.map((p) => [p, platformLabel(p)]),
) as Record<Platform, string>;

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
