// social.accounts / schedule / posts / update / cancel / retry. A post is a scheduled_posts row
// written (with its job, in one transaction) before anything reaches Zernio; the worker sends it.
import {
  type Caption,
  findMediaAsset,
  findScheduledPost,
  findScheduledPostByKey,
  insertPostMedia,
  insertScheduledPostOnce,
  latestCaptions,
  listPostMedia,
  listScheduledPosts,
  type PostCaptionRecord,
  publishMediaEvent,
  reservePostingSlot,
  type ScheduledPost,
  updateScheduledPost,
} from "@streamline/db";
import {
  fromZernioPlatform,
  instantOf,
  type Platform,
  platformLabel,
  postEventOf,
  type SocialAccount,
  tiktokSettingsOf,
  toZernioPlatform,
  zernioPostBody,
} from "@streamline/social";
import { TRPCError } from "@trpc/server";
import type { Kysely } from "kysely";
import type { ApiContext, SessionUser, SocialDeps } from "../context";
import { fieldError } from "../media/upload";
import { describeWait, tooManyRequests } from "../retry-later";
import { assertPlatformOptions, premiumAccounts } from "./account-options";
import { insertEditedCaption } from "./captions";
import { checkDraft, type PostDraft, type PostIssueDto, refusalError } from "./checks";
import { notFound, POSTING_NOT_CONFIGURED, postingNotConfigured, viaZernio } from "./errors";
import { changePost } from "./post-change";
import { assetIdsOfPosts, mediaOfPosts, type PostMediaDto, postableAssets } from "./post-media";
import { accountsOfCaller, assertOwnTargets, connectUrlOf, isShared } from "./profiles";
import { assetIdsOf, type CheckInput, type ScheduleInput, type UpdatePostInput } from "./schemas";
import {
  draftBody,
  draftMetadata,
  instantRefusals,
  mediaItemOf,
  type ValidatedCheck,
  validateDraft,
} from "./validation";

type Ctx = ApiContext & { user: SessionUser };
type Zernio = NonNullable<SocialDeps["zernio"]>;

function posting(ctx: Ctx): { social: SocialDeps; zernio: Zernio } {
  const social = ctx.social;
  if (!social?.zernio) throw postingNotConfigured();
  return { social, zernio: social.zernio };
}

const nowOf = (ctx: ApiContext) => ctx.social?.now?.() ?? new Date();

export function toAccountDto(account: SocialAccount & { platform: string }, demo: boolean) {
  return {
    id: account.id,
    /** Our platform id (x for Zernio's twitter). */
    platform: fromZernioPlatform(account.platform) as Platform,
    handle: account.username,
    displayName: account.displayName,
    avatarUrl: account.avatarUrl,
    profileUrl: account.profileUrl,
    connected: account.connected,
    /** Why it cannot be picked, when not connected. */
    reason: account.reason ?? null,
    demo,
  };
}
export type SocialAccountDto = ReturnType<typeof toAccountDto>;

/** social.accounts: never throws for a missing key; says what to configure instead. */
export async function accountsOf(ctx: Ctx) {
  const social = ctx.social;
  if (!social?.zernio) {
    return {
      configured: false as const,
      message: POSTING_NOT_CONFIGURED,
      demo: false,
      shared: false,
      accounts: [] as SocialAccountDto[],
    };
  }
  // Per-user: the caller's own Zernio profile (created on first use); shared mode: all of them.
  const accounts = await accountsOfCaller(ctx, social, social.zernio);
  return {
    configured: true as const,
    message: null,
    demo: social.demo,
    /** Every account of the Zernio workspace is listed (ZERNIO_SHARED_ACCOUNTS=1). */
    shared: isShared(social),
    accounts: accounts
      .filter((a) => fromZernioPlatform(a.platform) !== undefined)
      .map((a) => toAccountDto(a, social.demo)),
  };
}

/** social.connect: where to send the user to connect an account on `platform`. */
export async function connectAccount(ctx: Ctx, platform: Platform) {
  const { social, zernio } = posting(ctx);
  return connectUrlOf(ctx, social, zernio, platform);
}

export function toPostDto(post: ScheduledPost, media?: PostMediaDto[]) {
  const handles = new Map(post.targets.map((t) => [t.accountId, t.handle ?? null]));
  const platforms = (post.results.length ? post.results : post.targets).map((r) => {
    const result = r as Partial<ScheduledPost["results"][number]> & {
      platform: string;
      accountId: string;
    };
    return {
      platform: result.platform as Platform,
      accountId: result.accountId,
      handle: handles.get(result.accountId) ?? null,
      /** pending | scheduled | publishing | published | failed | cancelled */
      status: result.status ?? (post.status === "cancelled" ? "cancelled" : "pending"),
      url: result.url ?? null,
      publishedAt: result.publishedAt ?? null,
      errorMessage: result.errorMessage ?? null,
      errorCategory: result.errorCategory ?? null,
    };
  });
  return {
    id: post.id,
    /** The cover: the first media item. */
    assetId: post.asset_id,
    /** Every media item in order (a carousel), with thumbnails. */
    media: media ?? [
      {
        assetId: post.asset_id,
        position: 0,
        type: null,
        thumbnailUrl: null,
        url: null,
        width: null,
        height: null,
        deleted: false,
      },
    ],
    status: post.status,
    publishNow: post.publish_now,
    /** The instant it goes out; null for "Post now". */
    scheduledFor: post.scheduled_for,
    /** As the user picked it: local "YYYY-MM-DDTHH:mm" in `timezone`. */
    scheduledLocal: post.scheduled_local,
    timezone: post.timezone,
    targets: post.targets.map((t) => ({
      accountId: t.accountId,
      platform: t.platform as Platform,
      handle: t.handle ?? null,
    })),
    captions: post.captions as Partial<Record<Platform, PostCaptionRecord>>,
    platforms,
    zernioPostId: post.zernio_post_id,
    error: post.error_code
      ? { code: post.error_code, message: post.error_message ?? post.error_code }
      : null,
    attempts: post.attempts,
    demo: post.metadata.demo === true,
    /** An existing Zernio post was linked (x-request-id replay or 409 duplicate), not a new one. */
    linkedExisting: post.metadata.linkedExisting !== undefined,
    canUpdate: post.status === "queued" || post.status === "scheduled",
    canCancel: post.status === "queued" || post.status === "scheduled",
    canRetry: post.status === "failed" || post.status === "partial",
    createdAt: post.created_at,
    updatedAt: post.updated_at,
    completedAt: post.completed_at,
  };
}
export type ScheduledPostDto = ReturnType<typeof toPostDto>;

/** Posts as DTOs with their media items (one query for the items, one for their assets). */
export async function postDtos(ctx: ApiContext, posts: readonly ScheduledPost[]) {
  const media = await mediaOfPosts(ctx.db, ctx.storage, posts);
  return posts.map((post) => toPostDto(post, media.get(post.id)));
}

/** One post as a DTO with its media items. */
export async function postDto(ctx: ApiContext, post: ScheduledPost) {
  return (await postDtos(ctx, [post]))[0] as ScheduledPostDto;
}

/**
 * social.check: every refusal and warning for the dialog — the local rules, and Zernio's validation
 * of the body a create would send (`validation.by`; `notice` when Zernio could not be reached).
 * Nothing is posted; the account list is reused for 15 s (an account not the caller's is refused).
 */
export async function checkPostInput(ctx: Ctx, input: CheckInput) {
  const assets = await postableAssets(ctx.db, ctx.user.id, assetIdsOf(input));
  const social = ctx.social;
  let premium: Set<string> | undefined;
  if (social?.zernio) {
    const byId = await assertOwnTargets(ctx, social, social.zernio, input.targets, {
      cached: true,
    });
    premium = premiumAccounts(byId.values());
  }
  const body = draftBody(
    input,
    assets.map((a) => mediaItemOf(a)),
  );
  return validateDraft(social?.zernio, assets, input, nowOf(ctx), body, { premium });
}

/** What schedule and update answer besides the post: Zernio's (or the local) warnings. */
function withValidation(dto: ScheduledPostDto, check?: ValidatedCheck) {
  return {
    ...dto,
    /** Warnings the post went out with (Zernio's when it was reached). */
    warnings: (check?.warnings ?? []) as PostIssueDto[],
    /** Who validated it; null on an idempotent replay (nothing was checked again). */
    validation: check?.validation ?? null,
  };
}

/**
 * The picked accounts are the caller's (their profile's; any of the workspace's in shared mode),
 * are on the platform named, and can be posted to.
 */
async function verifyTargets(
  ctx: Ctx,
  social: SocialDeps,
  zernio: Zernio,
  targets: PostDraft["targets"],
) {
  const byId = await assertOwnTargets(ctx, social, zernio, targets);
  const verified = targets.map((target) => {
    const account = byId.get(target.accountId);
    const label = platformLabel(target.platform);
    if (!account) {
      throw fieldError(
        "targets",
        `${label}: account ${target.accountId} is not connected in Zernio.`,
      );
    }
    if (account.platform !== toZernioPlatform(target.platform)) {
      throw fieldError(
        "targets",
        `${label}: account ${account.username ?? account.id} is a ${account.platform} account.`,
      );
    }
    if (!account.connected) {
      throw fieldError(
        "targets",
        `${label}: account ${account.username ?? account.id} cannot be posted to — ${account.reason ?? "disconnected"}.`,
      );
    }
    return { ...target, handle: account.username };
  });
  return { targets: verified, premium: premiumAccounts(byId.values()) };
}

/**
 * The caption version each platform posts: the latest one when the text is unchanged, otherwise
 * what the dialog sent becomes a new "edited" version.
 */
async function captionVersions(
  db: Kysely<import("@streamline/db").Database>,
  user: SessionUser,
  assetId: string,
  captions: PostDraft["captions"],
  platforms: Platform[],
): Promise<Record<string, PostCaptionRecord>> {
  const latest = new Map<string, Caption>(
    (await latestCaptions(db, { assetId, userId: user.id })).map((c) => [c.platform, c]),
  );
  const out: Record<string, PostCaptionRecord> = {};
  for (const platform of platforms) {
    const sent = captions[platform] ?? { text: "" };
    const previous = latest.get(platform);
    const title = sent.title ?? null;
    const same = previous && previous.text === sent.text && (previous.title ?? null) === title;
    const version = same
      ? previous
      : await insertEditedCaption(
          { db, user },
          { assetId, platform, text: sent.text, title, previous },
        );
    out[platform] = { captionId: version.id, text: version.text, title: version.title };
  }
  return out;
}

/** Default SOCIAL_POSTS_PER_MINUTE. */
export const POSTS_PER_MINUTE = 20;

/**
 * The per-user posting rate: every schedule call past the checks that cost nothing (before the
 * account list, the upload and the create it leads to on the workspace's one Zernio key) takes a
 * slot; past the limit, TOO_MANY_REQUESTS with when to try again (HTTP 429 + Retry-After).
 */
async function takePostingSlot(ctx: Ctx, social: SocialDeps): Promise<void> {
  const max = social.postsPerMinute ?? POSTS_PER_MINUTE;
  const slot = await reservePostingSlot(ctx.db, { userId: ctx.user.id, max, windowSeconds: 60 });
  if (slot.allowed) return;
  throw tooManyRequests(
    `Too many posts at once: ${max} a minute per user. Try again in ${describeWait(slot.retryAfterSeconds)}.`,
    slot.retryAfterSeconds,
  );
}

/**
 * social.schedule: the same idempotency key returns the same row; every check runs before any
 * Zernio call; then one transaction writes the row, the caption versions and the post job.
 */
export async function schedulePost(ctx: Ctx, input: ScheduleInput, options: { id?: string } = {}) {
  const { social, zernio } = posting(ctx);
  const existing = await findScheduledPostByKey(ctx.db, ctx.user.id, input.idempotencyKey);
  const assetIds = assetIdsOf(input);
  if (existing) {
    const sent = (await assetIdsOfPosts(ctx.db, [existing])).get(existing.id) ?? [];
    if (sent.join(",") !== assetIds.join(","))
      throw fieldError("idempotencyKey", "This idempotency key was used for another post.");
    return withValidation(await postDto(ctx, existing));
  }
  const assets = await postableAssets(ctx.db, ctx.user.id, assetIds);
  const asset = assets[0] as (typeof assets)[number];
  // Instant: what the local rules refuse before any call or slot (X's length needs the account).
  const own = instantRefusals(checkDraft(assets, input, nowOf(ctx)));
  if (own.length) throw refusalError(own);
  await takePostingSlot(ctx, social);
  const { targets, premium } = await verifyTargets(ctx, social, zernio, input.targets);
  await assertPlatformOptions(zernio, input);
  // Zernio's verdict on the body the post job will send (its media items once uploaded).
  const metadata = draftMetadata(input);
  const body = draftBody(
    input,
    assets.map((a) => mediaItemOf(a)),
    metadata,
  );
  const check = await validateDraft(zernio, assets, input, nowOf(ctx), body, { premium });
  if (!check.ok) throw refusalError(check.refusals);
  const platforms = [...new Set(targets.map((t) => t.platform))];
  const at = input.publishNow
    ? null
    : (instantOf(input.scheduledFor ?? "", input.timezone) ?? null);
  const post = await ctx.db.transaction().execute(async (tx) => {
    const { post: row, created } = await insertScheduledPostOnce(tx, {
      ...(options.id ? { id: options.id } : {}),
      asset_id: asset.id,
      user_id: ctx.user.id,
      idempotency_key: input.idempotencyKey,
      targets,
      captions: {},
      publish_now: input.publishNow,
      scheduled_for: at,
      scheduled_local: input.publishNow ? null : (input.scheduledFor ?? null),
      timezone: input.publishNow ? null : (input.timezone ?? null),
      results: targets.map((t) => ({
        platform: t.platform,
        accountId: t.accountId,
        status: "pending",
        url: null,
        publishedAt: null,
        errorMessage: null,
        errorCategory: null,
      })),
      metadata: { ...(social.demo ? { demo: true } : {}), ...metadata },
    });
    if (!created) return row;
    await insertPostMedia(
      tx,
      row.id,
      assets.map((a) => a.id),
    );
    const captions = await captionVersions(tx, ctx.user, asset.id, input.captions, platforms);
    const updated = (await updateScheduledPost(tx, row.id, { captions })) ?? row;
    await social.queue.enqueue(tx, row.id);
    await publishMediaEvent(tx, {
      assetId: asset.id,
      userId: ctx.user.id,
      payload: postEventOf(updated),
    });
    return updated;
  });
  return withValidation(await postDto(ctx, post), check);
}

/** social.posts: the user's posts (one asset's, or all), newest first, with per-platform status. */
export async function postsOf(ctx: Ctx, assetId: string | undefined) {
  if (assetId && !(await findMediaAsset(ctx.db, { id: assetId, userId: ctx.user.id }))) {
    throw notFound("asset");
  }
  const rows = await listScheduledPosts(ctx.db, { userId: ctx.user.id, assetId });
  return postDtos(ctx, rows);
}

async function ownPost(ctx: Ctx, postId: string): Promise<ScheduledPost> {
  const post = await findScheduledPost(ctx.db, { id: postId, userId: ctx.user.id });
  if (!post) throw notFound("post");
  return post;
}

/** social.update: reschedule and/or edit captions while the post is still scheduled. */
export async function updatePost(ctx: Ctx, input: UpdatePostInput) {
  const { social, zernio } = posting(ctx);
  const post = await ownPost(ctx, input.postId);
  if (post.status !== "queued" && post.status !== "scheduled") {
    throw new TRPCError({
      code: "CONFLICT",
      message: `Only a scheduled post can be changed; this one is ${post.status}.`,
    });
  }
  const assetIds = (await assetIdsOfPosts(ctx.db, [post])).get(post.id) ?? [post.asset_id];
  const assets = await postableAssets(ctx.db, ctx.user.id, assetIds);
  const asset = assets[0] as (typeof assets)[number];
  const captions: PostDraft["captions"] = {};
  for (const [platform, caption] of Object.entries(post.captions)) {
    captions[platform as Platform] = { text: caption.text, title: caption.title ?? undefined };
  }
  Object.assign(captions, input.captions ?? {});
  const publishNow = input.publishNow ?? (input.scheduledFor ? false : post.publish_now);
  const draft: PostDraft = {
    targets: post.targets.map((t) => ({
      accountId: t.accountId,
      platform: t.platform as Platform,
    })),
    captions,
    publishNow,
    scheduledFor: publishNow
      ? undefined
      : (input.scheduledFor ?? post.scheduled_local ?? undefined),
    timezone: publishNow ? undefined : (input.timezone ?? post.timezone ?? undefined),
    tiktok: tiktokSettingsOf(post.metadata),
  };
  const own = instantRefusals(checkDraft(assets, draft, nowOf(ctx)));
  if (own.length) throw refusalError(own);
  // The row's accounts must still be the caller's (e.g. a post written in shared mode).
  const byId = await assertOwnTargets(ctx, social, zernio, draft.targets);
  // The body as it will be sent: the row's options, and each item's uploaded URL once it has one.
  const sentUrls = (await listPostMedia(ctx.db, [post.id])).get(post.id) ?? [];
  const media = assets.map((a, i) => mediaItemOf(a, sentUrls[i]?.media_url ?? null));
  const check = await validateDraft(
    zernio,
    assets,
    draft,
    nowOf(ctx),
    draftBody(draft, media, post.metadata),
    { premium: premiumAccounts(byId.values()) },
  );
  if (!check.ok) throw refusalError(check.refusals);
  const platforms = [...new Set(draft.targets.map((t) => t.platform))];
  const versions = await captionVersions(ctx.db, ctx.user, asset.id, draft.captions, platforms);
  const timing = {
    publish_now: publishNow,
    scheduled_for: publishNow ? null : (check.scheduledAt ?? null),
    scheduled_local: publishNow ? null : (draft.scheduledFor ?? null),
    timezone: publishNow ? null : (draft.timezone ?? null),
  };
  if (post.zernio_post_id) {
    const zernioPostId = post.zernio_post_id;
    const body = zernioPostBody({
      targets: post.targets,
      captions: versions,
      metadata: post.metadata,
    });
    const status = await viaZernio(() =>
      zernio.updatePost(zernioPostId, {
        content: body.content,
        platforms: body.platforms,
        ...(publishNow
          ? { publishNow: true }
          : { scheduledFor: draft.scheduledFor, timezone: draft.timezone }),
      }),
    );
    const updated = await ctx.db.transaction().execute(async (tx) => {
      const row = await changePost(tx, post, { type: "edit", captions: versions, timing, status });
      // Follow it from its new time (the job defers itself until shortly before).
      if (row) await social.queue.enqueue(tx, row.id);
      return row;
    });
    return withValidation(await postDto(ctx, updated ?? post), check);
  }
  // Not sent yet: the worker reads the row when it sends, so changing the row is enough.
  const updated = await changePost(ctx.db, post, { type: "edit", captions: versions, timing });
  if (!updated) {
    throw new TRPCError({
      code: "CONFLICT",
      message: "This post is being sent right now; try again in a moment.",
    });
  }
  return withValidation(await postDto(ctx, updated), check);
}

/** social.cancel: a post not sent yet is dropped; a scheduled one is deleted in Zernio. */
export async function cancelPost(ctx: Ctx, postId: string) {
  const post = await ownPost(ctx, postId);
  if (post.status === "queued" && !post.zernio_post_id) {
    const row = await changePost(ctx.db, post, { type: "cancel" });
    if (row) return postDto(ctx, row);
  }
  const current = await ownPost(ctx, postId);
  if (current.status === "scheduled" && current.zernio_post_id) {
    const { zernio } = posting(ctx);
    const zernioPostId = current.zernio_post_id;
    await viaZernio(() => zernio.deletePost(zernioPostId));
    const row = await changePost(ctx.db, current, { type: "cancel" });
    return postDto(ctx, row ?? current);
  }
  throw new TRPCError({
    code: "CONFLICT",
    message:
      current.status === "sending"
        ? "This post is being sent right now; cancel it once it shows as scheduled."
        : `Only a scheduled post can be cancelled; this one is ${current.status}.`,
  });
}

/** social.retry: Zernio publishes a failed or partial post's failed platforms again. */
export async function retryPost(ctx: Ctx, postId: string) {
  const { social, zernio } = posting(ctx);
  const post = await ownPost(ctx, postId);
  if (post.status !== "failed" && post.status !== "partial") {
    throw new TRPCError({
      code: "CONFLICT",
      message: `Only a failed or partially published post can be retried; this one is ${post.status}.`,
    });
  }
  if (!post.zernio_post_id) {
    // Zernio never took it (refused or unreachable): send it again, with the same x-request-id.
    const row = await ctx.db.transaction().execute(async (tx) => {
      const queued = await changePost(tx, post, { type: "retry" });
      if (queued) await social.queue.enqueue(tx, queued.id);
      return queued;
    });
    if (!row)
      throw new TRPCError({ code: "CONFLICT", message: "This post is already being retried." });
    return postDto(ctx, row);
  }
  const zernioPostId = post.zernio_post_id;
  const status = await viaZernio(() => zernio.retryPost(zernioPostId));
  const row = await ctx.db.transaction().execute(async (tx) => {
    const updated = await changePost(tx, post, { type: "retry", status });
    if (updated) await social.queue.enqueue(tx, updated.id);
    return updated;
  });
  return postDto(ctx, row ?? post);
}
