import {
  assetMetadataOf,
  type MediaAsset,
  type MediaAssetListRow,
  type MediaAssetMetadata,
} from "@streamline/db";
import { providerJobOf, retryPlan } from "@streamline/jobs";
import { findModelSpec } from "@streamline/providers";
import type { MediaStorage } from "@streamline/storage";

type StorageKeys = {
  resultKey?: string | null;
  thumbnailKey?: string | null;
  referenceKey?: string | null;
};

export function storageKeysOf(asset: Pick<MediaAsset, "metadata">): StorageKeys {
  return assetMetadataOf(asset).storage ?? {};
}

/**
 * What the API says about an asset. URLs are resolved at read time from storage keys, so private
 * S3 objects get fresh short-lived signed URLs and nothing expiring is ever stored.
 */
export async function toMediaAssetDto(asset: MediaAssetListRow, storage: MediaStorage) {
  const keys = storageKeysOf(asset);
  const url = async (key: string | null | undefined, fallback: string | null) =>
    key ? storage.urlFor(key) : fallback;
  const spec = findModelSpec(asset.model);
  const metadata = assetMetadataOf(asset);
  return {
    id: asset.id,
    type: asset.type,
    provider: asset.provider,
    model: asset.model,
    modelLabel: spec?.label ?? asset.model,
    prompt: asset.prompt,
    status: asset.status,
    progress: asset.progress,
    error: asset.error_code
      ? { code: asset.error_code, message: asset.error_message ?? asset.error_code }
      : null,
    resultUrl: await url(keys.resultKey, asset.result_url),
    thumbnailUrl: await url(keys.thumbnailKey, asset.thumbnail_url),
    referenceImageUrl: await url(keys.referenceKey, asset.reference_image_url),
    width: asset.width,
    height: asset.height,
    durationSeconds: asset.duration_seconds,
    /** What the generation asked for (size, length), when the options say; shown when it differs. */
    requested: requestedOf(metadata),
    /** What the provider charged; null when it billed nothing (rejected, failed, canceled early). */
    costUsd: asset.cost_usd === null ? null : Number(asset.cost_usd),
    /** The catalog's estimate at submit time; never a charge by itself. */
    estimatedCostUsd: asset.estimated_cost_usd === null ? null : Number(asset.estimated_cost_usd),
    /** For failed or canceled assets: whether Retry resumes the provider job or starts a new one. */
    retryPlan: asset.status === "failed" || asset.status === "canceled" ? retryPlan(asset) : null,
    charge: chargeOf(asset),
    /**
     * A canceled video that was running at the provider: whether the provider stopped it (stopped),
     * has no cancel in its API (unsupported: it renders on and may bill), or did not answer (failed).
     */
    providerCancel: metadata.providerCancel ?? null,
    options: asset.params,
    demo: metadata.demo === true,
    starred: asset.starred_at !== null,
    /** The variants of one submission share a group id; `variant` says which one this is. */
    groupId: asset.group_id,
    variant: metadata.variant ? { index: metadata.variant.index, of: metadata.variant.of } : null,
    /** Made with one of the user's earlier results as its reference ("Use as reference"). */
    referenceAssetId: metadata.referenceAssetId ?? null,
    attempts: asset.attempts,
    createdAt: asset.created_at,
    updatedAt: asset.updated_at,
    completedAt: asset.completed_at,
  };
}

function requestedOf(metadata: MediaAssetMetadata): {
  width?: number;
  height?: number;
  durationSeconds?: number;
} | null {
  const requested = metadata.requested;
  if (!requested) return null;
  const { width, height, durationSeconds } = requested;
  return {
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
  };
}

/**
 * What the user pays for this asset, in words the card can show:
 * - charged: the provider delivered and billed `usd`;
 * - estimate: still in flight, `usd` is the estimate held against the daily cap;
 * - not_charged: refused, failed or canceled before the provider did billable work;
 * - may_be_charged: we stopped following a provider job that may still finish and bill
 *   (deadline passed, canceled mid-render, or a create that got no answer); Retry resumes it;
 * - demo: made by offline demo mode's built-in mocks: $0, never counted against the cap.
 */
function chargeOf(asset: MediaAssetListRow): {
  state: "charged" | "estimate" | "not_charged" | "may_be_charged" | "demo";
  usd: number | null;
} {
  if (assetMetadataOf(asset).demo === true) return { state: "demo", usd: 0 };
  const estimate = asset.estimated_cost_usd === null ? null : Number(asset.estimated_cost_usd);
  if (asset.cost_usd !== null) return { state: "charged", usd: Number(asset.cost_usd) };
  if (asset.status === "queued" || asset.status === "running")
    return { state: "estimate", usd: estimate };
  // A video job we stopped following may still render and bill; an image job ends with its create.
  const job = providerJobOf(asset).state;
  const unfinished =
    job === "unknown" || ((job === "claimed" || job === "live") && asset.type === "video");
  return unfinished
    ? { state: "may_be_charged", usd: estimate }
    : { state: "not_charged", usd: null };
}

export type MediaAssetDto = Awaited<ReturnType<typeof toMediaAssetDto>>;
