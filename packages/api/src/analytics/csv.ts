// The insights' CSV export: one line per (post, platform) with its latest figures and how the
// content was made. RFC 4180 quoting; a text cell that a spreadsheet would run as a formula
// (= + - @ at the start) gets a leading apostrophe.
import { insightRows } from "@streamline/db";
import type { ApiContext, SessionUser } from "../context";
import { aspectRatioLabel, captionLengthBucket, localTimeOf, rangeOf } from "./insights";

type Ctx = ApiContext & { user: SessionUser };

const COLUMNS = [
  "post_id",
  "asset_id",
  "platform",
  "account",
  "status",
  "published_at",
  "posting_hour",
  "weekday",
  "model",
  "media_type",
  "aspect_ratio",
  "reference_photo",
  "caption_tone",
  "caption_length",
  "caption_length_bucket",
  "snapshot_taken_at",
  "impressions",
  "reach",
  "views",
  "likes",
  "comments",
  "shares",
  "saves",
  "clicks",
  "engagement_rate",
] as const;

export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export async function exportCsv(
  ctx: Ctx,
  input: { from?: string | undefined; to?: string | undefined; platform?: string | undefined },
) {
  const now = ctx.social?.now?.() ?? new Date();
  const { from, to } = rangeOf(input, now);
  const rows = await insightRows(ctx.db, {
    userId: ctx.user.id,
    from,
    to,
    platform: input.platform,
  });
  const lines = [COLUMNS.join(",")];
  for (const r of rows) {
    const local = localTimeOf(r.publishedAt, r.timezone);
    const cells: Array<string | number | boolean | null> = [
      r.postId,
      r.assetId,
      r.platform,
      r.handle ?? r.accountId,
      r.status,
      r.publishedAt.toISOString(),
      local.hour,
      local.weekday,
      r.model,
      r.mediaType,
      aspectRatioLabel(r.width, r.height),
      r.hasReference,
      r.captionTone,
      r.captionLength,
      captionLengthBucket(r.captionLength),
      r.takenAt.toISOString(),
      r.impressions,
      r.reach,
      r.views,
      r.likes,
      r.comments,
      r.shares,
      r.saves,
      r.clicks,
      r.engagementRate,
    ];
    lines.push(cells.map(csvCell).join(","));
  }
  return {
    filename: `streamline-insights-${from.toISOString().slice(0, 10)}-to-${new Date(to.getTime() - 1).toISOString().slice(0, 10)}.csv`,
    contentType: "text/csv; charset=utf-8" as const,
    rows: rows.length,
    csv: `${lines.join("\r\n")}\r\n`,
  };
}
