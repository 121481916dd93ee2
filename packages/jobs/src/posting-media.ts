// The upload step of a post job, and the check before it: the row's accounts are the user's own,
// and its asset's file reaches Zernio (linked when our media is public, otherwise uploaded, or an
// upload of the same bytes a moment ago posted again).
import { Readable } from "node:stream";
import {
  findMediaAsset,
  findRecentZernioUpload,
  findSocialProfile,
  forgetZernioUpload,
  listPostMedia,
  type MediaAsset,
  type PostMediaRow,
  type ScheduledPost,
  saveZernioUpload,
  setPostMediaUrl,
  setScheduledPostMediaUrl,
} from "@streamline/db";
import { logger } from "@streamline/log";
import {
  isPlatform,
  isSocialError,
  type MediaUpload,
  type MediaValidation,
  platformLabel,
  toZernioPlatform,
} from "@streamline/social";
import { streamStoredObject, toNodeReadable } from "@streamline/storage";
import type { PostingDeps } from "./posting";

/** One item of a post as Zernio's create body carries it. */
export type SentMediaItem = { url: string; type: "image" | "video" | "gif" };

/**
 * Every media item of the post, in order (issue 19: carousels): each uploaded (or, when our media
 * is public, linked), its URL kept on its post_media row so a re-sent create posts the same files.
 * `reused`: one of them is an earlier upload (Zernio may have dropped it: the caller re-uploads all
 * with `fresh` when the create is refused).
 */
export async function mediaItemsFor(
  post: ScheduledPost,
  deps: PostingDeps,
  signal: AbortSignal | undefined,
  options: { fresh?: boolean } = {},
): Promise<{ items: SentMediaItem[]; reused: boolean }> {
  const rows = (await listPostMedia(deps.db, [post.id])).get(post.id) ?? [
    { post_id: post.id, position: 0, asset_id: post.asset_id, media_url: post.media_url },
  ];
  const items: SentMediaItem[] = [];
  let reused = false;
  for (const row of rows) {
    const item = await mediaUrlFor(post, row, deps, signal, options);
    items.push({ url: item.url, type: item.type });
    reused ||= item.reused;
  }
  return { items, reused };
}

/**
 * Uploads (or, when our media is public, links) one item's file; returns the URL to post and
 * whether it is an earlier upload (`reused`). `fresh`: an earlier upload was refused, upload anew.
 */
async function mediaUrlFor(
  post: ScheduledPost,
  item: PostMediaRow,
  deps: PostingDeps,
  signal: AbortSignal | undefined,
  options: { fresh?: boolean } = {},
): Promise<{ url: string; type: "image" | "video" | "gif"; reused: boolean }> {
  const asset = await findMediaAsset(deps.db, { id: item.asset_id, userId: post.user_id });
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
  if (item.media_url && !options.fresh) {
    return { url: item.media_url, type, reused: !deps.publicMediaBaseUrl };
  }
  let url: string;
  let reused = false;
  const reuseMs = deps.uploadReuseMs ?? DEFAULT_UPLOAD_REUSE_MS;
  const earlier =
    deps.publicMediaBaseUrl || options.fresh || reuseMs <= 0
      ? undefined
      : await findRecentZernioUpload(deps.db, { assetId: asset.id, maxAgeMs: reuseMs });
  if (options.fresh && item.media_url) {
    await forgetZernioUpload(deps.db, { assetId: asset.id, publicUrl: item.media_url });
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
  // A URL new to this post (uploaded, linked or an earlier upload): Zernio's validate/media first.
  // Before it is saved on the row, so a URL a (re-sent) create could carry is one Zernio accepted.
  await assertMediaAccepted(post, url, deps, signal);
  await setPostMediaUrl(deps.db, { postId: post.id, position: item.position }, url);
  if (item.position === 0) await setScheduledPostMediaUrl(deps.db, post.id, url);
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

/** How long the post job waits for one of Zernio's validation verdicts before going on without it. */
export const SEND_VALIDATION_DEADLINE_MS = 10_000;

/** The job's signal, cut off at SEND_VALIDATION_DEADLINE_MS (a validation is never worth a stall). */
export function validationSignal(signal: AbortSignal | undefined): AbortSignal {
  const deadline = AbortSignal.timeout(SEND_VALIDATION_DEADLINE_MS);
  return signal ? AbortSignal.any([signal, deadline]) : deadline;
}

/** A posting line: to the injected logger (tests), else the process logger at `level`. */
export const postingLog = (deps: PostingDeps, line: string, level: "error" | "warn" = "error") =>
  deps.logger ? deps.logger(line) : logger[level](line);

/**
 * POST /v1/tools/validate/media on a URL about to go on this post. Its documented answer
 * (ValidateMediaResponse): `valid: false` with `error` (unreachable, not media, private URL) and
 * `platformLimits[platform].withinLimit: false` (too large for a network the post goes to) fail the
 * post with Zernio's words, before any create. A 400 (private/localhost URL, refused for SSRF) is
 * Zernio's verdict too. Validation that cannot be reached (timeout, 5xx, 404 of a gateway without
 * it, network), or an answer without a reason, lets the post go on: the create decides then.
 * A 429 is thrown (the post is sent again after the reset, nothing was created).
 */
export async function assertMediaAccepted(
  post: Pick<ScheduledPost, "id" | "targets">,
  url: string,
  deps: PostingDeps,
  signal: AbortSignal | undefined,
): Promise<void> {
  const zernio = deps.zernio as NonNullable<PostingDeps["zernio"]>;
  let verdict: MediaValidation;
  try {
    verdict = await zernio.validateMedia(url, { signal: validationSignal(signal) });
  } catch (error) {
    if (signal?.aborted) throw error;
    if (isSocialError(error) && error.code === "RATE_LIMITED") throw error;
    if (isSocialError(error) && error.code === "VALIDATION") {
      throw new PostingFailure("VALIDATION", `Zernio refused the media: ${error.message}`, {
        category: "user_content",
      });
    }
    const why = isSocialError(error) ? error.code : "unreachable";
    postingLog(
      deps,
      `[Posting] post ${post.id}: Zernio's media validation could not be reached (${why}); going on`,
      "warn",
    );
    return;
  }
  if (!verdict.valid) {
    if (!verdict.error) return; // no documented reason given: the create decides
    throw new PostingFailure("VALIDATION", `Zernio cannot use the media: ${verdict.error}`, {
      category: "user_content",
    });
  }
  const byPlatform: Record<string, string> = {};
  for (const target of post.targets) {
    if (!isPlatform(target.platform)) continue;
    const limit = verdict.platformLimits[toZernioPlatform(target.platform)];
    if (limit?.withinLimit !== false) continue;
    const max = limit.limit ? ` (limit ${formatBytes(limit.limit)})` : "";
    const size = verdict.size ? `${formatBytes(verdict.size)} ` : "";
    byPlatform[target.platform] =
      `The ${size}${verdict.type ?? "file"} is too large for ${platformLabel(target.platform)}${max}.`;
  }
  const messages = Object.values(byPlatform);
  if (messages.length) {
    throw new PostingFailure("VALIDATION", `Zernio: ${[...new Set(messages)].join(" ")}`, {
      category: "user_content",
      byPlatform,
    });
  }
}

const formatBytes = (bytes: number) =>
  bytes >= 1024 ** 3
    ? `${Math.round((bytes / 1024 ** 3) * 10) / 10} GB`
    : bytes >= 1024 ** 2
      ? `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`
      : `${Math.round((bytes / 1024) * 10) / 10} KB`;

/**
 * A failure of ours, or Zernio's validation refusing the post before its create: never retried.
 * `category` goes on every platform's result; `byPlatform` replaces the message of the platforms
 * a finding names (the others keep `message`, which names them all).
 */
export class PostingFailure extends Error {
  readonly category: string | null;
  readonly byPlatform: Readonly<Record<string, string>> | undefined;
  constructor(
    readonly code: string,
    message: string,
    options: { category?: string | null; byPlatform?: Record<string, string> } = {},
  ) {
    super(message);
    this.category = options.category ?? null;
    this.byPlatform = options.byPlatform;
  }
}
