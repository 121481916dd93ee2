// Reading Zernio's answers about a post into the row's terms (our platform ids, our states).
import type { PostStatus } from "../types";
import { fromZernioPlatform } from "./platforms";
import {
  type PostPatch,
  type PostPlatformResult,
  type PostRecord,
  type PostState,
  TERMINAL_POST_STATES,
} from "./record";

const ROW_STATUS: Record<string, PostState> = {
  draft: "scheduled",
  scheduled: "scheduled",
  publishing: "publishing",
  published: "published",
  partial: "partial",
  failed: "failed",
  cancelled: "cancelled",
};

/** A row's patch from what Zernio says about its post (our platform ids in the results). */
export function patchFromZernio(
  post: Pick<PostRecord, "targets" | "completed_at">,
  status: PostStatus,
): PostPatch {
  const rowStatus = ROW_STATUS[status.status] ?? "publishing";
  const results: PostPlatformResult[] = status.platforms.length
    ? status.platforms.map((p) => ({
        platform: fromZernioPlatform(p.platform) ?? p.platform,
        accountId: p.accountId,
        status: p.status === "pending" && rowStatus === "scheduled" ? "scheduled" : p.status,
        url: p.platformPostUrl,
        publishedAt: p.publishedAt,
        errorMessage: p.errorMessage,
        errorCategory: p.errorCategory,
      }))
    : pendingResults(post, rowStatus === "scheduled" ? "scheduled" : "pending");
  const terminal = TERMINAL_POST_STATES.includes(rowStatus);
  return {
    status: rowStatus,
    results,
    ...(terminal
      ? { completed_at: post.completed_at ?? new Date(), error_code: null, error_message: null }
      : { completed_at: null }),
    ...(rowStatus === "failed" || rowStatus === "partial"
      ? {
          error_code: rowStatus === "failed" ? "PUBLISH_FAILED" : "PARTIAL",
          error_message:
            results
              .filter((r) => r.status === "failed")
              .map((r) => `${r.platform}: ${r.errorMessage ?? "failed"}`)
              .join("; ") || null,
        }
      : {}),
  };
}

/** Every target in one per-platform status, nothing known yet. */
export function pendingResults(
  post: Pick<PostRecord, "targets">,
  status: string,
): PostPlatformResult[] {
  return post.targets.map((t) => ({
    platform: t.platform,
    accountId: t.accountId,
    status,
    url: null,
    publishedAt: null,
    errorMessage: null,
    errorCategory: null,
  }));
}

export function failedResults(
  post: Pick<PostRecord, "targets">,
  message: string,
  category: string | null,
): PostPlatformResult[] {
  return post.targets.map((t) => ({
    platform: t.platform,
    accountId: t.accountId,
    status: "failed",
    url: null,
    publishedAt: null,
    errorMessage: message,
    errorCategory: category,
  }));
}

/** The patch changes nothing a subscriber sees (no write, no event). */
export const sameState = (post: Pick<PostRecord, "status" | "results">, patch: PostPatch) =>
  post.status === patch.status && JSON.stringify(post.results) === JSON.stringify(patch.results);
