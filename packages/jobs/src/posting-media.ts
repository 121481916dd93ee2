// The upload step of a post job, and the check before it: the row's accounts are the user's own,
// and its asset's file reaches Zernio (linked when our media is public, otherwise uploaded, or an
// upload of the same bytes a moment ago posted again).
import { Readable } from "node:stream";
import {
  findMediaAsset,
  findRecentZernioUpload,
  findSocialProfile,
  forgetZernioUpload,
  type MediaAsset,
  type ScheduledPost,
  saveZernioUpload,
  setScheduledPostMediaUrl,
} from "@streamline/db";
import type { MediaUpload } from "@streamline/social";
import { streamStoredObject, toNodeReadable } from "@streamline/storage";
import type { PostingDeps } from "./posting";

/**
 * Uploads (or, when our media is public, links) the asset's file; returns the URL to post and
 * whether it is an earlier upload (`reused`). `fresh`: an earlier upload was refused, upload anew.
 */
export async function mediaUrlFor(
  post: ScheduledPost,
  deps: PostingDeps,
  signal: AbortSignal | undefined,
  options: { fresh?: boolean } = {},
): Promise<{ url: string; type: "image" | "video" | "gif"; reused: boolean }> {
  const asset = await findMediaAsset(deps.db, { id: post.asset_id, userId: post.user_id });
  const storage = (asset?.metadata.storage ?? {}) as { resultKey?: string | null };
  if (!asset || asset.deleted_at || !storage.resultKey) {
    throw new PostingFailure(
      "MEDIA_UNAVAILABLE",
      "The asset's file is gone, so nothing was posted.",
    );
  }
  const mimeType =
    typeof asset.metadata.mimeType === "string"
      ? asset.metadata.mimeType
      : asset.type === "video"
        ? "video/mp4"
        : "image/png";
  const type = asset.type === "video" ? "video" : mimeType === "image/gif" ? "gif" : "image";
  if (post.media_url && !options.fresh) {
    return { url: post.media_url, type, reused: !deps.publicMediaBaseUrl };
  }
  let url: string;
  let reused = false;
  const reuseMs = deps.uploadReuseMs ?? DEFAULT_UPLOAD_REUSE_MS;
  const earlier =
    deps.publicMediaBaseUrl || options.fresh || reuseMs <= 0
      ? undefined
      : await findRecentZernioUpload(deps.db, { assetId: asset.id, maxAgeMs: reuseMs });
  if (options.fresh && post.media_url) {
    await forgetZernioUpload(deps.db, { assetId: asset.id, publicUrl: post.media_url });
  }
  if (deps.publicMediaBaseUrl) {
    // Our media is public and durable (MEDIA_PUBLIC_BASE_URL): Zernio and the networks fetch it.
    url = `${deps.publicMediaBaseUrl.replace(/\/+$/, "")}/${storage.resultKey}`;
  } else if (earlier && (await stillServed(earlier, signal))) {
    // The same bytes went up a moment ago (another post of this asset): post that URL again
    // instead of another presign + upload on the workspace's shared Zernio key.
    url = earlier;
    reused = true;
  } else {
    url = await uploadToZernio(
      asset,
      deps,
      { resultKey: storage.resultKey, mimeType, type },
      signal,
    );
  }
  await setScheduledPostMediaUrl(deps.db, post.id, url);
  return { url, type, reused };
}

/** Presign + upload of the asset's stored file (streamed); the URL is remembered for reuse. */
async function uploadToZernio(
  asset: MediaAsset,
  deps: PostingDeps,
  file: { resultKey: string; mimeType: string; type: "image" | "video" | "gif" },
  signal: AbortSignal | undefined,
): Promise<string> {
  const { mimeType, type } = file;
  const zernio = deps.zernio as NonNullable<PostingDeps["zernio"]>;
  const size = Number(asset.metadata.bytes);
  const body = await streamStoredObject(deps.storage, file.resultKey);
  if (!body || !(size > 0)) {
    throw new PostingFailure("MEDIA_UNAVAILABLE", "The asset's file could not be read.");
  }
  const extension = file.resultKey.split(".").pop() ?? (type === "video" ? "mp4" : "png");
  const uploaded = await zernio.uploadMedia({
    filename: `streamline-${asset.id}.${extension}`,
    contentType: mimeType as MediaUpload["contentType"],
    size,
    // Streamed from storage, never buffered whole.
    body: Readable.toWeb(toNodeReadable(body)) as unknown as ReadableStream<Uint8Array>,
    signal,
  });
  await saveZernioUpload(deps.db, { assetId: asset.id, publicUrl: uploaded.publicUrl });
  return uploaded.publicUrl;
}

/** Default ZERNIO_UPLOAD_REUSE_MINUTES (Zernio documents no retention for presigned uploads). */
const DEFAULT_UPLOAD_REUSE_MS = 60 * 60_000;

/** An earlier upload's URL still answers (first byte only), so Zernio can fetch it too. */
async function stillServed(url: string, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    const response = await fetch(url, {
      headers: { Range: "bytes=0-0" },
      signal: signal
        ? AbortSignal.any([signal, AbortSignal.timeout(5_000)])
        : AbortSignal.timeout(5_000),
    });
    await response.body?.cancel().catch(() => {});
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Defence in depth: social.schedule already refused accounts that are not the user's, but the row
 * is re-checked right before anything goes to Zernio (a row written in shared mode, or by a bug,
 * never posts to another user's account). A refusal fails the post, with zero post requests.
 */
export async function assertOwnedTargets(
  post: ScheduledPost,
  deps: PostingDeps,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (deps.sharedAccounts) return;
  const zernio = deps.zernio as NonNullable<PostingDeps["zernio"]>;
  const profile = await findSocialProfile(deps.db, post.user_id);
  if (profile?.status !== "ready" || !profile.zernio_profile_id) {
    throw new PostingFailure(
      "ACCOUNT_NOT_OWNED",
      "This post's accounts are not in your Zernio profile, so nothing was posted.",
    );
  }
  const profileId = profile.zernio_profile_id;
  const owned = new Set(
    (await zernio.listAccounts({ profileId, signal }))
      .filter((a) => a.profileId === profileId)
      .map((a) => a.id),
  );
  const foreign = post.targets.filter((t) => !owned.has(t.accountId));
  if (foreign.length) {
    throw new PostingFailure(
      "ACCOUNT_NOT_OWNED",
      `Not one of your connected accounts: ${foreign.map((t) => `${t.platform} ${t.accountId}`).join(", ")} — nothing was posted.`,
    );
  }
}

/** A failure of ours (not Zernio's): never retried. */
export class PostingFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
