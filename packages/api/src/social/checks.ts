// Pre-publish checks, from the local rule table (@streamline/social) and the asset's real media
// facts: run live by social.check for the dialog, and again by social.schedule / update before
// anything is sent to Zernio.
import type { MediaAsset } from "@streamline/db";
import {
  captionLimit,
  checkPost,
  instantOf,
  type Platform,
  type PostIssue,
  platformLabel,
  toZernioPlatform,
} from "@streamline/social";
import { TRPCError } from "@trpc/server";
import { InputFieldError } from "../trpc";
import { measureCaption } from "./captions";
import { mediaFactsOf } from "./media";

export type PostIssueDto = {
  platform: Platform;
  /** Stable rule id: caption.length, media.required, video.duration, schedule.past, … */
  rule: string;
  message: string;
  /** The input field it is about: captions.x.text, captions.youtube.title, scheduledFor, targets, assetId. */
  field: string;
  /** Who found it: Zernio's validation (POST /v1/tools/validate/post) or the local rule table. */
  source: "zernio" | "local";
};

/** Who decided a check: Zernio (reached) or the local rules alone (`notice` says why). */
export type ValidationDto = { by: "zernio" | "local"; notice?: string };

export interface PostDraft {
  targets: Array<{ accountId: string; platform: Platform }>;
  captions: Partial<Record<Platform, { text: string; title?: string | undefined }>>;
  publishNow: boolean;
  scheduledFor?: string | undefined;
  timezone?: string | undefined;
  tiktok?:
    | {
        consent: boolean;
        allowComment?: boolean | undefined;
        allowDuet?: boolean | undefined;
        allowStitch?: boolean | undefined;
        privacyLevel?: string | undefined;
      }
    | undefined;
  pinterest?: { boardId?: string | undefined } | undefined;
}

function fieldOf(platform: Platform, rule: string, mediaField: string): string {
  if (rule.startsWith("title.")) return `captions.${platform}.title`;
  if (rule.startsWith("caption.") || rule.endsWith("Tags.count") || rule.startsWith("hashtags."))
    return `captions.${platform}.text`;
  if (rule.startsWith("schedule.")) return "scheduledFor";
  if (rule.startsWith("targets.")) return "targets";
  if (rule === "tiktok.consent") return "tiktok.consent";
  return mediaField;
}

/**
 * Every refusal and warning of a draft against its media items in order (one asset, or several:
 * a carousel). Media rules name `assetId` for one item and `assetIds` for several.
 */
export function checkDraft(
  assets: MediaAsset | readonly MediaAsset[],
  draft: PostDraft,
  now: Date,
  options: { premium?: ReadonlySet<string> | undefined } = {},
) {
  const items = Array.isArray(assets) ? assets : [assets as MediaAsset];
  const mediaField = items.length > 1 ? "assetIds" : "assetId";
  const facts = items.map(mediaFactsOf);
  const media = facts[0] as ReturnType<typeof mediaFactsOf>;
  const platforms = [...new Set(draft.targets.map((t) => t.platform))];
  const refusals: PostIssueDto[] = [];
  const warnings: PostIssueDto[] = [];
  const toDto =
    (platform: Platform) =>
    (issue: PostIssue | Omit<PostIssue, "platform">): PostIssueDto => ({
      platform,
      rule: issue.rule,
      message: issue.message,
      field: fieldOf(platform, issue.rule, mediaField),
      source: "local",
    });
  const seen = new Set<string>();
  for (const target of draft.targets) {
    if (seen.has(target.accountId)) {
      refusals.push(
        toDto(target.platform)({
          rule: "targets.duplicate",
          message: `${platformLabel(target.platform)}: the same account is picked twice.`,
        }),
      );
    }
    seen.add(target.accountId);
  }
  if (platforms.includes("tiktok") && !draft.tiktok?.consent) {
    refusals.push(
      toDto("tiktok")({
        rule: "tiktok.consent",
        message:
          "TikTok: confirm that you agree to publish this post to TikTok (TikTok asks the creator's consent for every post).",
      }),
    );
  }
  const byPlatform = platforms.map((platform) => {
    const caption = draft.captions[platform] ?? { text: "" };
    // X Premium: the longer limit when every X account picked has it (Zernio's account metadata).
    const onPlatform = draft.targets.filter((t) => t.platform === platform);
    const premium =
      platform === "x" &&
      onPlatform.length > 0 &&
      onPlatform.every((t) => options.premium?.has(t.accountId) === true);
    const check = checkPost({
      premium,
      platform: toZernioPlatform(platform),
      caption: { text: caption.text, title: caption.title },
      media: facts,
      publishNow: draft.publishNow,
      scheduledFor: draft.scheduledFor,
      timezone: draft.timezone,
      now,
    });
    const measured = measureCaption(platform, caption.text, caption.title ?? null);
    const entry = {
      platform,
      length: measured.length,
      limit: premium ? captionLimit("twitter", { premium }) : measured.limit,
      titleLength: measured.titleLength,
      titleLimit: measured.titleLimit,
      refusals: check.refusals.map(toDto(platform)),
      warnings: check.warnings.map(toDto(platform)),
    };
    refusals.push(...entry.refusals);
    warnings.push(...entry.warnings);
    return entry;
  });
  const at =
    !draft.publishNow && draft.scheduledFor
      ? instantOf(draft.scheduledFor, draft.timezone)
      : undefined;
  return {
    ok: refusals.length === 0,
    refusals,
    warnings,
    platforms: byPlatform,
    /** The instant the post goes out (null: now). */
    scheduledAt: at ?? null,
    /** The cover item's facts (the first). */
    media,
    /** Every item's facts, in order. */
    items: facts,
    /** Local rules only here; validateDraft (validation.ts) adds Zernio's verdict. */
    validation: { by: "local" } as ValidationDto,
  };
}
export type PostCheckDto = ReturnType<typeof checkDraft>;

/** A refused draft as one BAD_REQUEST naming each platform and rule, per input field. */
export function refusalError(refusals: PostIssueDto[]): TRPCError {
  const [first, ...rest] = refusals;
  const describe = (r: PostIssueDto) => `${r.message} (${platformLabel(r.platform)}: ${r.rule})`;
  const message = first
    ? `${describe(first)}${rest.length ? ` — and ${rest.length} more` : ""}`
    : "The post was refused.";
  const fieldErrors: Record<string, string[]> = {};
  for (const refusal of refusals) {
    const list = fieldErrors[refusal.field] ?? [];
    list.push(describe(refusal));
    fieldErrors[refusal.field] = list;
  }
  return new TRPCError({
    code: "BAD_REQUEST",
    message,
    cause: new InputFieldError(message, fieldErrors),
  });
}
