import type {
  MediaContentType,
  PlatformTarget,
  Post,
  SocialAccount as ZernioAccount,
  Profile as ZernioProfile,
} from "@zernio/node";

/** A Zernio profile: a group of connected accounts (one per studio user, in per-user mode). */
export interface SocialProfile {
  id: string;
  name: string;
  description: string | null;
  isDefault: boolean;
}

export function toSocialProfile(profile: ZernioProfile): SocialProfile {
  return {
    id: profile._id ?? "",
    name: profile.name ?? "",
    description: profile.description ?? null,
    isDefault: profile.isDefault === true,
  };
}

/** A connected account, as the studio's account picker needs it. */
export interface SocialAccount {
  id: string;
  /** Zernio's platform id: twitter (X), instagram, tiktok, linkedin, youtube, threads, pinterest, facebook, … */
  platform: string;
  username: string | null;
  displayName: string | null;
  avatarUrl: string | null;
  profileUrl: string | null;
  /** Whether a post to this account can be sent now. */
  connected: boolean;
  /** Why it cannot, in plain words, when `connected` is false. */
  reason?: string;
  /** The Zernio profile it belongs to (null when Zernio did not say). */
  profileId: string | null;
  /**
   * X only: X reports a paid subscription, so posts may run to 25,000 weighted characters instead
   * of 280 (Zernio: metadata.profileData.extraData.isPremium, or profileData.isPremium on accounts
   * connected before that layout).
   */
  premium?: boolean | undefined;
}

export interface MediaUpload {
  filename: string;
  contentType: MediaContentType;
  /** Bytes; sent to presign for Zernio's pre-validation and as the PUT's Content-Length. */
  size: number;
  body: ReadableStream<Uint8Array> | Uint8Array;
  signal?: AbortSignal | undefined;
}

export interface UploadedMedia {
  /** What to put in a post's `mediaItems[].url`. */
  publicUrl: string;
  key: string | undefined;
}

export interface PostMediaItem {
  type: "image" | "video" | "gif" | "document";
  url: string;
  altText?: string | undefined;
}

export interface PostTarget {
  platform: string;
  accountId: string;
  customContent?: string | undefined;
  /** Zernio's per-platform options, e.g. YouTube `{ title }`, Pinterest `{ title, boardId }`. */
  platformSpecificData?: Record<string, unknown> | undefined;
}

export type PostTiming =
  | { publishNow: true; scheduledFor?: undefined; timezone?: undefined }
  | {
      publishNow?: false | undefined;
      /** ISO 8601; without an offset it is read as local time in `timezone`. */
      scheduledFor: string;
      /** IANA name, e.g. Europe/Berlin. */
      timezone: string;
    };

export type CreatePostInput = {
  /** Sent as `x-request-id`: the same id within ~5 minutes returns the first post, never a second. */
  requestId: string;
  content: string;
  mediaItems: PostMediaItem[];
  platforms: PostTarget[];
  /** Stored on the post and echoed in its webhooks (the studio sends its own post id). */
  metadata?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
} & PostTiming;

export interface UpdatePostInput {
  content?: string | undefined;
  mediaItems?: PostMediaItem[] | undefined;
  platforms?: PostTarget[] | undefined;
  scheduledFor?: string | undefined;
  timezone?: string | undefined;
  publishNow?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export type PostStatusValue = NonNullable<Post["status"]>;
export type PlatformErrorCategory = NonNullable<PlatformTarget["errorCategory"]>;

export interface PlatformPostStatus {
  platform: string;
  accountId: string;
  /** pending | publishing | published | failed | cancelled (Zernio may add processing / uploading). */
  status: string;
  platformPostUrl: string | null;
  publishedAt: string | null;
  errorMessage: string | null;
  errorCategory: PlatformErrorCategory | null;
}

export interface PostStatus {
  id: string;
  status: PostStatusValue;
  scheduledFor: string | null;
  timezone: string | null;
  platforms: PlatformPostStatus[];
}

export interface CreatedPost {
  postId: string;
  /** The post as Zernio answered it; absent on a 409 duplicate (only its id comes back). */
  post: PostStatus | undefined;
  /** An existing post answered for this request: an x-request-id replay or a 409 duplicate. */
  duplicate: boolean;
  /** Which of the two it was. */
  duplicateOf?: "request-id" | "content" | undefined;
  warnings: string[];
}

export function toSocialAccount(account: ZernioAccount): SocialAccount {
  const reason =
    account.enabled === false
      ? "Not enabled for posting in Zernio"
      : account.needsReconnection
        ? "Needs reconnecting: the platform's sign-in expired or was revoked"
        : !account.isActive
          ? "Disconnected in Zernio"
          : undefined;
  return {
    id: account._id,
    platform: account.platform,
    username: account.username ?? null,
    displayName: account.displayName ?? null,
    avatarUrl: account.profilePicture ?? null,
    profileUrl: account.profileUrl ?? null,
    connected: reason === undefined,
    ...(reason ? { reason } : {}),
    // Answered as an id, or populated (an object) on some reads.
    profileId:
      typeof account.profileId === "string" ? account.profileId : (account.profileId?._id ?? null),
    ...(account.platform === "twitter" ? { premium: isPremiumX(account.metadata) } : {}),
  };
}

function isPremiumX(metadata: Record<string, unknown> | undefined): boolean {
  const profileData = metadata?.profileData as
    | { isPremium?: unknown; extraData?: { isPremium?: unknown } }
    | undefined;
  return (profileData?.extraData?.isPremium ?? profileData?.isPremium) === true;
}

export function toPostStatus(post: Post): PostStatus {
  return {
    id: post._id ?? "",
    status: post.status ?? "draft",
    scheduledFor: post.scheduledFor ?? null,
    timezone: post.timezone ?? null,
    platforms: (post.platforms ?? []).map((target) => ({
      platform: target.platform ?? "",
      // Zernio answers the account populated (an object) on reads and as an id on some writes.
      accountId:
        typeof target.accountId === "string" ? target.accountId : (target.accountId?._id ?? ""),
      status: target.status ?? "pending",
      platformPostUrl: target.platformPostUrl ?? null,
      publishedAt: target.publishedAt ?? null,
      errorMessage: target.errorMessage ?? null,
      errorCategory: target.errorCategory ?? null,
    })),
  };
}

/**
 * The part of a post Zernio checks: POST /v1/tools/validate/post takes it as is ("the same body as
 * POST /v1/posts"), and the create sends it with the timing and metadata added (zernioContentBody
 * serialises both, so the two can never differ).
 */
export interface PostContentBody {
  content: string;
  mediaItems: PostMediaItem[];
  platforms: PostTarget[];
}

/** One finding of Zernio's validation, on one platform (Zernio's id: twitter for X). */
export interface ValidationFinding {
  platform: string;
  message: string;
}

/** POST /v1/tools/validate/post's answer: errors block the post, warnings are shown. */
export interface PostValidation {
  valid: boolean;
  errors: ValidationFinding[];
  warnings: ValidationFinding[];
}

/** POST /v1/tools/validate/media's answer (a HEAD/GET of the URL: type, size, per-platform limits). */
export interface MediaValidation {
  valid: boolean;
  url: string;
  error: string | null;
  contentType: string | null;
  size: number | null;
  type: "image" | "video" | "unknown" | null;
  platformLimits: Record<string, { limit: number | null; withinLimit: boolean | null }>;
}

/** An interaction toggle TikTok's creator info describes (availability, not the user's choice). */
export interface TikTokInteraction {
  /** False: the creator turned it off in the TikTok app (the post cannot allow it). */
  enabled: boolean;
}

/** GET /v1/accounts/{id}/tiktok/creator-info, as the post dialog needs it. */
export interface TikTokCreatorInfo {
  nickname: string | null;
  /** Whether the creator can publish more posts right now (TikTok's daily cap). */
  canPostMore: boolean;
  /** The privacy levels this creator may post with; a post's privacyLevel must be one of them. */
  privacyLevels: Array<{ value: string; label: string }>;
  maxVideoDurationSec: number | null;
  interactions: {
    comment: TikTokInteraction | null;
    /** Null for photo posts (TikTok applies no duet/stitch to photos). */
    duet: TikTokInteraction | null;
    stitch: TikTokInteraction | null;
  };
}

/** GET /v1/accounts/{id}/pinterest-boards: one board (its id goes in platformSpecificData.boardId). */
export interface PinterestBoard {
  id: string;
  name: string;
  description: string | null;
  privacy: string | null;
}
