import {
  decodeCursor,
  encodeCursor,
  findMediaAsset,
  latestMediaEventId,
  listMediaAssetPage,
  listMediaEventsAfter,
  type MediaEventRecord,
  setMediaAssetStar,
} from "@streamline/db";
import type { MediaEventPayload } from "@streamline/jobs";
import {
  estimateCostUsd,
  MODEL_CATALOG,
  resolveOptions,
  SOCIAL_FORMATS,
  socialFormatsFor,
} from "@streamline/providers";
import type { PostEventPayload } from "@streamline/social";
import { TRPCError, type TRPCRouterRecord, tracked } from "@trpc/server";
import { cancelMedia } from "../media/cancel";
import { assetDeleteImpact, deleteAsset } from "../media/delete";
import { toMediaAssetDto, toMediaAssetDtos } from "../media/dto";
import { generateMedia, retryMedia } from "../media/generate";
import { mediaUsage } from "../media/quota";
import {
  assetIdInput,
  generateInputOrForm,
  listInput,
  onProgressInput,
  PROMPT_MAX_LENGTH,
  starInput,
} from "../media/schemas";
import { acquireStream, callerCheck } from "../media/streams";
import { parseGenerateFormData } from "../media/upload";
import { protectedProcedure, publicProcedure } from "../trpc";

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such asset." });

export const mediaRouter = {
  /** The catalog with each model's availability: key configured or not, retired and its replacement. */
  models: publicProcedure.query(({ ctx }) =>
    MODEL_CATALOG.map((spec) => {
      const lifecycle = ctx.providers.availability(spec.id);
      const unconfigured = ctx.providers.unconfiguredReason(spec.provider);
      return {
        id: spec.id,
        label: spec.label,
        provider: spec.provider,
        type: spec.type,
        lifecycle: spec.lifecycle,
        referenceImage: spec.referenceImage,
        options: spec.options,
        pricing: spec.pricing,
        typicalSeconds: spec.typicalSeconds,
        estimatedCostUsd: estimateCostUsd(spec, resolveOptions(spec)),
        /** Social destinations mapped to the nearest shape this model accepts (catalog data). */
        socialFormats: socialFormatsFor(spec),
        /** The provider's default for this media type (configurable, e.g. GEMINI_IMAGE_MODEL). */
        isDefault: ctx.defaultModels[spec.provider][spec.type] === spec.id,
        available: lifecycle.available && !unconfigured,
        unavailableReason: !lifecycle.available
          ? lifecycle.reason === "access"
            ? ("access" as const)
            : ("retired" as const)
          : unconfigured
            ? ("not_configured" as const)
            : null,
        unavailableMessage: !lifecycle.available ? lifecycle.message : (unconfigured ?? null),
        replacement: lifecycle.available ? null : (spec.lifecycle.replacement ?? null),
      };
    }),
  ),

  /** The input limits the server enforces, so the studio checks the same ones before uploading. */
  limits: publicProcedure.query(({ ctx }) => ({
    promptMaxLength: PROMPT_MAX_LENGTH,
    referenceImage: {
      maxBytes: ctx.limits.referenceImageMaxBytes,
      types: ["image/png", "image/jpeg", "image/webp"] as const,
    },
    demo: ctx.demo,
    /** The destinations the studio offers instead of pixel sizes (9:16 Reels …). */
    socialFormats: SOCIAL_FORMATS,
  })),

  generate: protectedProcedure.input(generateInputOrForm).mutation(async ({ ctx, input }) => {
    const { input: parsed, upload } =
      input instanceof FormData ? await parseGenerateFormData(input) : { input, upload: undefined };
    const { asset, assets, created } = await generateMedia(ctx, parsed, upload);
    return {
      asset: await toMediaAssetDto(asset, ctx.storage),
      /** Every variant of this submission (one asset each), the first being `asset`. */
      assets: await Promise.all(assets.map((a) => toMediaAssetDto(a, ctx.storage))),
      created,
    };
  }),

  byId: protectedProcedure.input(assetIdInput).query(async ({ ctx, input }) => {
    const asset = await findMediaAsset(ctx.db, { id: input.id, userId: ctx.user.id });
    if (!asset) throw notFound();
    return toMediaAssetDto(asset, ctx.storage);
  }),

  list: protectedProcedure.input(listInput).query(async ({ ctx, input }) => {
    const cursor = input.cursor ? decodeCursor(input.cursor) : null;
    if (input.cursor && !cursor) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "That page cursor is not valid." });
    }
    const page = await listMediaAssetPage(ctx.db, {
      userId: ctx.user.id,
      limit: input.limit,
      cursor: cursor ? { createdAt: cursor.createdAt.toISOString(), id: cursor.id } : null,
      type: input.type,
      model: input.model,
      // "active" is the studio's "in progress" filter: queued or running.
      status: input.status === "active" ? ["queued", "running"] : input.status,
      starred: input.starred,
      search: input.search || undefined,
    });
    return {
      items: await toMediaAssetDtos(page.items, ctx.storage),
      nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null,
    };
  }),

  /** Stars (favourites) or unstars one of the caller's assets. */
  star: protectedProcedure.input(starInput).mutation(async ({ ctx, input }) => {
    const asset = await setMediaAssetStar(
      ctx.db,
      { id: input.id, userId: ctx.user.id },
      input.starred,
    );
    if (!asset) throw notFound();
    return toMediaAssetDto(asset, ctx.storage);
  }),

  /**
   * Today's spend against the daily cap (charges plus in-flight estimates) and running work:
   * generations and captions together, with the captions' share in `captionsUsd`. Demo mode: $0.
   */
  usage: protectedProcedure.query(async ({ ctx }) => {
    const usage = await mediaUsage(ctx.db, ctx.user.id);
    const round = (usd: number) => Math.round(usd * 10_000) / 10_000;
    return {
      ...usage,
      spentUsd: round(usage.chargedUsd + usage.inFlightUsd),
      captionsUsd: round(usage.captions.chargedUsd + usage.captions.inFlightUsd),
      dailySpendUsd: ctx.limits.dailySpendUsd,
      maxConcurrent: ctx.limits.maxConcurrentPerUser,
      demo: ctx.demo,
    };
  }),

  /**
   * Stops a generation here, and asks the provider to stop a running video job where its API has a
   * cancel; `providerCancel` on the answer says what came of that (see media/cancel.ts).
   */
  cancel: protectedProcedure
    .input(assetIdInput)
    .mutation(async ({ ctx, input }) =>
      toMediaAssetDto(await cancelMedia(ctx, input.id), ctx.storage),
    ),

  retry: protectedProcedure
    .input(assetIdInput)
    .mutation(async ({ ctx, input }) =>
      toMediaAssetDto(await retryMedia(ctx, input.id), ctx.storage),
    ),

  /**
   * What deleting would do to the asset's posts (the dialog says it): scheduled ones are cancelled,
   * in-flight ones block the delete, published ones stay on the networks.
   */
  deleteImpact: protectedProcedure
    .input(assetIdInput)
    .query(({ ctx, input }) => assetDeleteImpact(ctx, input.id)),

  /**
   * Soft delete: the row stays for audit (and the spend cap); its stored files are removed, and its
   * posts that have not gone out are cancelled (at Zernio too) first. See media/delete.ts.
   */
  delete: protectedProcedure
    .input(assetIdInput)
    .mutation(({ ctx, input }) => deleteAsset(ctx, input.id)),

  /**
   * Live progress: status changes, progress %, results and errors of the user's assets (or one).
   * Listens first, then fixes where the backlog starts and reads it, and only then returns the
   * stream — tRPC says `connected` once it has it, and the studio re-reads what it shows at that
   * moment, so an event committed after that re-read is always delivered (the fan-out,
   * media/fanout.ts, keeps the same order). Each event is `tracked`, so a reconnecting client
   * resumes where it left off.
   */
  onProgress: protectedProcedure
    .input(onProgressInput)
    .subscription(async ({ ctx, input, signal }) => {
      if (
        input.assetId &&
        !(await findMediaAsset(ctx.db, { id: input.assetId, userId: ctx.user.id }))
      ) {
        throw notFound();
      }
      const release = await acquireStream(ctx);
      const caller = callerCheck(ctx);
      const pending: MediaEventRecord[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = ctx.events.subscribe(
        (event) => {
          if (event.userId !== ctx.user.id) return;
          if (input.assetId && event.assetId !== input.assetId) return;
          pending.push(event);
          wake?.();
        },
        { userId: ctx.user.id },
      );
      // Once, from the stream's end or from an abort that comes before tRPC starts reading it
      // (a stream never read never runs its `finally`).
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        unsubscribe();
        release();
        signal?.removeEventListener("abort", stop);
      };
      const stop = () => {
        wake?.();
        end();
      };
      signal?.addEventListener("abort", stop);
      let lastId: number;
      let backlog: MediaEventRecord[];
      try {
        await ctx.events.ready;
        lastId = input.lastEventId
          ? Number(input.lastEventId)
          : input.assetId
            ? 0 // one asset: everything it went through, so a late subscriber sees its state
            : await latestMediaEventId(ctx.db, ctx.user.id);
        backlog = await listMediaEventsAfter(ctx.db, {
          userId: ctx.user.id,
          afterId: lastId,
          assetId: input.assetId,
        });
      } catch (error) {
        end();
        throw error;
      }
      const toMessage = (event: MediaEventRecord) =>
        tracked(String(event.id), {
          eventId: String(event.id),
          assetId: event.assetId,
          at: event.createdAt,
          // Generation events, and the posting job's (kind "post") for the asset's social posts.
          ...(event.payload as MediaEventPayload | PostEventPayload),
        });
      return (async function* () {
        try {
          for (const event of backlog) {
            lastId = event.id;
            yield toMessage(event);
          }
          while (!signal?.aborted && !ended) {
            // Re-checked at least every recheck interval, and before any event once a check is due.
            await caller.assertStillSignedIn();
            const event = pending.shift();
            if (!event) {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, caller.msUntilDue() + 5);
                wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              wake = undefined;
              continue;
            }
            // Ids of one user's events commit in order (see publishMediaEvent), so anything at or
            // below the last one seen was already replayed.
            if (event.id <= lastId) continue;
            lastId = event.id;
            yield toMessage(event);
          }
        } finally {
          end();
        }
      })();
    }),
} satisfies TRPCRouterRecord;
