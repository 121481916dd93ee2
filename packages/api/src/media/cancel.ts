// media.cancel: the asset stops at once (the worker notices at its next poll), and a video job
// still running at the provider is asked to stop where the provider's API has a cancel. What came
// of that is kept on the asset (metadata.providerCancel) so the card can say whether the render
// may still be charged.
import { findMediaAsset, type MediaAsset, updateMediaAsset } from "@streamline/db";
import { changeGeneration, providerJobOf } from "@streamline/jobs";
import { logger } from "@streamline/log";
import { MediaGenError, type MediaProviders } from "@streamline/providers";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../context";

type Ctx = ApiContext & { user: SessionUser };

/** How long media.cancel waits for the provider's answer to a cancel. */
const PROVIDER_CANCEL_TIMEOUT_MS = 15_000;

export type ProviderCancel = "stopped" | "unsupported" | "failed";

export async function cancelMedia(ctx: Ctx, id: string): Promise<MediaAsset> {
  const asset = await findMediaAsset(ctx.db, { id, userId: ctx.user.id });
  if (!asset) throw new TRPCError({ code: "NOT_FOUND", message: "No such asset." });
  const job = providerJobOf(asset);
  const canceled = await changeGeneration(ctx.db, asset, { type: "cancel", at: new Date() });
  if (!canceled) {
    throw new TRPCError({ code: "CONFLICT", message: `This generation already ${asset.status}.` });
  }
  // Only a video job with a saved id is still working there: an image ends with its create, and a
  // create that has not answered has no id to cancel yet.
  if (asset.type !== "video" || job.state !== "live") return canceled;
  const outcome = await stopAtProvider(ctx.providers, canceled, job.id);
  const recorded = await updateMediaAsset(ctx.db, canceled.id, {
    metadata: { ...canceled.metadata, providerCancel: outcome },
  });
  return recorded ?? canceled;
}

async function stopAtProvider(
  providers: MediaProviders,
  asset: MediaAsset,
  operationId: string,
): Promise<ProviderCancel> {
  let model: ReturnType<MediaProviders["getModel"]>;
  try {
    model = providers.getModel(asset.model);
  } catch {
    return "failed"; // the model's provider is not configured any more: nothing can be asked
  }
  if (!model.cancel) return "unsupported";
  try {
    await model.cancel(operationId, { signal: AbortSignal.timeout(PROVIDER_CANCEL_TIMEOUT_MS) });
    return "stopped";
  } catch (error) {
    const code = error instanceof MediaGenError ? error.code : "PROVIDER_ERROR";
    logger.warn(
      `[media] asking ${asset.provider} to stop asset ${asset.id}'s job failed (${code}); the asset is canceled here and its render may still be charged.`,
    );
    return "failed";
  }
}
