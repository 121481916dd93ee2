// Pre-publish checks, run before any Zernio call so a post never fails silently at publish time.
// The limits are data (platforms.ts); this file only applies them and words the refusals.
import * as twitterTextModule from "twitter-text";
import { PLATFORM_RULES, type PlatformRules, type SocialPlatform } from "./platforms";
import { instantOf } from "./schedule-time";

export * from "./platforms";

// twitter-text's CommonJS build sets `module.exports = exports.default` and its ESM build exports
// only a default object, so Node's ESM loader (tsx, `pnpm start`) and browsers find the functions
// on `default`; Vite's interop (vitest) puts them on the namespace. Take whichever holds them.
const twitterText: typeof twitterTextModule =
  (twitterTextModule as unknown as { default?: typeof twitterTextModule }).default ??
  twitterTextModule;

export interface MediaFacts {
  type: "image" | "video" | "gif";
  mimeType: string;
  width: number;
  height: number;
  durationSeconds?: number | undefined;
  bytes: number;
}

export interface PostCheckInput {
  platform: SocialPlatform;
  caption: { text: string; title?: string | undefined };
  /** The post's media: one item, several, or none. */
  media?: MediaFacts | readonly MediaFacts[] | null | undefined;
  publishNow: boolean;
  scheduledFor?: string | null | undefined;
  timezone?: string | null | undefined;
  now: Date;
  /** X: the account is subscribed (Premium), so the longer limit applies. */
  premium?: boolean | undefined;
}

/** Zernio warns when text passes this share of its limit (validate/post: "> 90% of character limit"). */
export const NEAR_LIMIT_SHARE = 0.9;

export interface PostIssue {
  platform: SocialPlatform;
  /** Stable id of the rule, e.g. "caption.length", "video.duration". */
  rule: string;
  /** Plain words naming the platform and the rule. */
  message: string;
}

export interface PostCheck {
  /** Any of these stops the post. */
  refusals: PostIssue[];
  warnings: PostIssue[];
}

export function platformRules(platform: SocialPlatform): PlatformRules {
  return PLATFORM_RULES[platform];
}

/** The limit a live counter shows for the post text (X Premium accounts: the longer one). */
export function captionLimit(
  platform: SocialPlatform,
  options: { premium?: boolean } = {},
): number {
  const caption = PLATFORM_RULES[platform].caption;
  return options.premium && caption.premiumMaxLength ? caption.premiumMaxLength : caption.maxLength;
}

/** The length the platform counts: weighted for X (URL = 23, emoji = 2), characters elsewhere. */
export function captionLength(platform: SocialPlatform, text: string): number {
  if (PLATFORM_RULES[platform].caption.counting === "twitter-weighted") {
    return twitterText.parseTweet(text).weightedLength;
  }
  return [...text].length;
}

export function hashtagCount(text: string): number {
  return twitterText.extractHashtags(text).length;
}

const n = (value: number) => value.toLocaleString("en-US");
const mb = (bytes: number) => `${n(Math.round((bytes / (1024 * 1024)) * 10) / 10)} MB`;
const duration = (seconds: number) =>
  seconds >= 60 && seconds % 60 === 0 ? `${seconds / 60} min` : `${n(seconds)} s`;

/** One post checked against one platform: what the checks share, and where their findings go. */
interface PostChecking {
  input: PostCheckInput;
  rules: PlatformRules;
  label: string;
  media: readonly MediaFacts[];
  images: readonly MediaFacts[];
  videos: readonly MediaFacts[];
  refuse(rule: string, message: string): void;
  warn(rule: string, message: string): void;
}

export function checkPost(input: PostCheckInput): PostCheck {
  const rules = PLATFORM_RULES[input.platform];
  const refusals: PostIssue[] = [];
  const warnings: PostIssue[] = [];
  const media: readonly MediaFacts[] =
    input.media == null
      ? []
      : Array.isArray(input.media)
        ? input.media
        : [input.media as MediaFacts];
  const c: PostChecking = {
    input,
    rules,
    label: rules.label,
    media,
    images: media.filter((item) => item.type !== "video"),
    videos: media.filter((item) => item.type === "video"),
    refuse: (rule, message) => refusals.push({ platform: input.platform, rule, message }),
    warn: (rule, message) => warnings.push({ platform: input.platform, rule, message }),
  };
  checkText(c);
  checkMediaCounts(c);
  for (const image of c.images) checkImage(c, image);
  for (const video of c.videos) checkVideo(c, video);
  const title = input.caption.title ?? "";
  if (input.platform === "youtube" && c.videos.length === 1 && !title) {
    c.warn("title.missing", "YouTube: with no title, the first line of the description is used.");
  }

  checkWhen(c);
  return { refusals, warnings };
}

/** The caption, the title and the hashtags. */
function checkText({ input, rules, label, images, videos, refuse, warn }: PostChecking): void {
  const { caption } = rules;
  const length = captionLength(input.platform, input.caption.text);
  const maxLength = captionLimit(input.platform, { premium: input.premium === true });
  if (length > maxLength) {
    const weighted = caption.counting === "twitter-weighted" ? " (links count 23, emoji 2)" : "";
    refuse(
      "caption.length",
      `${label} allows ${n(maxLength)} characters in a ${caption.name}${weighted}; this one has ${n(length)}.`,
    );
  } else if (length > NEAR_LIMIT_SHARE * maxLength) {
    warn(
      "caption.nearLimit",
      `${label}: ${n(length)} of ${n(maxLength)} characters — close to the limit.`,
    );
  }
  const title = input.caption.title ?? "";
  const titleLimit =
    caption.maxPhotoTitleLength && images.length > 0 && videos.length === 0
      ? caption.maxPhotoTitleLength
      : caption.maxTitleLength;
  if (titleLimit !== undefined && [...title].length > titleLimit) {
    refuse(
      "title.length",
      `${label} allows ${n(titleLimit)} characters in a title; this one has ${n([...title].length)}.`,
    );
  }
  const hashtags = hashtagCount(input.caption.text);
  if (caption.maxHashtags !== undefined && hashtags > caption.maxHashtags) {
    refuse(
      "hashtags.count",
      `${label} allows ${caption.maxHashtags} hashtags in a ${caption.name}; this one has ${hashtags}.`,
    );
  }
  if (
    caption.recommendedHashtags !== undefined &&
    hashtags > caption.recommendedHashtags &&
    (caption.maxHashtags === undefined || hashtags <= caption.maxHashtags)
  ) {
    warn(
      "hashtags.recommended",
      `${label} recommends at most ${caption.recommendedHashtags} hashtags in a ${caption.name}; this one has ${hashtags}.`,
    );
  }
  if (caption.maxTopicTags !== undefined && hashtags > caption.maxTopicTags) {
    refuse(
      "topicTags.count",
      `${label} allows ${caption.maxTopicTags} topic tag in a ${caption.name}; this one has ${hashtags}.`,
    );
  }
}

/** What media a post may carry, and how many. */
function checkMediaCounts({ rules, label, media, images, videos, refuse }: PostChecking): void {
  const limits = rules.media;
  if (limits.required && media.length === 0) {
    refuse("media.required", `${label} does not publish text-only posts: add an image or a video.`);
  }
  if (limits.maxItems !== undefined && media.length > limits.maxItems) {
    refuse(
      "media.count",
      limits.maxItems === 1
        ? `${label} posts one image or video at a time; this post has ${media.length}.`
        : `${label} allows ${limits.maxItems} images and videos per post; this one has ${media.length}.`,
    );
  }
  if (limits.exactlyOneVideo && (videos.length !== 1 || images.length > 0)) {
    refuse("media.oneVideo", `${label} publishes exactly one video per post, and nothing else.`);
  }
  if (limits.noMixing && videos.length > 0 && images.length > 0) {
    refuse("media.mixed", `${label} does not mix images and a video in one post.`);
  }
  if (limits.maxImages !== undefined && images.length > limits.maxImages) {
    refuse(
      "images.count",
      `${label} allows ${limits.maxImages} images per post; this one has ${images.length}.`,
    );
  }
  if (
    !limits.exactlyOneVideo &&
    limits.maxVideos !== undefined &&
    videos.length > limits.maxVideos
  ) {
    refuse(
      "videos.count",
      `${label} allows ${limits.maxVideos} video per post; this one has ${videos.length}.`,
    );
  }
}

function checkImage({ rules, label, refuse }: PostChecking, image: MediaFacts): void {
  const limits = rules.media;
  if (limits.imageTypes && !limits.imageTypes.includes(image.mimeType)) {
    refuse(
      "image.format",
      `${label} takes ${limits.imageTypes.map((t) => t.replace("image/", "").toUpperCase()).join(", ")} images, not ${image.mimeType}.`,
    );
  }
  if (limits.maxImageBytes !== undefined && image.bytes > limits.maxImageBytes) {
    refuse(
      "image.size",
      `${label} takes images up to ${mb(limits.maxImageBytes)}; this one is ${mb(image.bytes)}.`,
    );
  }
  const aspect = image.width / image.height;
  if (limits.imageAspect && (aspect < limits.imageAspect.min || aspect > limits.imageAspect.max)) {
    refuse(
      "image.aspect",
      `${label} takes feed images from ${limits.imageAspect.label} (width to height); this one is ${image.width}×${image.height}.`,
    );
  }
}

function checkVideo({ rules, label, refuse, warn }: PostChecking, video: MediaFacts): void {
  const limits = rules.media;
  if (limits.videoTypes && !limits.videoTypes.includes(video.mimeType)) {
    refuse("video.format", `${label} does not take ${video.mimeType} videos.`);
  }
  if (limits.maxVideoBytes !== undefined && video.bytes > limits.maxVideoBytes) {
    refuse(
      "video.size",
      `${label} takes videos up to ${mb(limits.maxVideoBytes)}; this one is ${mb(video.bytes)}.`,
    );
  }
  const range = limits.videoDuration;
  const seconds = video.durationSeconds;
  if (range && seconds !== undefined) {
    if (range.maxSeconds !== undefined && seconds > range.maxSeconds) {
      refuse(
        "video.duration",
        `${label} takes videos up to ${duration(range.maxSeconds)}; this one is ${n(seconds)} s.`,
      );
    }
    if (range.minSeconds !== undefined && seconds < range.minSeconds) {
      refuse(
        "video.duration",
        `${label} takes videos of at least ${duration(range.minSeconds)}; this one is ${n(seconds)} s.`,
      );
    }
  } else if (range && seconds === undefined) {
    warn("video.duration", `${label}: the video's length is unknown, so it was not checked.`);
  }
  const ratio = video.width / video.height;
  const recommended = limits.recommendedVideoAspect;
  if (recommended && (ratio < recommended.min || ratio > recommended.max)) {
    warn(
      "video.aspect",
      `${label} shows videos best at ${recommended.label}; this one is ${video.width}×${video.height} and may be cropped.`,
    );
  }
}

/** The publishing time: chosen, valid, and not already past. */
function checkWhen({ input, label, refuse }: PostChecking): void {
  if (!input.publishNow) {
    if (!input.scheduledFor) {
      refuse("schedule.missing", `${label}: choose a date and time, or "Post now".`);
    } else {
      const at = instantOf(input.scheduledFor, input.timezone ?? undefined);
      if (!at) {
        refuse(
          "schedule.invalid",
          `${label}: "${input.scheduledFor}" in ${input.timezone ?? "no timezone"} is not a valid date and time.`,
        );
      } else if (at.getTime() <= input.now.getTime()) {
        // Zernio publishes a past scheduledFor immediately: refuse it rather than surprise anyone.
        refuse(
          "schedule.past",
          `${label}: the time chosen has already passed; pick a later time or "Post now".`,
        );
      }
    }
  }
}

/** Every platform's checks for one post; the dialog shows them all at once. */
export function checkPostForPlatforms(
  platforms: readonly SocialPlatform[],
  input: Omit<PostCheckInput, "platform"> & {
    captions?: Partial<Record<SocialPlatform, PostCheckInput["caption"]>>;
  },
): PostCheck {
  const result: PostCheck = { refusals: [], warnings: [] };
  for (const platform of platforms) {
    const check = checkPost({
      ...input,
      platform,
      caption: input.captions?.[platform] ?? input.caption,
    });
    result.refusals.push(...check.refusals);
    result.warnings.push(...check.warnings);
  }
  return result;
}
