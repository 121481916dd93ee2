// What Zernio is sent for a post: the create/update body built from the row.
import type { PostTarget, PostTiming } from "../types";
import { isPlatform, toZernioPlatform } from "./platforms";
import type { PostRecord } from "./record";

/**
 * What the user chose for TikTok in the dialog (kept in the row's metadata). TikTok's Content
 * Posting rules want the creator's explicit consent per post and their own choice of interactions
 * (Zernio: allowDuet/allowStitch "required for video posts"); nothing is pre-ticked for them.
 */
export type TikTokSettings = {
  allowComment: boolean;
  allowDuet: boolean;
  allowStitch: boolean;
  consent: boolean;
  /**
   * One of the account's creator-info privacy levels (GET /v1/accounts/{id}/tiktok/creator-info),
   * sent as platformSpecificData.privacyLevel; absent: Zernio's default.
   */
  privacyLevel?: string | undefined;
};

export function tiktokSettingsOf(metadata: Record<string, unknown>): TikTokSettings | undefined {
  const t = metadata.tiktok as Partial<TikTokSettings> | undefined;
  if (!t || typeof t !== "object") return undefined;
  return {
    allowComment: t.allowComment === true,
    allowDuet: t.allowDuet === true,
    allowStitch: t.allowStitch === true,
    consent: t.consent === true,
    ...(typeof t.privacyLevel === "string" && t.privacyLevel
      ? { privacyLevel: t.privacyLevel }
      : {}),
  };
}

/** The Pinterest board the user picked (row metadata); absent: Zernio pins to the first board. */
export type PinterestSettings = { boardId: string };

export function pinterestSettingsOf(
  metadata: Record<string, unknown>,
): PinterestSettings | undefined {
  const p = metadata.pinterest as Partial<PinterestSettings> | undefined;
  return p && typeof p === "object" && typeof p.boardId === "string" && p.boardId
    ? { boardId: p.boardId }
    : undefined;
}

/** The per-platform options (TikTokPlatformData, PinterestPlatformData, YouTube's title). */
function platformDataOf(
  platform: string,
  title: string | null | undefined,
  tiktok: TikTokSettings | undefined,
  pinterest: PinterestSettings | undefined,
): Record<string, unknown> | undefined {
  if (platform === "tiktok" && tiktok) {
    // TikTokPlatformData (Zernio types.gen.ts): interactions as chosen, the consent given, and the
    // privacy level picked from the creator's own list.
    return {
      allowComment: tiktok.allowComment,
      allowDuet: tiktok.allowDuet,
      allowStitch: tiktok.allowStitch,
      contentPreviewConfirmed: tiktok.consent,
      expressConsentGiven: tiktok.consent,
      ...(tiktok.privacyLevel ? { privacyLevel: tiktok.privacyLevel } : {}),
    };
  }
  const data: Record<string, unknown> = {};
  if ((platform === "youtube" || platform === "pinterest") && title) data.title = title;
  if (platform === "pinterest" && pinterest) data.boardId = pinterest.boardId;
  return Object.keys(data).length ? data : undefined;
}

/** The create/update body's text part: one `content`, per-platform `customContent` where it differs. */
export function zernioPostBody(
  post: Pick<PostRecord, "targets" | "captions"> & { metadata?: Record<string, unknown> },
): {
  content: string;
  platforms: PostTarget[];
} {
  const tiktok = tiktokSettingsOf(post.metadata ?? {});
  const pinterest = pinterestSettingsOf(post.metadata ?? {});
  const textOf = (platform: string) => post.captions[platform]?.text ?? "";
  const content = post.targets[0] ? textOf(post.targets[0].platform) : "";
  const platforms = post.targets.map((target): PostTarget => {
    const text = textOf(target.platform);
    const data = platformDataOf(
      target.platform,
      post.captions[target.platform]?.title,
      tiktok,
      pinterest,
    );
    return {
      platform: isPlatform(target.platform) ? toZernioPlatform(target.platform) : target.platform,
      accountId: target.accountId,
      ...(text !== content ? { customContent: text } : {}),
      ...(data ? { platformSpecificData: data } : {}),
    };
  });
  return { content, platforms };
}

export function timingOf(
  post: Pick<PostRecord, "publish_now" | "scheduled_local" | "timezone">,
): PostTiming {
  return post.publish_now || !post.scheduled_local || !post.timezone
    ? { publishNow: true }
    : { scheduledFor: post.scheduled_local, timezone: post.timezone };
}
