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
} from "@streamline/db";
import { PLATFORMS, type Platform, platformLabel, toZernioPlatform } from "@streamline/jobs";
import {
  CAPTION_MODELS,
  captionAvailability,
  findCaptionModel,
  isMediaGenError,
  type PlatformCaption,
} from "@streamline/providers";
import { captionLength, hashtagCount, PLATFORM_RULES } from "@streamline/social";
import { TRPCError } from "@trpc/server";
import { fieldError } from "../media/upload";
import type { ApiContext, CaptionDeps, SessionUser } from "../trpc";
import { captionErrorFromStored, captionErrorToTRPC, notFound } from "./errors";
import { assertPostable, captionMediaOf } from "./media";
import type { CaptionInputDto } from "./schemas";

type Ctx = ApiContext & { user: SessionUser };

const CAPTIONS_NOT_CONFIGURED =
  "Captions are not configured — add OPENAI_API_KEY or GEMINI_API_KEY";
/** How long a second request with the same key waits for the first one's answer. */
const WAIT_FOR_SAME_KEY_MS = 120_000;

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
    const lifecycle = captionAvailability(spec.id, {
      now: deps?.now?.(),
      enabled: deps?.enabledModels,
      disabled: deps?.disabledModels,
    });
    const configured = deps?.configured[spec.provider] ?? false;
    const unavailableReason = !lifecycle.available
      ? lifecycle.reason
      : !configured
        ? ("not_configured" as const)
        : null;
    return {
      id: spec.id,
      label: spec.label,
      provider: spec.provider,
      description: spec.description ?? null,
      lifecycle: spec.lifecycle,
      videoInput: spec.videoInput,
      pricing: spec.pricing,
      isDefault: deps?.defaultModel === spec.id,
      available: lifecycle.available && configured,
      unavailableReason,
      unavailableMessage: !lifecycle.available
        ? lifecycle.message
        : !configured
          ? `${spec.provider === "openai" ? "OpenAI is not configured — add OPENAI_API_KEY" : "Google Gemini is not configured — add GEMINI_API_KEY"}`
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
  const availability = captionAvailability(spec.id, {
    now: deps.now?.(),
    enabled: deps.enabledModels,
    disabled: deps.disabledModels,
  });
  if (!availability.available) throw fieldError("model", availability.message);
  if (!deps.configured[spec.provider]) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message:
        spec.provider === "openai"
          ? "OpenAI is not configured — add OPENAI_API_KEY."
          : "Google Gemini is not configured — add GEMINI_API_KEY.",
    });
  }
  assertPostable(asset);
  const platforms = PLATFORMS.filter((p) => input.platforms.includes(p));
  const { request, created } = await claimCaptionRequest(ctx.db, {
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
  });
  if (!created) return answerOfEarlierRequest(ctx, request.id, asset.id, input.idempotencyKey);

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
    let totalCost = result.costUsd;
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
      let costUsd = share(result.costUsd, platforms.length);
      const zernio = toZernioPlatform(platform);
      const limit = PLATFORM_RULES[zernio].caption.maxLength;
      if (captionLength(zernio, text) > limit) {
        // One re-ask, for the caption alone; its hashtags keep their room.
        const tagsRoom = captionLength(zernio, text) - captionLength(zernio, caption.text);
        const budget = limit - tagsRoom;
        if (budget > 0 && caption.text) {
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
            if (short.costUsd !== null) {
              costUsd = (costUsd ?? 0) + short.costUsd;
              totalCost = (totalCost ?? 0) + short.costUsd;
            }
          } catch (error) {
            // The long caption is kept, flagged with its count: never cut mid-word by us.
            if (!isMediaGenError(error)) throw error;
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
      }
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
    await finishCaptionRequest(ctx.db, request.id, {
      status: "failed",
      errorCode: isMediaGenError(error) ? error.code : (failure?.code ?? "INTERNAL"),
      errorMessage: failure?.message ?? "The captions could not be written.",
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

/** social.captions: the latest caption per platform, and every version newest first. */
export async function captionsOfAsset(ctx: Ctx, assetId: string) {
  const asset = await findMediaAsset(ctx.db, { id: assetId, userId: ctx.user.id });
  if (!asset) throw notFound("asset");
  const [latest, history] = await Promise.all([
    latestCaptions(ctx.db, { assetId, userId: ctx.user.id }),
    listCaptions(ctx.db, { assetId, userId: ctx.user.id }),
  ]);
  const order = (row: Caption) => PLATFORMS.indexOf(row.platform as Platform);
  return {
    assetId,
    latest: latest.sort((a, b) => order(a) - order(b)).map(toCaptionDto),
    history: history.map(toCaptionDto),
    limits: platformLimits(),
  };
}

/** social.editCaption: what the user typed becomes a new version (source "edited"). */
export async function editCaption(
  ctx: Ctx,
  input: { assetId: string; platform: Platform; text: string; title?: string | undefined },
) {
  const asset = await findMediaAsset(ctx.db, { id: input.assetId, userId: ctx.user.id });
  if (!asset) throw notFound("asset");
  const previous = (
    await listCaptions(ctx.db, { assetId: asset.id, userId: ctx.user.id, platform: input.platform })
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
  return insertCaption(ctx.db, {
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
}

export { platformLabel };
