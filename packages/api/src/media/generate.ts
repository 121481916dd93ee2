import { randomUUID } from "node:crypto";
import {
  findMediaAsset,
  findSubmissionAssets,
  insertMediaAsset,
  insertMediaAssetOnce,
  type MediaAsset,
  publishMediaEvent,
} from "@streamline/db";
import { changeAsset, transition } from "@streamline/jobs";
import {
  estimateCostUsd,
  findModelSpec,
  type ModelSpec,
  resolveOptions,
} from "@streamline/providers";
import { durableUrl } from "@streamline/storage";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../context";
import { assertWithinQuota } from "./quota";
import type { GenerateInput } from "./schemas";
import { checkReferenceImage, fieldError } from "./upload";

/**
 * media.generate: validate, check the model and the user's quota, then in ONE transaction write the
 * `queued` asset rows (one per variant) and enqueue their jobs. The same idempotency key returns the
 * same assets and never makes another job.
 *
 * Variants are parallel jobs, one asset each, even where a model could return several images from
 * one call (`n`): each then has its own provider job, progress, failure, Retry and charge, and a
 * crash or retry of one never touches the others.
 */
export async function generateMedia(
  ctx: ApiContext & { user: SessionUser },
  input: GenerateInput,
  upload: File | undefined,
): Promise<{ asset: MediaAsset; assets: MediaAsset[]; created: boolean }> {
  const spec = findModelSpec(input.model) as ModelSpec;
  const variants = input.variants ?? 1;
  const keyOf = (i: number) =>
    input.idempotencyKey && (i === 0 ? input.idempotencyKey : `${input.idempotencyKey}:v${i + 1}`);
  if (input.idempotencyKey) {
    const existing = await findSubmissionAssets(ctx.db, ctx.user.id, input.idempotencyKey);
    if (existing.length)
      return { asset: existing[0] as MediaAsset, assets: existing, created: false };
  }
  const availability = ctx.providers.availability(spec.id);
  if (!availability.available) throw fieldError("model", availability.message);
  const unconfigured = ctx.providers.unconfiguredReason(spec.provider);
  if (unconfigured)
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: `${unconfigured}.` });

  const options = resolveOptions(spec, input.options);
  // Demo mode's generations come from built-in mocks: free, and not counted against the cap.
  const estimate = ctx.demo ? 0 : estimateCostUsd(spec, options);
  const quota = { count: variants, estimateUsd: estimate * variants };
  // Quota first: an over-limit request is refused before its upload is decoded or stored. The
  // check is repeated in the insert transaction, which is the one that counts.
  await ctx.db
    .transaction()
    .execute((tx) =>
      assertWithinQuota(tx, ctx.user.id, quota.estimateUsd, ctx.limits, quota.count),
    );
  const reference = await checkReferenceImage(ctx, spec, input, upload);
  // Reference photos are stored before the transaction (storage is not transactional); if the
  // transaction fails they are removed again, so nothing is left half-written. Each variant owns
  // its own copy, so deleting one never breaks another.
  const storedReferences = reference
    ? await Promise.all(
        Array.from({ length: variants }, () =>
          ctx.storage.putObject({
            body: reference.data,
            contentType: reference.mimeType,
            prefix: "ref",
          }),
        ),
      )
    : [];
  const removeReferences = () =>
    Promise.all(storedReferences.map((r) => ctx.storage.deleteObject(r.key).catch(() => {})));
  const groupId = variants > 1 ? randomUUID() : null;
  try {
    const result = await ctx.db.transaction().execute(async (tx) => {
      await assertWithinQuota(tx, ctx.user.id, quota.estimateUsd, ctx.limits, quota.count);
      const rows: { asset: MediaAsset; created: boolean }[] = [];
      for (let i = 0; i < variants; i++) {
        const storedReference = storedReferences[i];
        const values = {
          user_id: ctx.user.id,
          provider: spec.provider,
          type: spec.type,
          model: spec.id,
          prompt: input.prompt,
          params: options,
          group_id: groupId,
          // An estimate until the provider delivers: only then is it a charge (cost_usd).
          estimated_cost_usd: estimate,
          reference_image_url: storedReference ? durableUrl(ctx.storage, storedReference) : null,
          metadata: {
            ...(ctx.demo ? { demo: true } : {}),
            storage: { referenceKey: storedReference?.key ?? null },
            ...(input.referenceImageUrl ? { referenceSourceUrl: input.referenceImageUrl } : {}),
            ...(input.referenceAssetId ? { referenceAssetId: input.referenceAssetId } : {}),
            ...(variants > 1 ? { variant: { index: i + 1, of: variants } } : {}),
            ...(reference
              ? {
                  reference: {
                    width: reference.width,
                    height: reference.height,
                    mimeType: reference.mimeType,
                  },
                }
              : {}),
          },
        };
        const key = keyOf(i);
        rows.push(
          key
            ? await insertMediaAssetOnce(tx, { ...values, idempotency_key: key })
            : { asset: await insertMediaAsset(tx, values), created: true },
        );
      }
      const created = rows.filter((r) => r.created).map((r) => r.asset);
      for (const asset of created) await ctx.queue.enqueue(tx, asset.id);
      // Events last: publishing takes the user's event lock, held until commit.
      for (const asset of created) {
        await publishMediaEvent(tx, {
          assetId: asset.id,
          userId: ctx.user.id,
          payload: {
            kind: "status",
            status: "queued",
            phase: "queued",
            progress: 0,
            estimated: false,
          },
        });
      }
      return { assets: rows.map((r) => r.asset), created: created.length > 0 };
    });
    if (!result.created) await removeReferences(); // a racing twin request won
    return { asset: result.assets[0] as MediaAsset, ...result };
  } catch (error) {
    await removeReferences();
    throw error;
  }
}

/**
 * media.retry: a failed or canceled asset goes again on the same row, keeping its earlier errors.
 * A provider job that may still finish is resumed (polled and downloaded again: no new charge);
 * only when the provider said it failed, or no job was ever created (or none we can see), does the
 * retry create a new one — the studio says so before the user confirms (`retryPlan` in the DTO).
 */
export async function retryMedia(ctx: ApiContext & { user: SessionUser }, id: string) {
  const asset = await findMediaAsset(ctx.db, { id, userId: ctx.user.id });
  if (!asset) throw new TRPCError({ code: "NOT_FOUND", message: "No such asset." });
  // Resume or new (retryPlan), the kept errors and the double-click guard: generation/transition.ts.
  const retry = transition(asset, { type: "retry", at: new Date() });
  if ("refused" in retry) throw new TRPCError({ code: "CONFLICT", message: retry.refused });
  const availability = ctx.providers.availability(asset.model);
  if (!availability.available) throw fieldError("model", availability.message);
  const spec = findModelSpec(asset.model) as ModelSpec;
  const unconfigured = ctx.providers.unconfiguredReason(spec.provider);
  if (unconfigured)
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: `${unconfigured}.` });
  const estimate =
    asset.metadata.demo === true
      ? 0
      : Number(
          asset.estimated_cost_usd ??
            estimateCostUsd(spec, resolveOptions(spec, asset.params as never)),
        );
  return ctx.db.transaction().execute(async (tx) => {
    await assertWithinQuota(tx, ctx.user.id, estimate, ctx.limits);
    const updated = await changeAsset(tx, asset, retry.patch, retry.event, retry.guard);
    if (!updated) {
      throw new TRPCError({
        code: "CONFLICT",
        message: "This generation is already being retried.",
      });
    }
    await ctx.queue.enqueue(tx, asset.id);
    return updated;
  });
}
