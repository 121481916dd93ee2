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
};

export function tiktokSettingsOf(metadata: Record<string, unknown>): TikTokSettings | undefined {
  const t = metadata.tiktok as Partial<TikTokSettings> | undefined;
  if (!t || typeof t !== "object") return undefined;
  return {
    allowComment: t.allowComment === true,
    allowDuet: t.allowDuet === true,
    allowStitch: t.allowStitch === true,
    consent: t.consent === true,
  };
}

/** The create/update body's text part: one `content`, per-platform `customContent` where it differs. */
export function zernioPostBody(
  post: Pick<PostRecord, "targets" | "captions"> & { metadata?: Record<string, unknown> },
): {
  content: string;
  platforms: PostTarget[];
} {
  const tiktok = tiktokSettingsOf(post.metadata ?? {});
  const textOf = (platform: string) => post.captions[platform]?.text ?? "";
  const content = post.targets[0] ? textOf(post.targets[0].platform) : "";
  const platforms = post.targets.map((target): PostTarget => {
    const caption = post.captions[target.platform];
    const text = textOf(target.platform);
    const title = caption?.title;
    const titled = (target.platform === "youtube" || target.platform === "pinterest") && title;
    // TikTokPlatformData (Zernio types.gen.ts): interactions as chosen, and the consent given.
    const tiktokData =
      target.platform === "tiktok" && tiktok
        ? {
            allowComment: tiktok.allowComment,
            allowDuet: tiktok.allowDuet,
            allowStitch: tiktok.allowStitch,
            contentPreviewConfirmed: tiktok.consent,
            expressConsentGiven: tiktok.consent,
          }
        : undefined;
    return {
      platform: isPlatform(target.platform) ? toZernioPlatform(target.platform) : target.platform,
      accountId: target.accountId,
      ...(text !== content ? { customContent: text } : {}),
      ...(titled ? { platformSpecificData: { title } } : {}),
      ...(tiktokData ? { platformSpecificData: tiktokData } : {}),
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
