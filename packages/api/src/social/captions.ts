// social.caption / captions / editCaption: one provider call writes every platform's caption from
// the media itself; each caption is measured the way its platform counts (X weighted), one shorten
// re-ask goes out for those over the limit, and every version is a new `captions` row.
import {
  type Caption,
  captionsOfRequest,
  claimCaptionRequest,
  findCaptionRequest,
  findMediaAsset,
  finishCaptionRequest,
  insertCaption,
  latestCaptions,
  listCaptions,
  type MediaAsset,
  pruneCaptionVersions,
  recentCaptionRequests,
} from "@streamline/db";
import {
  CAPTION_MODELS,
  type CaptionModelSpec,
  type CaptionPrice,
  captionAvailability,
  captionCostUsd,
  captionEstimateUsd,
  captionPriceOf,
  findCaptionModel,
  isMediaGenError,
  type MediaErrorCode,
  notConfiguredMessage,
  type PlatformCaption,
  PROVIDER_KEY_VARIABLES,
  shortenEstimateUsd,
} from "@streamline/providers";
import {
  captionLength,
  hashtagCount,
  PLATFORM_RULES,
  PLATFORMS,
  type Platform,
  platformLabel,
  toZernioPlatform,
} from "@streamline/social";
import { TRPCError } from "@trpc/server";
import type { ApiContext, CaptionDeps, SessionUser } from "../context";
import { assertWithinQuota, lockUserQuota } from "../media/quota";
import { fieldError } from "../media/upload";
import { tooManyRequests } from "../retry-later";
import { captionErrorFromStored, captionErrorToTRPC, notFound } from "./errors";
import { assertPostable, captionMediaOf } from "./media";
import type { CaptionInputDto, CaptionsQueryDto } from "./schemas";

type Ctx = ApiContext & { user: SessionUser };

const CAPTIONS_NOT_CONFIGURED = `Captions are not configured — add ${PROVIDER_KEY_VARIABLES.openai} or ${PROVIDER_KEY_VARIABLES.google}`;
/** How long a second request with the same key waits for the first one's answer. */
const WAIT_FOR_SAME_KEY_MS = 120_000;
/** CAPTION_RATE_PER_MINUTE's default: caption requests one user may start per minute. */
export const CAPTION_RATE_PER_MINUTE = 10;
/** Versions kept per asset and platform; older ones are deleted as new ones are written. */
export const CAPTION_VERSIONS_KEPT = 20;
/** A video captioned from its poster and frames: the poster and three frames. */
const VIDEO_IMAGES = 4;
/** A video sent inline whose length the row does not know is reserved as this many seconds. */
const UNKNOWN_VIDEO_SECONDS = 60;
/** Failures after which the provider surely billed nothing; any other may have been charged. */
const NOT_BILLED: ReadonlySet<MediaErrorCode> = new Set([
  "PROVIDER_AUTH",
  "RATE_LIMITED",
  "MODEL_UNAVAILABLE",
  "INVALID_REQUEST",
]);

function captionDeps(ctx: Ctx | ApiContext): CaptionDeps {
  if (!ctx.captions)
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: `${CAPTIONS_NOT_CONFIGURED}.` });
  return ctx.captions;
}

/** Each platform's text limits, for live counters (X counts weighted: links 23, emoji 2). */
export function platformLimits() {
  return Object.fromEntries(
    PLATFORMS.map((platform) => {
      const rules = PLATFORM_RULES[toZernioPlatform(platform)];
      return [
        platform,
        {
          label: rules.label,
          limit: rules.caption.maxLength,
          counting: rules.caption.counting,
          textName: rules.caption.name,
          titleLimit: rules.caption.maxTitleLength ?? null,
          maxHashtags: rules.caption.maxHashtags ?? rules.caption.maxTopicTags ?? null,
        },
      ];
    }),
  ) as Record<
    Platform,
    {
      label: string;
      limit: number;
      counting: "twitter-weighted" | "characters";
      textName: string;
      titleLimit: number | null;
      maxHashtags: number | null;
    }
  >;
}

/** A caption measured the way its platform counts. */
export function measureCaption(platform: Platform, text: string, title: string | null) {
  const rules = PLATFORM_RULES[toZernioPlatform(platform)].caption;
  const length = captionLength(toZernioPlatform(platform), text);
  const titleLimit = rules.maxTitleLength ?? null;
  const titleLength = title === null ? null : [...title].length;
  const overLimit =
    length > rules.maxLength ||
    (titleLimit !== null && titleLength !== null && titleLength > titleLimit);
  return { length, limit: rules.maxLength, titleLength, titleLimit, overLimit };
}

export function toCaptionDto(row: Caption) {
  const platform = row.platform as Platform;
  const measured = measureCaption(platform, row.text, row.title);
  return {
    id: row.id,
    assetId: row.asset_id,
    platform,
    text: row.text,
    title: row.title,
    hashtags: row.hashtags,
    model: row.model,
    tone: row.tone,
    language: row.language,
    source: row.source,
    length: row.length,
    limit: row.limit,
    overLimit: row.over_limit,
    titleLength: measured.titleLength,
    titleLimit: measured.titleLimit,
    /** The automatic shorten re-ask was made for this version. */
    shortened: row.shortened,
    costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
    createdAt: row.created_at,
  };
}
export type CaptionDto = ReturnType<typeof toCaptionDto>;

/** social.captionModels: the catalog with availability, the default first-class. */
export function captionModelsOf(ctx: ApiContext) {
  const deps = ctx.captions;
  return CAPTION_MODELS.map((spec) => {
    // The one registry answers lifecycle and "not configured" for caption models as for media.
    const lifecycle = ctx.providers.captionAvailability(spec.id);
    const configured = deps ? ctx.providers.isConfigured(spec.provider) : false;
    const price = captionPriceOf(spec, deps?.prices);
    // Without a price its cost could not be capped: refused unless demo mode (free) or the operator sets one.
    const priced = price !== null || ctx.demo;
    const unavailableReason = !lifecycle.available
      ? lifecycle.reason
      : !configured
        ? ("not_configured" as const)
        : !priced
          ? ("no_price" as const)
          : null;
    return {
      id: spec.id,
      label: spec.label,
      provider: spec.provider,
      description: spec.description ?? null,
      lifecycle: spec.lifecycle,
      videoInput: spec.videoInput,
      pricing: spec.pricing,
      /** What captions are charged at: the operator's CAPTION_MODEL_PRICES, else the published price. */
      price,
      isDefault: deps?.defaultModel === spec.id,
      available: lifecycle.available && configured && priced,
      unavailableReason,
      unavailableMessage: !lifecycle.available
        ? lifecycle.message
        : !configured
          ? notConfiguredMessage(spec.provider)
          : !priced
            ? noPriceMessage(spec)
            : null,
      /** Deprecated but working: when it shuts down and what replaces it. */
      warning: lifecycle.available ? (lifecycle.warning ?? null) : null,
      replacement: lifecycle.available ? null : (lifecycle.replacement ?? null),
    };
  });
}

/** The post text as it will be sent: the caption, then its hashtags (capped to the platform's). */
function compose(
  platform: Platform,
  caption: PlatformCaption,
): { text: string; hashtags: string[] } {
  const rules = PLATFORM_RULES[toZernioPlatform(platform)].caption;
  const cap = rules.maxHashtags ?? rules.maxTopicTags;
  const tags = caption.hashtags
    .map((t) => t.replace(/[^\p{L}\p{N}_]/gu, ""))
    .filter(Boolean)
    .slice(0, cap ?? undefined);
  const line = tags.map((t) => `#${t}`).join(" ");
  return { text: line ? `${caption.text}\n\n${line}` : caption.text, hashtags: tags };
}

const share = (usd: number | null, parts: number) =>
  usd === null ? null : Math.round((usd / parts) * 1e6) / 1e6;

function noPriceMessage(spec: CaptionModelSpec): string {
  return `${spec.label} (${spec.id}) has no published price, so its cost could not be held to the daily cap. Choose another model, or ask the operator to set its price in CAPTION_MODEL_PRICES (${spec.id}=<input>/<output> US dollars per million tokens).`;
}

/**
 * The most this request may cost, reserved before the call: computed from the asset row alone
 * (nothing is read or decoded before the quota says yes) — one image, or a video's poster and
 * frames and, for a model that takes video, its seconds — plus the text and the output allowance.
 */
function captionReservation(
  spec: CaptionModelSpec,
  price: CaptionPrice,
  asset: MediaAsset,
  input: CaptionInputDto,
  platforms: number,
): number {
  const chars = (text: string | undefined) => (text ? [...text].length : 0);
  const isVideo = asset.type === "video";
  return captionEstimateUsd(price, {
    images: isVideo ? VIDEO_IMAGES : 1,
    videoSeconds:
      isVideo && spec.videoInput ? (asset.duration_seconds ?? UNKNOWN_VIDEO_SECONDS) : 0,
    textChars:
      chars(asset.prompt) +
      chars(input.tone) +
      chars(input.language) +
      chars(input.callToAction) +
      chars(input.instructions),
    platforms,
  });
}

/**
 * Claims the request under the user's quota lock: the same key returns the earlier request (no
 * second check, no second call); a new one must pass the caption rate limit, the concurrency
 * limit and the daily cap — counting generations and captions alike — and reserves its estimate.
 */
async function claimWithinQuota(
  ctx: Ctx,
  deps: CaptionDeps,
  values: Parameters<typeof claimCaptionRequest>[1],
) {
  return ctx.db.transaction().execute(async (tx) => {
    await lockUserQuota(tx, ctx.user.id);
    const existing = await findCaptionRequest(tx, ctx.user.id, values.idempotencyKey);
    if (existing) return { request: existing, created: false };
    const perMinute = deps.ratePerMinute ?? CAPTION_RATE_PER_MINUTE;
    const recent = await recentCaptionRequests(tx, ctx.user.id, 60);
    if (recent.count >= perMinute) {
      const seconds = Math.max(1, Math.ceil(recent.oldestLeavesInSeconds));
      throw tooManyRequests(
        `Caption limit reached: ${perMinute} caption requests a minute. Try again in ${seconds} s.`,
        seconds,
      );
    }
    await assertWithinQuota(
      tx,
      ctx.user.id,
      values.estimatedCostUsd ?? 0,
      ctx.limits,
      1,
      "caption",
    );
    return claimCaptionRequest(tx, values);
  });
}

/**
 * social.caption. The idempotency key is claimed in `caption_requests` before the provider is
 * called, so the same key never makes a second (billed) call: a repeat waits for the first answer
 * and returns it, or the first one's error.
 */
export async function writeCaptions(ctx: Ctx, input: CaptionInputDto) {
  const deps = captionDeps(ctx);
  const asset = await findMediaAsset(ctx.db, { id: input.assetId, userId: ctx.user.id });
  if (!asset) throw notFound("asset");
  const modelId = input.model ?? deps.defaultModel;
  const spec = findCaptionModel(modelId);
  if (!spec) {
    throw fieldError(
      "model",
      `Unknown caption model "${modelId}". Choose one of: ${CAPTION_MODELS.map((m) => m.id).join(", ")}.`,
    );
  }
  const availability = ctx.providers.captionAvailability(spec.id);
  if (!availability.available) throw fieldError("model", availability.message);
  const unconfigured = ctx.providers.unconfiguredReason(spec.provider);
  if (unconfigured)
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: `${unconfigured}.` });
  const price = captionPriceOf(spec, deps.prices);
  if (!price && !ctx.demo) throw fieldError("model", noPriceMessage(spec));
  assertPostable(asset);
  const platforms = PLATFORMS.filter((p) => input.platforms.includes(p));
  // Demo mode answers from the built-in mocks: free, and counted as nothing.
  const estimate =
    ctx.demo || !price ? 0 : captionReservation(spec, price, asset, input, platforms.length);
  const costOf = (usage: { inputTokens: number; outputTokens: number }) =>
    ctx.demo || !price
      ? 0
      : (captionCostUsd({ ...spec, pricing: { ...price, source: spec.pricing.source } }, usage) ??
        0);
  const { request, created } = await claimWithinQuota(ctx, deps, {
    assetId: asset.id,
    userId: ctx.user.id,
    idempotencyKey: input.idempotencyKey,
    model: spec.id,
    platforms,
    options: {
      hashtags: input.hashtags,
      ...(input.tone ? { tone: input.tone } : {}),
      ...(input.language ? { language: input.language } : {}),
      ...(input.callToAction ? { callToAction: input.callToAction } : {}),
      ...(input.instructions ? { instructions: input.instructions } : {}),
    },
    estimatedCostUsd: estimate,
    demo: ctx.demo,
  });
  if (!created) return answerOfEarlierRequest(ctx, request.id, asset.id, input.idempotencyKey);

  // What the provider has billed so far, from each answer's `usage` (plus the allowance of a shorten
  // re-ask whose answer was lost). Never more than the reservation: re-asks stay within it.
  let settled = 0;
  try {
    const media = await captionMediaOf(asset, ctx.storage, spec);
    const result = await deps.captioner.caption({
      model: spec.id,
      platforms,
      media,
      prompt: asset.prompt,
      tone: input.tone,
      language: input.language,
      hashtags: input.hashtags,
      callToAction: input.callToAction,
      instructions: input.instructions,
      assetId: asset.id,
    });
    settled = costOf(result.usage);
    let totalCost: number | null = settled;
    const drafts: Array<{
      platform: Platform;
      text: string;
      title: string | null;
      hashtags: string[];
      shortened: boolean;
      costUsd: number | null;
    }> = [];
    for (const platform of platforms) {
      const caption = result.captions[platform] ?? { text: "", hashtags: [] };
      let { text, hashtags } = compose(platform, caption);
      const title = caption.title ?? null;
      let shortened = false;
      let costUsd = share(settled, platforms.length);
      const zernio = toZernioPlatform(platform);
      const limit = PLATFORM_RULES[zernio].caption.maxLength;
      if (captionLength(zernio, text) > limit) {
        // One re-ask, for the caption alone; its hashtags keep their room.
        const tagsRoom = captionLength(zernio, text) - captionLength(zernio, caption.text);
        const budget = limit - tagsRoom;
        // Only within the reservation: a re-ask that could pass it is skipped (the caption stays flagged).
        const affordable = ctx.demo || !price || settled + shortenEstimateUsd(price) <= estimate;
        if (budget > 0 && caption.text && affordable) {
          shortened = true;
          try {
            const short = await deps.captioner.shorten({
              model: spec.id,
              platform,
              text: caption.text,
              limit: budget,
              unit:
                PLATFORM_RULES[zernio].caption.counting === "twitter-weighted"
                  ? "weighted characters (each link counts 23, most emoji count 2)"
                  : "characters",
              language: input.language,
              assetId: asset.id,
            });
            ({ text, hashtags } = compose(platform, { ...caption, text: short.text }));
            const shortCost = costOf(short.usage);
            settled += shortCost;
            costUsd = (costUsd ?? 0) + shortCost;
            totalCost = (totalCost ?? 0) + shortCost;
          } catch (error) {
            // The long caption is kept, flagged with its count: never cut mid-word by us.
            if (!isMediaGenError(error)) throw error;
            // A re-ask whose answer was lost may have been billed: its allowance is counted.
            if (!ctx.demo && price && !NOT_BILLED.has(error.code))
              settled += shortenEstimateUsd(price);
          }
        }
      }
      drafts.push({ platform, text, title, hashtags, shortened, costUsd });
    }
    const rows = await ctx.db.transaction().execute(async (tx) => {
      const written: Caption[] = [];
      for (const draft of drafts) {
        const measured = measureCaption(draft.platform, draft.text, draft.title);
        written.push(
          await insertCaption(tx, {
            asset_id: asset.id,
            user_id: ctx.user.id,
            request_id: request.id,
            platform: draft.platform,
            text: draft.text,
            title: draft.title,
            hashtags: draft.hashtags,
            model: spec.id,
            tone: input.tone ?? null,
            language: input.language ?? null,
            source: "ai",
            length: measured.length,
            limit: measured.limit,
            over_limit: measured.overLimit,
            shortened: draft.shortened,
            cost_usd: draft.costUsd === null ? null : Math.round(draft.costUsd * 1e6) / 1e6,
          }),
        );
        await pruneCaptionVersions(
          tx,
          { assetId: asset.id, platform: draft.platform },
          CAPTION_VERSIONS_KEPT,
        );
      }
      totalCost = Math.round(Math.max(settled, totalCost ?? 0) * 1e6) / 1e6;
      await finishCaptionRequest(tx, request.id, { status: "succeeded", costUsd: totalCost });
      return written;
    });
    return {
      requestId: request.id,
      model: spec.id,
      costUsd: totalCost,
      warning: availability.warning ?? null,
      captions: rows.map(toCaptionDto),
    };
  } catch (error) {
    const failure = isMediaGenError(error)
      ? captionErrorToTRPC(error)
      : error instanceof TRPCError
        ? error
        : undefined;
    // Settled: what `usage` said was billed, or — when the caption call itself failed in a way
    // the provider may have charged for (a timeout, a dropped or unusable answer) — the reservation.
    const mayBeBilled =
      isMediaGenError(error) && !NOT_BILLED.has(error.code) && settled === 0 && !ctx.demo;
    const costUsd = Math.round((mayBeBilled ? estimate : settled) * 1e6) / 1e6;
    await finishCaptionRequest(ctx.db, request.id, {
      status: "failed",
      errorCode: isMediaGenError(error) ? error.code : (failure?.code ?? "INTERNAL"),
      errorMessage: failure?.message ?? "The captions could not be written.",
      costUsd,
    }).catch(() => {});
    throw failure ?? error;
  }
}

async function answerOfEarlierRequest(
  ctx: Ctx,
  requestId: string,
  assetId: string,
  idempotencyKey: string,
) {
  const deadline = Date.now() + WAIT_FOR_SAME_KEY_MS;
  for (;;) {
    const request = await findCaptionRequest(ctx.db, ctx.user.id, idempotencyKey);
    if (!request || request.id !== requestId) throw new Error("caption request vanished");
    if (request.asset_id !== assetId) {
      throw fieldError("idempotencyKey", "This idempotency key was used for another asset.");
    }
    if (request.status === "succeeded") {
      const rows = await captionsOfRequest(ctx.db, request.id);
      const spec = findCaptionModel(request.model);
      return {
        requestId: request.id,
        model: request.model,
        costUsd: request.cost_usd === null ? null : Number(request.cost_usd),
        warning:
          spec && captionAvailability(spec.id).available
            ? ((captionAvailability(spec.id) as { warning?: string }).warning ?? null)
            : null,
        captions: rows.map(toCaptionDto),
      };
    }
    if (request.status === "failed") {
      const code = request.error_code ?? "PROVIDER_ERROR";
      const message = request.error_message ?? "The captions could not be written.";
      const known = ["BAD_REQUEST", "PRECONDITION_FAILED", "NOT_FOUND"];
      throw known.includes(code)
        ? new TRPCError({ code: code as "BAD_REQUEST", message })
        : captionErrorFromStored(code, message);
    }
    if (Date.now() > deadline) {
      throw new TRPCError({
        code: "CONFLICT",
        message:
          "These captions are still being written by an earlier request with the same key. Try again in a moment.",
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * social.captions: the latest caption per platform, and the versions newest first — one page of
 * them (`limit`, default 20), optionally of one platform; `nextCursor` asks for the next page.
 */
export async function captionsOfAsset(ctx: Ctx, input: CaptionsQueryDto) {
  const asset = await findMediaAsset(ctx.db, { id: input.assetId, userId: ctx.user.id });
  if (!asset) throw notFound("asset");
  const where = { assetId: asset.id, userId: ctx.user.id };
  const limit = input.limit ?? 20;
  const [latest, page] = await Promise.all([
    latestCaptions(ctx.db, where),
    listCaptions(ctx.db, {
      ...where,
      platform: input.platform,
      before: input.cursor ? decodeCursor(input.cursor) : undefined,
      limit: limit + 1,
    }),
  ]);
  const history = page.slice(0, limit);
  const last = history.at(-1);
  const order = (row: Caption) => PLATFORMS.indexOf(row.platform as Platform);
  return {
    assetId: asset.id,
    latest: latest.sort((a, b) => order(a) - order(b)).map(toCaptionDto),
    history: history.map(toCaptionDto),
    /** Pass as `cursor` for the older versions; null on the last page. */
    nextCursor: page.length > limit && last ? encodeCursor(last) : null,
    limits: platformLimits(),
  };
}

const encodeCursor = (row: Caption) =>
  Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString("base64url");

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  const year = createdAt.getUTCFullYear();
  // Within what the database stores (a year like -200000 would fail in SQL, not here).
  if (!id || Number.isNaN(year) || year < 1970 || year > 9999)
    throw fieldError("cursor", "This cursor is not one social.captions gave out.");
  return { createdAt, id };
}

/** social.editCaption: what the user typed becomes a new version (source "edited"). */
export async function editCaption(
  ctx: Ctx,
  input: { assetId: string; platform: Platform; text: string; title?: string | undefined },
) {
  const asset = await findMediaAsset(ctx.db, { id: input.assetId, userId: ctx.user.id });
  if (!asset) throw notFound("asset");
  const previous = (
    await listCaptions(ctx.db, {
      assetId: asset.id,
      userId: ctx.user.id,
      platform: input.platform,
      limit: 1,
    })
  )[0];
  const row = await insertEditedCaption(ctx, {
    assetId: asset.id,
    platform: input.platform,
    text: input.text,
    title: input.title ?? previous?.title ?? null,
    previous,
  });
  return toCaptionDto(row);
}

/** A caption the user typed (in the caption panel or the schedule dialog), stored as a version. */
export async function insertEditedCaption(
  ctx: Pick<Ctx, "user"> & { db: Ctx["db"] },
  values: {
    assetId: string;
    platform: Platform;
    text: string;
    title: string | null;
    previous: Caption | undefined;
  },
): Promise<Caption> {
  const measured = measureCaption(values.platform, values.text, values.title);
  const tags = [...values.text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1] as string);
  const row = await insertCaption(ctx.db, {
    asset_id: values.assetId,
    user_id: ctx.user.id,
    request_id: null,
    platform: values.platform,
    text: values.text,
    title: values.title,
    hashtags: hashtagCount(values.text) ? tags : [],
    model: values.previous?.model ?? null,
    tone: values.previous?.tone ?? null,
    language: values.previous?.language ?? null,
    source: "edited",
    length: measured.length,
    limit: measured.limit,
    over_limit: measured.overLimit,
    shortened: false,
    cost_usd: null,
  });
  await pruneCaptionVersions(
    ctx.db,
    { assetId: values.assetId, platform: values.platform },
    CAPTION_VERSIONS_KEPT,
  );
  return row;
}

export { platformLabel };
