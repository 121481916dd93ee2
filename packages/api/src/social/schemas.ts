// The social router's inputs, defined once. Platform ids are ours (x, not Zernio's twitter).

import { CAPTION_LIMITS } from "@streamline/providers";
import { isValidTimezone, PLATFORM_RULES, PLATFORMS } from "@streamline/social";
import { z } from "zod";

export const platformSchema = z.enum(PLATFORMS, {
  message: `Choose one of: ${PLATFORMS.join(", ")}.`,
});

/**
 * The longest platform limit (Facebook's 63,206 characters) plus a margin: a caption over its own
 * platform's limit is kept, flagged, but nothing longer than any platform takes is stored.
 */
export const CAPTION_TEXT_MAX =
  Math.max(...Object.values(PLATFORM_RULES).map((rules) => rules.caption.maxLength)) + 1_000;
export const CAPTION_TITLE_MAX = 1_000;

const idempotencyKey = z
  .string()
  .min(8, "Send an idempotency key of 8–128 characters.")
  .max(128, "Send an idempotency key of 8–128 characters.")
  .regex(/^[A-Za-z0-9_.:-]+$/, "Use letters, digits and _ . : - in the idempotency key.");

const bounded = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} is at most ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : undefined));

export const captionInput = z.object({
  assetId: z.uuid("Not an asset id."),
  platforms: z
    .array(platformSchema)
    .min(1, "Pick at least one platform.")
    .max(PLATFORMS.length)
    .refine((list) => new Set(list).size === list.length, "Each platform once."),
  tone: bounded(CAPTION_LIMITS.tone, "The tone"),
  language: bounded(CAPTION_LIMITS.language, "The language"),
  hashtags: z.boolean(),
  callToAction: bounded(CAPTION_LIMITS.callToAction, "The call to action"),
  instructions: bounded(CAPTION_LIMITS.instructions, "The instructions"),
  model: z.string().min(1).max(100, "That is not a model id.").optional(),
  /** The same key never calls the provider twice (double clicks, re-sent requests). */
  idempotencyKey,
});
export type CaptionInputDto = z.infer<typeof captionInput>;

export const assetInput = z.object({ assetId: z.uuid("Not an asset id.") });

/** social.captions: a page of versions (newest first), optionally of one platform. */
export const captionsInput = z.object({
  assetId: z.uuid("Not an asset id."),
  platform: platformSchema.optional(),
  cursor: z.string().max(200, "This cursor is not one social.captions gave out.").nullish(),
  limit: z
    .number()
    .int()
    .min(1, "Ask for 1–50 versions.")
    .max(50, "Ask for 1–50 versions.")
    .optional(),
});
export type CaptionsQueryDto = z.infer<typeof captionsInput>;

export const editCaptionInput = z.object({
  assetId: z.uuid("Not an asset id."),
  platform: platformSchema,
  text: z.string().max(CAPTION_TEXT_MAX, `A caption is at most ${CAPTION_TEXT_MAX} characters.`),
  title: z
    .string()
    .max(CAPTION_TITLE_MAX, `A title is at most ${CAPTION_TITLE_MAX} characters.`)
    .optional(),
});

const postCaption = z.object({
  text: z.string().max(CAPTION_TEXT_MAX, `A caption is at most ${CAPTION_TEXT_MAX} characters.`),
  title: z
    .string()
    .max(CAPTION_TITLE_MAX, `A title is at most ${CAPTION_TITLE_MAX} characters.`)
    .optional(),
});

export const postTarget = z.object({
  accountId: z.string().min(1, "Pick an account.").max(200, "That is not an account id."),
  platform: platformSchema,
});

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** When: "Post now", or a local date-time ("YYYY-MM-DDTHH:mm") read in an IANA timezone. */
const timing = {
  publishNow: z.boolean().default(false),
  scheduledFor: z
    .string()
    .regex(LOCAL_DATE_TIME, 'Use a local date and time like "2026-12-24T09:00".')
    .optional(),
  timezone: z
    .string()
    .max(100)
    .refine(isValidTimezone, "Use an IANA timezone such as Europe/Berlin.")
    .optional(),
};

function requireTime(
  input: {
    publishNow?: boolean | undefined;
    scheduledFor?: string | undefined;
    timezone?: string | undefined;
  },
  ctx: z.RefinementCtx,
) {
  if (input.publishNow) return;
  if (!input.scheduledFor)
    ctx.addIssue({
      code: "custom",
      path: ["scheduledFor"],
      message: 'Choose a date and time, or "Post now".',
    });
  if (!input.timezone)
    ctx.addIssue({ code: "custom", path: ["timezone"], message: "Choose a timezone." });
}

/** The most items any platform takes in one post (TikTok's 35-photo carousel). */
export const MAX_POST_MEDIA = 35;

const postBody = z.object({
  /** One asset (the post's only item). Send this or `assetIds`. */
  assetId: z.uuid("Not an asset id.").optional(),
  /** The post's media in order (a carousel); the first is its cover. Send this or `assetId`. */
  assetIds: z
    .array(z.uuid("Not an asset id."))
    .min(1, "Pick at least one image or video.")
    .max(MAX_POST_MEDIA, `At most ${MAX_POST_MEDIA} images or videos per post.`)
    .refine((list) => new Set(list).size === list.length, "Each asset once.")
    .optional(),
  targets: z
    .array(postTarget)
    .min(1, "Pick at least one account.")
    .max(20, "At most 20 accounts per post."),
  /** The caption per platform, as it will be posted (YouTube, Pinterest: description + title). */
  captions: z.partialRecord(platformSchema, postCaption).default({}),
  /** TikTok's per-post choices: interactions (none pre-ticked) and the creator's consent. */
  tiktok: z
    .object({
      allowComment: z.boolean().default(false),
      allowDuet: z.boolean().default(false),
      allowStitch: z.boolean().default(false),
      consent: z.boolean().default(false),
      /**
       * One of the account's privacy levels (social.accountOptions → tiktok.privacyLevels), sent as
       * platformSpecificData.privacyLevel; left out, Zernio's default applies.
       */
      privacyLevel: z
        .string()
        .max(64, "That is not a TikTok privacy level.")
        .regex(/^[A-Z_]+$/, "That is not a TikTok privacy level.")
        .optional(),
    })
    .optional(),
  /** Pinterest: the board to pin to (social.accountOptions → pinterest.boards); left out, the first. */
  pinterest: z
    .object({
      boardId: z
        .string()
        .min(1, "Pick a Pinterest board.")
        .max(200, "That is not a Pinterest board id."),
    })
    .optional(),
  ...timing,
});

function requireMedia(
  input: { assetId?: string | undefined; assetIds?: string[] | undefined },
  ctx: z.RefinementCtx,
) {
  if (input.assetId && input.assetIds) {
    ctx.addIssue({
      code: "custom",
      path: ["assetIds"],
      message: "Send assetId (one item) or assetIds (several), not both.",
    });
  } else if (!input.assetId && !input.assetIds) {
    ctx.addIssue({ code: "custom", path: ["assetId"], message: "Pick an image or a video." });
  }
}

/** The post's items in order, whichever way they were sent. */
export function assetIdsOf(input: {
  assetId?: string | undefined;
  assetIds?: string[] | undefined;
}) {
  return input.assetIds ?? (input.assetId ? [input.assetId] : []);
}

export const checkInput = postBody.superRefine(requireTime).superRefine(requireMedia);
export type CheckInput = z.infer<typeof checkInput>;

export const scheduleInput = postBody
  .extend({ idempotencyKey })
  .superRefine(requireTime)
  .superRefine(requireMedia);
export type ScheduleInput = z.infer<typeof scheduleInput>;

export const postIdInput = z.object({ postId: z.uuid("Not a post id.") });

export const postsInput = z.object({ assetId: z.uuid("Not an asset id.").optional() }).default({});

/** Reschedule and/or edit a post while it is still scheduled; what is left out stays as it was. */
export const updatePostInput = z
  .object({
    postId: z.uuid("Not a post id."),
    captions: z.partialRecord(platformSchema, postCaption).optional(),
    publishNow: z.boolean().optional(),
    scheduledFor: timing.scheduledFor,
    timezone: timing.timezone,
  })
  .superRefine((input, ctx) => {
    if (input.scheduledFor && !input.timezone)
      ctx.addIssue({ code: "custom", path: ["timezone"], message: "Choose a timezone." });
  });
export type UpdatePostInput = z.infer<typeof updatePostInput>;

export const retryPostInput = z.object({
  postId: z.uuid("Not a post id."),
  /** Informational: Zernio retries every failed platform of the post at once. */
  platform: platformSchema.optional(),
});

/** social.accountOptions: what one of the caller's accounts can be posted with. */
export const accountOptionsInput = z.object({
  accountId: z.string().min(1, "Pick an account.").max(200, "That is not an account id."),
  /** TikTok: the creator info for a video or a photo post (duet/stitch do not apply to photos). */
  mediaType: z.enum(["video", "photo"]).optional(),
});

/** Connect a new account on a platform (into the caller's own Zernio profile). */
export const connectInput = z.object({ platform: platformSchema });

// ── The posts page (issue 19) ──────────────────────────────────────────────────────────────────

export const POST_STATUSES = [
  "queued",
  "sending",
  "scheduled",
  "publishing",
  "published",
  "partial",
  "failed",
  "cancelled",
] as const;

const isoInstant = (what: string) =>
  z.iso.datetime({ offset: true, message: `${what}: use an ISO date-time with its offset.` });

/**
 * social.list: the caller's posts by when they go out. `view` "upcoming" (queued … publishing,
 * ascending) or "history" (published, partial, failed, cancelled, newest first); `from`/`to` for a
 * calendar range (instants; `to` exclusive).
 */
export const listPostsInput = z
  .object({
    view: z.enum(["all", "upcoming", "history"]).default("all"),
    status: z.array(z.enum(POST_STATUSES)).max(POST_STATUSES.length).optional(),
    platform: z.array(platformSchema).max(PLATFORMS.length).optional(),
    accountId: z.array(z.string().min(1).max(200, "That is not an account id.")).max(50).optional(),
    from: isoInstant("from").optional(),
    to: isoInstant("to").optional(),
    q: z.string().max(200, "Search for at most 200 characters.").optional(),
    order: z.enum(["asc", "desc"]).optional(),
    cursor: z.string().max(300, "This cursor is not one social.list gave out.").nullish(),
    limit: z
      .number()
      .int()
      .min(1, "Ask for 1–100 posts.")
      .max(100, "Ask for 1–100 posts.")
      .default(50),
  })
  .superRefine((input, ctx) => {
    if (input.from && input.to && Date.parse(input.from) >= Date.parse(input.to)) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "`to` must be after `from`." });
    }
  })
  .default({ view: "all", limit: 50 });
export type ListPostsInput = z.infer<typeof listPostsInput>;

/** Undo a cancel: the post is sent to Zernio again as it was (only while its time is ahead). */
export const restorePostInput = z.object({ postId: z.uuid("Not a post id.") });

/** The same media, accounts and captions as a new post, at a new time (or now). */
export const duplicatePostInput = z
  .object({
    postId: z.uuid("Not a post id."),
    idempotencyKey,
    ...timing,
  })
  .superRefine(requireTime);
export type DuplicatePostInput = z.infer<typeof duplicatePostInput>;

const postIds = z
  .array(z.uuid("Not a post id."))
  .min(1, "Pick at least one post.")
  .max(100, "At most 100 posts at once.")
  .refine((list) => new Set(list).size === list.length, "Each post once.");

export const cancelManyInput = z.object({ postIds });

/** Move several posts: each to its own new local time (the calendar computes them). */
export const moveManyInput = z.object({
  moves: z
    .array(
      z.object({
        postId: z.uuid("Not a post id."),
        scheduledFor: z
          .string()
          .regex(LOCAL_DATE_TIME, 'Use a local date and time like "2026-12-24T09:00".'),
        timezone: z
          .string()
          .max(100)
          .refine(isValidTimezone, "Use an IANA timezone such as Europe/Berlin."),
      }),
    )
    .min(1, "Pick at least one post.")
    .max(100, "At most 100 posts at once.")
    .refine((list) => new Set(list.map((m) => m.postId)).size === list.length, "Each post once."),
});

// ── Queue slots (issue 19) ──

const slotTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a local time like "09:00".');

export const queueSlotsInput = z
  .object({ accountId: z.string().min(1).max(200, "That is not an account id.").optional() })
  .default({});

/** An account's weekly slots, replaced whole (e.g. Mon–Fri 09:00 and 18:00 in Europe/Berlin). */
export const setQueueSlotsInput = z.object({
  accountId: z.string().min(1, "Pick an account.").max(200, "That is not an account id."),
  timezone: z
    .string()
    .max(100)
    .refine(isValidTimezone, "Use an IANA timezone such as Europe/Berlin."),
  slots: z
    .array(
      z.object({
        weekday: z.number().int().min(1).max(7, "Weekdays are 1 (Monday) to 7 (Sunday)."),
        time: slotTime,
      }),
    )
    .max(100, "At most 100 slots a week.")
    .refine(
      (list) => new Set(list.map((s) => `${s.weekday} ${s.time}`)).size === list.length,
      "Each slot once.",
    ),
});

/** The account's free slots in [from, to) (the calendar shows them); at most 62 days. */
export const freeSlotsInput = z
  .object({
    accountId: z.string().min(1, "Pick an account.").max(200, "That is not an account id."),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((input, ctx) => {
    const from = input.from ? Date.parse(input.from) : Date.now();
    const to = input.to ? Date.parse(input.to) : from + 14 * 86_400_000;
    if (to <= from)
      ctx.addIssue({ code: "custom", path: ["to"], message: "`to` must be after `from`." });
    if (to - from > 62 * 86_400_000)
      ctx.addIssue({ code: "custom", path: ["to"], message: "Ask for at most 62 days." });
  });

/** Like social.schedule, without a time: each account's next free slot. */
export const addToQueueInput = postBody
  .omit({ publishNow: true, scheduledFor: true, timezone: true })
  .extend({ idempotencyKey })
  .superRefine(requireMedia);
export type AddToQueueInput = z.infer<typeof addToQueueInput>;
