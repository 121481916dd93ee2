// Request-body checks the Zernio fake applies, written from the createPost / presign schemas in
// Zernio's OpenAPI spec (zernio-dev/zernio-rust openapi.yaml) and the SDK's generated types. A fake
// that accepts what the real API refuses hides bugs, so it is stricter, never looser.
import { isValidTimezone } from "@streamline/social";

export const CREATE_POST_FIELDS = new Set([
  "title",
  "content",
  "mediaItems",
  "platforms",
  "scheduledFor",
  "publishNow",
  "isDraft",
  "dryRun",
  "timezone",
  "tags",
  "hashtags",
  "mentions",
  "crosspostingEnabled",
  "metadata",
  "tiktokSettings",
  "facebookSettings",
  "recycling",
  "queuedFromProfile",
  "queueId",
]);
const PLATFORM_ENTRY_FIELDS = new Set([
  "platform",
  "accountId",
  "customContent",
  "customMedia",
  "scheduledFor",
  "platformSpecificData",
]);
const MEDIA_ITEM_FIELDS = new Set([
  "type",
  "url",
  "title",
  "altText",
  "filename",
  "size",
  "mimeType",
  "thumbnail",
  "instagramThumbnail",
]);
/** PlatformTarget.platform's documented values. */
export const POSTING_PLATFORMS = new Set(
  "twitter threads instagram youtube facebook linkedin pinterest reddit tiktok bluesky googlebusiness telegram".split(
    " ",
  ),
);
/** MediaContentType in the spec. */
export const PRESIGN_CONTENT_TYPES = new Set(
  [
    "image/jpeg image/jpg image/png image/webp image/gif",
    "video/mp4 video/mpeg video/quicktime video/avi video/x-msvideo video/webm video/x-m4v",
    "application/pdf audio/mpeg audio/mp4 audio/aac audio/ogg audio/wav audio/webm audio/x-m4a",
  ]
    .join(" ")
    .split(" "),
);
const MEDIA_TYPE_BY_EXTENSION: Record<string, string> = {
  jpg: "image",
  jpeg: "image",
  png: "image",
  webp: "image",
  gif: "gif",
  mp4: "video",
  mov: "video",
  webm: "video",
  m4v: "video",
  mpeg: "video",
  avi: "video",
  pdf: "document",
};

export class ZernioFakeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error));
  }
}

function invalid(error: string, param?: string): never {
  throw new ZernioFakeRefusal(400, {
    error,
    type: "invalid_request_error",
    code: "invalid_field_value",
    ...(param ? { param } : {}),
  });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function checkKnown(value: Record<string, unknown>, known: Set<string>, where: string) {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) invalid(`Unknown field "${key}" in ${where}`, key);
  }
}

function checkMediaItems(items: unknown, where: string) {
  if (items === undefined) return;
  if (!Array.isArray(items)) invalid(`${where} must be an array`, where);
  items.forEach((item, i) => {
    if (!isObject(item)) invalid(`${where}[${i}] must be an object`, where);
    checkKnown(item, MEDIA_ITEM_FIELDS, `${where}[${i}]`);
    if (typeof item.url !== "string" || !item.url.startsWith("https://")) {
      invalid(`${where}[${i}].url must be a public HTTPS URL`, `${where}[${i}].url`);
    }
    const type = item.type;
    if (type !== undefined && !["image", "video", "gif", "document"].includes(String(type))) {
      invalid(`${where}[${i}].type must be image, video, gif or document`, `${where}[${i}].type`);
    }
    const extension = new URL(item.url).pathname.split(".").pop()?.toLowerCase() ?? "";
    const implied = MEDIA_TYPE_BY_EXTENSION[extension];
    // gif files are accepted as image or gif; any other mismatch contradicts the URL.
    const compatible = implied === type || (implied === "gif" && type === "image");
    if (type !== undefined && implied !== undefined && !compatible) {
      invalid(
        `${where}[${i}].type "${String(type)}" contradicts the URL's .${extension} extension`,
        `${where}[${i}].type`,
      );
    }
  });
}

export interface ValidCreatePost {
  content: string | undefined;
  mediaItems: Array<Record<string, unknown>>;
  platforms: Array<Record<string, unknown> & { platform: string; accountId: string }>;
  publishNow: boolean;
  isDraft: boolean;
  scheduledFor: string | undefined;
  timezone: string;
  raw: Record<string, unknown>;
}

export function validateCreatePost(body: unknown): ValidCreatePost {
  if (!isObject(body)) invalid("The request body must be a JSON object");
  checkKnown(body, CREATE_POST_FIELDS, "the post");
  if (body.content !== undefined && typeof body.content !== "string") {
    invalid("content must be a string", "content");
  }
  for (const flag of ["publishNow", "isDraft", "dryRun"] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== "boolean") {
      invalid(`${flag} must be a boolean`, flag);
    }
  }
  checkMediaItems(body.mediaItems, "mediaItems");
  const isDraft = body.isDraft === true;
  const platforms = body.platforms ?? [];
  if (!Array.isArray(platforms)) invalid("platforms must be an array", "platforms");
  if (!isDraft && platforms.length === 0) {
    invalid("platforms is required for a post that is not a draft", "platforms");
  }
  platforms.forEach((entry, i) => {
    if (!isObject(entry)) invalid(`platforms[${i}] must be an object`, "platforms");
    checkKnown(entry, PLATFORM_ENTRY_FIELDS, `platforms[${i}]`);
    if (typeof entry.platform !== "string" || !POSTING_PLATFORMS.has(entry.platform)) {
      invalid(`platforms[${i}].platform is not a supported platform`, `platforms[${i}].platform`);
    }
    if (typeof entry.accountId !== "string" || !entry.accountId) {
      invalid(`platforms[${i}].accountId is required`, `platforms[${i}].accountId`);
    }
    if (entry.customContent !== undefined && typeof entry.customContent !== "string") {
      invalid(`platforms[${i}].customContent must be a string`, `platforms[${i}].customContent`);
    }
    if (entry.platformSpecificData !== undefined && !isObject(entry.platformSpecificData)) {
      invalid(`platforms[${i}].platformSpecificData must be an object`, "platformSpecificData");
    }
    checkMediaItems(entry.customMedia, `platforms[${i}].customMedia`);
  });
  const hasMedia = Array.isArray(body.mediaItems) && body.mediaItems.length > 0;
  const allCustom =
    platforms.length > 0 && platforms.every((p) => typeof p.customContent === "string");
  if (!isDraft && !hasMedia && !allCustom && !(typeof body.content === "string" && body.content)) {
    invalid("content is required for a text-only post", "content");
  }
  const timezone = body.timezone === undefined ? "UTC" : body.timezone;
  if (typeof timezone !== "string") invalid("timezone must be a string", "timezone");
  if (body.scheduledFor !== undefined) {
    if (typeof body.scheduledFor !== "string") invalid("scheduledFor must be a string");
    if (!isValidTimezone(timezone)) invalid(`Unknown timezone "${timezone}"`, "timezone");
  }
  return {
    content: body.content as string | undefined,
    mediaItems: (body.mediaItems as Array<Record<string, unknown>> | undefined) ?? [],
    platforms: platforms as ValidCreatePost["platforms"],
    publishNow: body.publishNow === true,
    isDraft,
    scheduledFor: body.scheduledFor as string | undefined,
    timezone,
    raw: body,
  };
}

export function validatePresign(body: unknown): {
  filename: string;
  contentType: string;
  size?: number;
} {
  if (!isObject(body)) invalid("The request body must be a JSON object");
  checkKnown(body, new Set(["filename", "contentType", "size"]), "the presign request");
  if (typeof body.filename !== "string" || !body.filename) invalid("filename is required");
  if (typeof body.contentType !== "string" || !PRESIGN_CONTENT_TYPES.has(body.contentType)) {
    invalid(`contentType "${String(body.contentType)}" is not supported`, "contentType");
  }
  if (body.size !== undefined) {
    if (typeof body.size !== "number" || body.size < 0) invalid("size must be a number", "size");
    if (body.size > 5 * 1024 ** 3) invalid("Files are limited to 5 GB", "size");
  }
  return body as { filename: string; contentType: string; size?: number };
}
