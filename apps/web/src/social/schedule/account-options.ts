// What the Post dialog does with each picked account's options (social.accountOptions, issue 19
// item 7): TikTok's creator info (the privacy levels a post must pick from — none pre-selected, as
// TikTok's rules require — interactions the creator switched off, whether they can post more
// today), the Pinterest board, and X Premium's longer limit. Pure, so it is unit-tested.
import type { RouterOutputs } from "@streamline/api";
import type { CaptionLimits } from "../CaptionField";
import type { TikTokChoice } from "./useScheduleFields";

export type AccountOptions = RouterOutputs["social"]["accountOptions"];
type TikTokInfo = NonNullable<AccountOptions["tiktok"]>;
export type Interaction = keyof TikTokInfo["interactions"];
export type PinterestBoard = NonNullable<AccountOptions["pinterest"]>["boards"][number];

/** The interaction each TikTok checkbox stands for. */
export const INTERACTION_OF = {
  allowComment: "comment",
  allowDuet: "duet",
  allowStitch: "stitch",
} as const satisfies Record<string, Interaction>;

/** TikTok's options over every picked TikTok account: the levels all of them offer, etc. */
export function tiktokOptionsOf(options: readonly AccountOptions[]) {
  const infos = options.flatMap((o) => (o.tiktok ? [o.tiktok] : []));
  if (infos.length === 0) return null;
  const [first, ...rest] = infos as [TikTokInfo, ...TikTokInfo[]];
  const privacyLevels = first.privacyLevels.filter((level) =>
    rest.every((info) => info.privacyLevels.some((l) => l.value === level.value)),
  );
  // Why an interaction cannot be asked for: TikTok does not offer it for this kind of post (null,
  // e.g. Duet and Stitch on photos) or the creator switched it off in the app.
  const why = (key: Interaction): string | null => {
    if (infos.some((info) => info.interactions[key] === null)) return "not offered for this post";
    if (infos.some((info) => info.interactions[key]?.enabled === false))
      return "turned off by the creator in TikTok";
    return null;
  };
  return {
    nicknames: infos.flatMap((info) => (info.nickname ? [info.nickname] : [])),
    canPostMore: infos.every((info) => info.canPostMore),
    privacyLevels,
    disabled: { comment: why("comment"), duet: why("duet"), stitch: why("stitch") },
  };
}
export type TikTokOptions = ReturnType<typeof tiktokOptionsOf>;

/** The choice as sent: interactions not offered or switched off are never asked for. */
export function tiktokToSend(choice: TikTokChoice, options: TikTokOptions): TikTokChoice {
  const out = { ...choice };
  if (out.privacyLevel === undefined) delete out.privacyLevel;
  for (const [key, interaction] of Object.entries(INTERACTION_OF)) {
    if (options?.disabled[interaction]) out[key as keyof typeof INTERACTION_OF] = false;
  }
  return out;
}

/** The Pinterest boards of the picked Pinterest account (the first is Zernio's default). */
export function boardsOf(options: readonly AccountOptions[]): PinterestBoard[] | null {
  const found = options.find((o) => o.pinterest);
  return found?.pinterest?.boards ?? null;
}

/** The board sent: the one picked when it is still listed, else the first (Zernio's default). */
export function boardToSend(
  picked: string | undefined,
  boards: readonly PinterestBoard[] | null,
): string | undefined {
  if (!boards || boards.length === 0) return undefined;
  return boards.some((b) => b.id === picked) ? picked : boards[0]?.id;
}

/**
 * X's limit for this post: the Premium limit when every picked X account has it (as the server
 * decides), else the platform's own.
 */
export function withXPremium(
  limits: CaptionLimits | undefined,
  xOptions: readonly AccountOptions[],
  xTargets: number,
): CaptionLimits | undefined {
  const xs = xOptions.flatMap((o) => (o.x ? [o.x] : []));
  const rules = limits?.x;
  if (!limits || !rules || xTargets === 0 || xs.length < xTargets) return limits;
  if (!xs.every((x) => x.premium)) return limits;
  const captionLimit = Math.min(...xs.map((x) => x.captionLimit));
  return { ...limits, x: { ...rules, limit: captionLimit } };
}

/** Why TikTok's part stops the post, or null. */
export function tiktokBlockedReason(
  choice: TikTokChoice,
  options: TikTokOptions,
  loading: boolean,
): string | null {
  if (loading) return "Reading TikTok's options for this account…";
  if (!options) return null;
  if (!options.canPostMore)
    return "TikTok: this account cannot post more right now — try again later";
  if (!choice.privacyLevel) return "Choose who can view the TikTok post";
  return null;
}
