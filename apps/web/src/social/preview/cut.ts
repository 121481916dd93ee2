// How a caption shows on each network: where its feed folds the text behind "… more" (display
// conventions, approximate: the networks publish them in their help pages and they vary a little
// by device), and where the platform's limit cuts it off for good (the limits are the shared rule
// data from the server, social.captionModels; X counts weighted, by twitter-text, like the server).
import configs from "twitter-text/dist/esm/configs.js";
import parseTweet from "twitter-text/dist/esm/parseTweet.js";
import type { CaptionLimits } from "../CaptionField";
import type { Platform } from "../platforms";

export type FoldRule = {
  /** Characters shown before the fold; null: the whole text shows (up to the limit). */
  at: number | null;
  /** What the network writes at the fold. */
  more: string;
  /** Where that fold happens, for the preview's caption. */
  where: string;
};

/** Where each network's feed folds a long caption (approximate, in characters). */
export const FOLD: Readonly<Record<Platform, FoldRule>> = {
  // X shows the whole post; the limit (280 weighted) is the cut.
  x: { at: null, more: "", where: "timeline" },
  // Instagram's feed shows about 125 characters, then "… more".
  instagram: { at: 125, more: "… more", where: "feed" },
  // TikTok shows about the first 100 characters over the video.
  tiktok: { at: 100, more: "… more", where: "For You feed" },
  // LinkedIn's feed shows about 210 characters, then "…see more".
  linkedin: { at: 210, more: "…see more", where: "feed" },
  // YouTube shows about the first 100 characters of the description under the title.
  youtube: { at: 100, more: "…more", where: "watch page" },
  // Threads shows the whole post (500 at most).
  threads: { at: null, more: "", where: "feed" },
  // Facebook folds posts after about 477 characters ("See more").
  facebook: { at: 477, more: "… See more", where: "feed" },
  // A Pin's close-up shows about the first 50 characters of its description.
  pinterest: { at: 50, more: "… more", where: "Pin close-up" },
};

export type PreviewCut = {
  /** What shows before the fold. */
  shown: string;
  /** What is behind "… more" (still posted); empty when nothing is folded. */
  folded: string;
  /** What the platform's limit cuts off (not posted: the post is refused until it fits). */
  over: string;
  more: string;
  where: string;
};

/** Code points, as the networks count them (an emoji is one, not two UTF-16 units). */
const chars = (text: string) => [...text];

/** The end (UTF-16 index, exclusive) of the part within the limit. */
function fitEnd(platform: Platform, text: string, limits: CaptionLimits | undefined): number {
  const rules = limits?.[platform];
  if (rules?.counting === "twitter-weighted") {
    // X Premium: the same weighting up to the account's longer limit.
    const max = rules.limit ?? configs.defaults.maxWeightedTweetLength;
    const parsed = parseTweet(text, { ...configs.defaults, maxWeightedTweetLength: max });
    return parsed.valid || text.length === 0 ? text.length : parsed.validRangeEnd + 1;
  }
  const limit = rules?.limit;
  if (limit === undefined) return text.length;
  return chars(text).slice(0, limit).join("").length;
}

/** The caption as the network shows it: before the fold, behind "… more", and past the limit. */
export function cutForPreview(
  platform: Platform,
  text: string,
  limits: CaptionLimits | undefined,
): PreviewCut {
  const end = fitEnd(platform, text, limits);
  const fits = text.slice(0, end);
  const over = text.slice(end);
  const rule = FOLD[platform];
  const cps = chars(fits);
  if (rule.at === null || cps.length <= rule.at) {
    return { shown: fits, folded: "", over, more: rule.more, where: rule.where };
  }
  // The fold falls on the last space before it when there is one close by, as the apps do.
  let at = rule.at;
  const space = cps.slice(0, at).lastIndexOf(" ");
  if (space > at - 20 && space > 0) at = space;
  return {
    shown: cps.slice(0, at).join("").trimEnd(),
    folded: cps.slice(at).join(""),
    over,
    more: rule.more,
    where: rule.where,
  };
}
