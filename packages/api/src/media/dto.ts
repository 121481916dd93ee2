import type { MediaAsset } from "@streamline/db";
import { findModelSpec } from "@streamline/providers";
import type { MediaStorage } from "@streamline/storage";

type StorageKeys = {
  resultKey?: string | null;
  thumbnailKey?: string | null;
  referenceKey?: string | null;
};

export function storageKeysOf(asset: MediaAsset): StorageKeys {
  const storage = asset.metadata.storage;
  return storage && typeof storage === "object" ? (storage as StorageKeys) : {};
}

/**
 * What the API says about an asset. URLs are resolved at read time from storage keys, so private
 * S3 objects get fresh short-lived signed URLs and nothing expiring is ever stored.
 */
export async function toMediaAssetDto(asset: MediaAsset, storage: MediaStorage) {
  const keys = storageKeysOf(asset);
  const url = async (key: string | null | undefined, fallback: string | null) =>
    key ? storage.urlFor(key) : fallback;
  const spec = findModelSpec(asset.model);
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
    costUsd: asset.cost_usd === null ? null : Number(asset.cost_usd),
    options: asset.params,
    demo: asset.metadata.demo === true,
    attempts: asset.attempts,
    createdAt: asset.created_at,
    updatedAt: asset.updated_at,
    completedAt: asset.completed_at,
  };
}

export type MediaAssetDto = Awaited<ReturnType<typeof toMediaAssetDto>>;
