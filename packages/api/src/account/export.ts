// account.exportData: the user's data as one JSON document, to keep before deleting the account —
// every asset's metadata (deleted ones marked), every caption version, every post with its
// per-platform result, and the API keys' names (never a key or its hash). Files are not inlined:
// each live asset carries a fresh link to its file, to download while the account exists.
import { readAccountData } from "@streamline/db";
import type { ApiContext, SessionUser } from "../context";
import { toMediaAssetDto } from "../media/dto";

type Ctx = ApiContext & { user: SessionUser };

export const EXPORT_FORMAT = "streamline-account-export/1";

export async function exportAccountData(ctx: Ctx) {
  const data = await readAccountData(ctx.db, ctx.user.id);
  const assets = await Promise.all(
    data.assets.map(async (asset) => {
      const dto = await toMediaAssetDto(asset, ctx.storage);
      return {
        id: asset.id,
        type: asset.type,
        provider: asset.provider,
        model: asset.model,
        prompt: asset.prompt,
        status: asset.status,
        options: asset.params,
        width: asset.width,
        height: asset.height,
        durationSeconds: asset.duration_seconds,
        costUsd: asset.cost_usd === null ? null : Number(asset.cost_usd),
        starred: asset.starred_at !== null,
        groupId: asset.group_id,
        error: dto.error,
        // A deleted asset's files are gone: no links for it.
        resultUrl: asset.deleted_at ? null : dto.resultUrl,
        thumbnailUrl: asset.deleted_at ? null : dto.thumbnailUrl,
        createdAt: asset.created_at,
        completedAt: asset.completed_at,
        deletedAt: asset.deleted_at,
      };
    }),
  );
  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date(),
    user: data.user
      ? {
          id: data.user.id,
          email: data.user.email,
          name: data.user.name,
          createdAt: data.user.createdAt,
        }
      : { id: ctx.user.id },
    assets,
    captions: data.captions.map((c) => ({
      id: c.id,
      assetId: c.asset_id,
      platform: c.platform,
      text: c.text,
      title: c.title,
      hashtags: c.hashtags,
      source: c.source,
      model: c.model,
      tone: c.tone,
      language: c.language,
      createdAt: c.created_at,
    })),
    posts: data.posts.map((p) => ({
      id: p.id,
      assetId: p.asset_id,
      status: p.status,
      publishNow: p.publish_now,
      scheduledFor: p.scheduled_for,
      scheduledLocal: p.scheduled_local,
      timezone: p.timezone,
      targets: p.targets,
      captions: p.captions,
      results: p.results,
      error: p.error_code ? { code: p.error_code, message: p.error_message } : null,
      createdAt: p.created_at,
    })),
    apiKeys: data.apiKeys.map((k) => ({
      name: k.name,
      prefix: k.prefix,
      createdAt: k.created_at,
      lastUsedAt: k.last_used_at,
      revokedAt: k.revoked_at,
    })),
  };
}
