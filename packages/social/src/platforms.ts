// Per-platform publishing limits as data. Source: ../shared/PROVIDERS.md (Zernio's platform pages,
// Pinterest's spec where noted), read 2026-12. `checkPost` (rules.ts) applies them; the studio reads
// them for live counters. Platform ids are Zernio's (`twitter` is X).

export const SOCIAL_PLATFORMS = [
  "twitter",
  "instagram",
  "tiktok",
  "linkedin",
  "youtube",
  "threads",
  "pinterest",
  "facebook",
] as const;
export type SocialPlatform = (typeof SOCIAL_PLATFORMS)[number];

export interface DurationRange {
  minSeconds?: number;
  maxSeconds?: number;
}
/** Width ÷ height. */
export interface AspectRange {
  min: number;
  max: number;
  /** Shown in messages, e.g. "4:5 to 1.91:1". */
  label: string;
}

export interface PlatformRules {
  platform: SocialPlatform;
  /** The name a user knows. */
  label: string;
  caption: {
    /** Limit of the post text (YouTube and Pinterest: the description). */
    maxLength: number;
    /** X: the limit for accounts X reports as subscribed (Premium), per Zernio's validation. */
    premiumMaxLength?: number;
    /** X counts weighted length (twitter-text: URL = 23, most emoji = 2). */
    counting: "twitter-weighted" | "characters";
    /** What the text is called on this platform, in messages. */
    name: string;
    maxTitleLength?: number;
    /** TikTok photo posts carry a shorter title. */
    maxPhotoTitleLength?: number;
    /** Above this many hashtags the post is refused (Zernio's validation error). */
    maxHashtags?: number;
    /** Above this many hashtags a warning shows (Zernio's validation warning); caption generation stays within it. */
    recommendedHashtags?: number;
    /** Threads allows one topic tag. */
    maxTopicTags?: number;
  };
  media: {
    required: boolean;
    /** Items per post, images and videos together (a carousel's length). */
    maxItems?: number;
    maxImages?: number;
    maxVideos?: number;
    /** YouTube: a post is one video and nothing else. */
    exactlyOneVideo?: boolean;
    /** Mixing images and a video in one post is refused. */
    noMixing?: boolean;
    imageTypes?: readonly string[];
    maxImageBytes?: number;
    imageAspect?: AspectRange;
    videoTypes?: readonly string[];
    maxVideoBytes?: number;
    videoDuration?: DurationRange;
    /** Not refused; a warning names it (the platform crops or letterboxes). */
    recommendedVideoAspect?: AspectRange;
  };
}

const MB = 1024 * 1024;
const NINE_SIXTEEN: AspectRange = { min: 9 / 16 - 0.01, max: 9 / 16 + 0.01, label: "9:16" };

export const PLATFORM_RULES: Readonly<Record<SocialPlatform, PlatformRules>> = {
  twitter: {
    platform: "twitter",
    label: "X",
    // 25,000 for accounts X reports as subscribed (Zernio: the account's profileData isPremium;
    // validate/post resolves it from the accountId).
    caption: {
      maxLength: 280,
      premiumMaxLength: 25_000,
      counting: "twitter-weighted",
      name: "post",
    },
    media: {
      required: false,
      maxImages: 4,
      maxVideos: 1,
      noMixing: true,
      imageTypes: ["image/jpeg", "image/png", "image/webp", "image/gif"],
      maxImageBytes: 5 * MB,
      videoTypes: ["video/mp4", "video/quicktime"],
      maxVideoBytes: 512 * MB,
      videoDuration: { maxSeconds: 140 },
    },
  },
  instagram: {
    platform: "instagram",
    label: "Instagram",
    // Zernio's validation (read 2026-12-06): more than 30 hashtags is an error, more than 5 a warning
    // (Meta's announced 5-hashtag cap); a carousel holds up to 10 images and videos.
    caption: {
      maxLength: 2_200,
      counting: "characters",
      name: "caption",
      maxHashtags: 30,
      recommendedHashtags: 5,
    },
    media: {
      required: true,
      maxItems: 10,
      maxVideos: 1,
      imageTypes: ["image/jpeg", "image/png"],
      maxImageBytes: 8 * MB,
      imageAspect: { min: 4 / 5, max: 1.91, label: "4:5 to 1.91:1" },
      videoTypes: ["video/mp4", "video/quicktime"],
      maxVideoBytes: 300 * MB,
      videoDuration: { maxSeconds: 90 },
      recommendedVideoAspect: NINE_SIXTEEN,
    },
  },
  tiktok: {
    platform: "tiktok",
    label: "TikTok",
    caption: { maxLength: 2_200, counting: "characters", name: "caption", maxPhotoTitleLength: 90 },
    // Zernio's TikTok page: one video, or a photo carousel of up to 35 JPEG/PNG/WebP (20 MB each);
    // photos and a video never mix.
    media: {
      required: true,
      maxImages: 35,
      maxVideos: 1,
      noMixing: true,
      imageTypes: ["image/jpeg", "image/png", "image/webp"],
      maxImageBytes: 20 * MB,
      videoTypes: ["video/mp4", "video/quicktime", "video/webm"],
      videoDuration: { minSeconds: 3, maxSeconds: 600 },
      recommendedVideoAspect: NINE_SIXTEEN,
    },
  },
  linkedin: {
    platform: "linkedin",
    label: "LinkedIn",
    caption: { maxLength: 3_000, counting: "characters", name: "post" },
    media: { required: false, maxImages: 20, maxVideos: 1, noMixing: true },
  },
  youtube: {
    platform: "youtube",
    label: "YouTube",
    caption: { maxLength: 5_000, counting: "characters", name: "description", maxTitleLength: 100 },
    media: { required: true, exactlyOneVideo: true, maxVideos: 1 },
  },
  threads: {
    platform: "threads",
    label: "Threads",
    caption: { maxLength: 500, counting: "characters", name: "post", maxTopicTags: 1 },
    // A carousel of up to 10 items.
    media: {
      required: false,
      maxItems: 10,
      maxImages: 10,
      maxVideos: 1,
      videoDuration: { maxSeconds: 300 },
    },
  },
  pinterest: {
    platform: "pinterest",
    label: "Pinterest",
    caption: {
      maxLength: 800,
      counting: "characters",
      name: "description",
      maxTitleLength: 100,
    },
    // A Pin is an image or a video.
    media: {
      required: true,
      maxItems: 1,
      maxVideos: 1,
      videoDuration: { minSeconds: 4, maxSeconds: 900 },
    },
  },
  facebook: {
    platform: "facebook",
    label: "Facebook",
    caption: { maxLength: 63_206, counting: "characters", name: "post" },
    media: { required: false },
  },
};

export function isSocialPlatform(value: string): value is SocialPlatform {
  return (SOCIAL_PLATFORMS as readonly string[]).includes(value);
}
