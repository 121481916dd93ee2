// Zernio's validation as the authority (issue 19 item 5). Before a post is created or changed, the
// body a create would send goes to POST /v1/tools/validate/post (a dry run: nothing is created,
// uploaded or charged). Its errors block (BAD_REQUEST naming the platform's field), its warnings
// are shown. The local rule table (@streamline/social rules.ts) gives instant feedback and decides
// alone when Zernio cannot be reached — the answer says so (`validation.notice`). Nothing is cached:
// every check sends the body as it is now.
import type { MediaAsset, PostCaptionRecord } from "@streamline/db";
import {
  fromZernioPlatform,
  isSocialError,
  type Platform,
  type PostContentBody,
  type PostMediaItem,
  type PostValidation,
  platformLabel,
  type ZernioClient,
  zernioPostBody,
} from "@streamline/social";
import { checkDraft, type PostDraft, type PostIssueDto, type ValidationDto } from "./checks";

/**
 * Local rules Zernio's validation also applies ("character limit violations, hashtag limits,
 * missing media", "> 90% of character limit" warnings): when Zernio answers, its findings replace
 * these local ones (no finding twice, in Zernio's words). Every other local rule — the media file's
 * facts, the time, consent, duplicate accounts — stays: Zernio's validation "does NOT validate
 * accounts, process media".
 */
const DECIDED_BY_ZERNIO = new Set([
  "caption.length",
  "caption.nearLimit",
  "title.length",
  "hashtags.count",
  "hashtags.recommended",
  "media.required",
]);

/**
 * The local refusals that stand before the caller's accounts are read: all of them but X's length,
 * which depends on whether the X account has Premium (25,000 instead of 280).
 */
export function instantRefusals(check: { refusals: PostIssueDto[] }): PostIssueDto[] {
  return check.refusals.filter((r) => !(r.platform === "x" && r.rule === "caption.length"));
}

export const NOTICE_UNREACHABLE =
  "Zernio's validation could not be reached; checked with local rules only.";
export const NOTICE_NOT_CONFIGURED =
  "Posting is not configured (no ZERNIO_API_KEY); checked with local rules only.";

/** How long a check waits for Zernio's verdict before the local rules decide alone. */
export const VALIDATION_DEADLINE_MS = 10_000;

/**
 * Where media items stand in the validated body while their upload is still to come (the post job
 * uploads them when it sends). validate/post "does NOT … process media": only each item's type (and
 * the extension it must agree with) is checked, so the stand-in carries the stored file's own
 * extension. Once an item is uploaded (post_media.media_url) its real URL is validated instead.
 */
export const PENDING_MEDIA_ORIGIN = "https://pending-upload.streamline.invalid";

/** The media item a create would carry for this asset (posting-media.ts's type rule). */
export function mediaItemOf(asset: MediaAsset, knownUrl?: string | null): PostMediaItem {
  const mimeType = typeof asset.metadata.mimeType === "string" ? asset.metadata.mimeType : "";
  const type = asset.type === "video" ? "video" : mimeType === "image/gif" ? "gif" : "image";
  if (knownUrl) return { type, url: knownUrl };
  const key = (asset.metadata.storage as { resultKey?: unknown } | undefined)?.resultKey;
  const extension =
    typeof key === "string" && key.includes(".")
      ? key.split(".").pop()
      : type === "video"
        ? "mp4"
        : type === "gif"
          ? "gif"
          : "png";
  return { type, url: `${PENDING_MEDIA_ORIGIN}/${asset.id}.${extension}` };
}

/** The row metadata a draft's platform options become (what schedule stores and the worker sends). */
export function draftMetadata(draft: PostDraft): Record<string, unknown> {
  const platforms = new Set(draft.targets.map((t) => t.platform));
  const boardId = draft.pinterest?.boardId;
  return {
    ...(draft.tiktok && platforms.has("tiktok") ? { tiktok: draft.tiktok } : {}),
    ...(boardId && platforms.has("pinterest") ? { pinterest: { boardId } } : {}),
  };
}

/**
 * The content body of the create for this draft: zernioPostBody — the very function the post job
 * uses on the stored row — over the same targets, caption texts and metadata, with the media items.
 */
export function draftBody(
  draft: PostDraft,
  media: PostMediaItem[],
  metadata: Record<string, unknown> = draftMetadata(draft),
): PostContentBody {
  // zernioPostBody reads each caption's text and title only (the version id is not sent).
  const captions: Record<string, PostCaptionRecord> = {};
  for (const [platform, caption] of Object.entries(draft.captions)) {
    if (caption) {
      captions[platform] = { captionId: "", text: caption.text, title: caption.title ?? null };
    }
  }
  const { content, platforms } = zernioPostBody({ targets: draft.targets, captions, metadata });
  return { content, mediaItems: media, platforms };
}

/** The input field a Zernio finding is about, from its words (Zernio names no field). */
function fieldOfFinding(platform: Platform, message: string, mediaField: string): string {
  if (/privacy/i.test(message)) return "tiktok.privacyLevel";
  if (/board/i.test(message)) return "pinterest.boardId";
  if (/title/i.test(message)) return `captions.${platform}.title`;
  if (/\b(media|image|images|video|videos|photo|gif)\b/i.test(message)) return mediaField;
  return `captions.${platform}.text`;
}

function findingsToDtos(
  findings: PostValidation["errors"],
  draft: PostDraft,
  mediaField: string,
): PostIssueDto[] {
  const fallback = (draft.targets[0]?.platform ?? "x") as Platform;
  return findings.map((finding) => {
    const platform = (fromZernioPlatform(finding.platform) as Platform | undefined) ?? fallback;
    return {
      platform,
      rule: "zernio.validation",
      message: `${platformLabel(platform)}: ${finding.message}`,
      field: fieldOfFinding(platform, finding.message, mediaField),
      source: "zernio",
    };
  });
}

type Verdict = { kind: "answered"; result: PostValidation } | { kind: "unreachable" };

/** Zernio's verdict on `body`; a 400 from Zernio is a verdict too (its words block the post). */
async function askZernio(zernio: ZernioClient, body: PostContentBody): Promise<Verdict> {
  try {
    const result = await zernio.validatePost(body, {
      signal: AbortSignal.timeout(VALIDATION_DEADLINE_MS),
    });
    return { kind: "answered", result };
  } catch (error) {
    if (isSocialError(error) && error.code === "VALIDATION") {
      return {
        kind: "answered",
        result: { valid: false, errors: [{ platform: "", message: error.message }], warnings: [] },
      };
    }
    return { kind: "unreachable" };
  }
}

export type ValidatedCheck = ReturnType<typeof checkDraft> & { validation: ValidationDto };

/**
 * The draft checked by the local rules and, when reachable, by Zernio on exactly `body`. A local
 * refusal blocks without asking Zernio (instant, no call); otherwise Zernio's errors block and its
 * warnings replace the local ones it also gives. Unreachable: the local rules alone, with a notice.
 */
export async function validateDraft(
  zernio: ZernioClient | undefined,
  assets: readonly MediaAsset[],
  draft: PostDraft,
  now: Date,
  body: PostContentBody,
  options: { premium?: ReadonlySet<string> } = {},
): Promise<ValidatedCheck> {
  const local = checkDraft(assets, draft, now, options);
  if (!zernio) {
    return { ...local, validation: { by: "local", notice: NOTICE_NOT_CONFIGURED } };
  }
  if (local.refusals.length > 0) {
    // The local table (aligned with Zernio's, X Premium included) already refuses: no call.
    return { ...local, validation: { by: "local" } };
  }
  const verdict = await askZernio(zernio, body);
  if (verdict.kind === "unreachable") {
    return { ...local, validation: { by: "local", notice: NOTICE_UNREACHABLE } };
  }
  const mediaField = assets.length > 1 ? "assetIds" : "assetId";
  const errors = findingsToDtos(verdict.result.errors, draft, mediaField);
  const warnings = findingsToDtos(verdict.result.warnings, draft, mediaField);
  const keep = (issue: PostIssueDto) => !DECIDED_BY_ZERNIO.has(issue.rule);
  const refusals = [...local.refusals.filter(keep), ...errors];
  const platforms = local.platforms.map((entry) => ({
    ...entry,
    refusals: [
      ...entry.refusals.filter(keep),
      ...errors.filter((e) => e.platform === entry.platform),
    ],
    warnings: [
      ...entry.warnings.filter(keep),
      ...warnings.filter((w) => w.platform === entry.platform),
    ],
  }));
  return {
    ...local,
    ok: refusals.length === 0,
    refusals,
    warnings: [...local.warnings.filter(keep), ...warnings],
    platforms,
    validation: { by: "zernio" },
  };
}
