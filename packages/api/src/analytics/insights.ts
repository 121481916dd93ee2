// Insights: a user's latest figures per (post, platform), grouped by how the content was made and
// when it went out, each dimension compared by statistics.ts. The labelling here is pure.
import { type InsightRow, insightRows } from "@streamline/db";
import { isPlatform, platformLabel } from "@streamline/social";
import type { ApiContext, SessionUser } from "../context";
import {
  compareDimension,
  type DimensionVerdict,
  describeDifference,
  type GroupSummary,
  MIN_SAMPLE,
  summarizeGroups,
} from "./statistics";

type Ctx = ApiContext & { user: SessionUser };

export const INSIGHT_KEYS = [
  "model",
  "mediaType",
  "aspectRatio",
  "platform",
  "account",
  "captionTone",
  "captionLength",
  "referencePhoto",
  "postingHour",
  "weekday",
] as const;
export type InsightKey = (typeof INSIGHT_KEYS)[number];

export const INSIGHT_METRICS = ["engagementRate", "views", "impressions", "likes"] as const;
export type InsightMetric = (typeof INSIGHT_METRICS)[number];

const KEY_LABELS: Record<InsightKey, string> = {
  model: "Model",
  mediaType: "Media type",
  aspectRatio: "Format",
  platform: "Platform",
  account: "Account",
  captionTone: "Caption tone",
  captionLength: "Caption length",
  referencePhoto: "Reference photo",
  postingHour: "Posting hour",
  weekday: "Weekday",
};

const METRIC_WORDS: Record<InsightMetric, string> = {
  engagementRate: "engagement",
  views: "views",
  impressions: "impressions",
  likes: "likes",
};

const COMMON_RATIOS: Array<[number, number]> = [
  [9, 16],
  [2, 3],
  [3, 4],
  [4, 5],
  [1, 1],
  [5, 4],
  [4, 3],
  [3, 2],
  [16, 9],
  [21, 9],
];

/** "9:16" for 1080×1920 (within 3 % of a common ratio), else the reduced "w:h"; null unknown. */
export function aspectRatioLabel(width: number | null, height: number | null): string | null {
  if (!width || !height) return null;
  const ratio = width / height;
  for (const [w, h] of COMMON_RATIOS) {
    if (Math.abs(ratio / (w / h) - 1) <= 0.03) return `${w}:${h}`;
  }
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const d = gcd(width, height);
  return `${width / d}:${height / d}`;
}

/** Caption length buckets, in characters as the platform counts them. */
export function captionLengthBucket(length: number | null): string | null {
  if (length === null) return null;
  if (length === 0) return "no caption";
  if (length <= 80) return "short (≤ 80)";
  if (length <= 300) return "medium (81–300)";
  if (length <= 1000) return "long (301–1,000)";
  return "very long (> 1,000)";
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** One formatter per time zone (building one per row costs more than the statistics). */
function formatterFor(zone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(zone)) {
    let formatter: Intl.DateTimeFormat | null = null;
    try {
      formatter = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone,
        hour: "2-digit",
        hourCycle: "h23",
        weekday: "short",
      });
    } catch {
      formatter = null;
    }
    formatters.set(zone, formatter);
  }
  return formatters.get(zone) ?? null;
}

// formatToParts costs more than everything else per row: answers are kept per zone and quarter
// hour (every zone's offset is a whole number of quarter hours), bounded.
const QUARTER_HOUR = 900_000;
const localTimes = new Map<string, { hour: string; weekday: string }>();

/** Hour (00–23) and weekday of an instant in the post's time zone (UTC when it had none). */
export function localTimeOf(at: Date, timezone: string | null): { hour: string; weekday: string } {
  const zone = timezone ?? "UTC";
  const key = `${zone}\u0000${Math.floor(at.getTime() / QUARTER_HOUR)}`;
  const known = localTimes.get(key);
  if (known) return known;
  const formatter = formatterFor(zone) ?? formatterFor("UTC");
  const parts = formatter?.formatToParts(at) ?? [];
  const hour = parts.find((p) => p.type === "hour")?.value ?? "00";
  const weekday = parts.find((p) => p.type === "weekday")?.value ?? "";
  const local = { hour: `${hour.padStart(2, "0")}:00`, weekday };
  if (localTimes.size >= 50_000) localTimes.clear();
  localTimes.set(key, local);
  return local;
}

/** The value of a row in a dimension (null: left out of that dimension). */
export function keyOf(row: InsightRow, key: InsightKey): string | null {
  switch (key) {
    case "model":
      return row.model;
    case "mediaType":
      return row.mediaType;
    case "aspectRatio":
      return aspectRatioLabel(row.width, row.height);
    case "platform":
      return row.platform;
    case "account":
      return row.accountId ? `${row.platform}:${row.handle ?? row.accountId}` : null;
    case "captionTone":
      return row.captionTone?.trim().toLowerCase() || null;
    case "captionLength":
      return captionLengthBucket(row.captionLength);
    case "referencePhoto":
      return row.hasReference ? "with reference photo" : "without reference photo";
    case "postingHour":
      return localTimeOf(row.publishedAt, row.timezone).hour;
    case "weekday":
      return localTimeOf(row.publishedAt, row.timezone).weekday;
  }
}

function valueLabel(key: InsightKey, value: string): string {
  if (key === "platform" && isPlatform(value)) return platformLabel(value);
  if (key === "mediaType") return `${value}s`;
  if (key === "postingHour") return `posts at ${value}`;
  if (key === "weekday") return `${value} posts`;
  if (key === "account") return value.slice(value.indexOf(":") + 1);
  return value;
}

export interface InsightDimension {
  key: InsightKey;
  label: string;
  /** Each group with the asset of its best post ("Make more like this"). */
  groups: Array<GroupSummary & { bestAssetId: string | null }>;
  verdict: DimensionVerdict;
  /** A plain sentence only when the difference is not noise. */
  sentence: string | null;
}

/** Every asked dimension of `rows` (pure). */
export function buildInsights(
  rows: readonly InsightRow[],
  options: { metric: InsightMetric; keys: readonly InsightKey[]; alpha?: number },
): InsightDimension[] {
  const value = (row: InsightRow) => row[options.metric];
  return options.keys.map((key) => {
    const labels = rows.map((row) => keyOf(row, key));
    const { summaries, samples } = summarizeGroups(
      rows.map((row, i) => ({ row, label: labels[i] ?? null })),
      (item) => item.label,
      (item) => value(item.row),
    );
    const best = new Map<string, InsightRow>();
    for (const [i, row] of rows.entries()) {
      const group = labels[i] ?? null;
      const held = group === null ? undefined : best.get(group);
      if (group !== null && (!held || value(row) > value(held))) best.set(group, row);
    }
    const verdict = compareDimension(summaries, samples, { alpha: options.alpha });
    if (key === "weekday") {
      summaries.sort((a, b) => WEEKDAYS.indexOf(a.value) - WEEKDAYS.indexOf(b.value));
    }
    if (key === "postingHour") summaries.sort((a, b) => a.value.localeCompare(b.value));
    return {
      key,
      label: KEY_LABELS[key],
      groups: summaries.map((g) => ({ ...g, bestAssetId: best.get(g.value)?.assetId ?? null })),
      verdict,
      sentence: describeDifference(
        verdict,
        (v) => valueLabel(key, v),
        METRIC_WORDS[options.metric],
      ),
    };
  });
}

export interface InsightsInput {
  from?: string | undefined;
  to?: string | undefined;
  platform?: string | undefined;
  metric?: InsightMetric | undefined;
  keys?: InsightKey[] | undefined;
}

const DAY = 86_400_000;

export function rangeOf(input: { from?: string | undefined; to?: string | undefined }, now: Date) {
  const to = input.to ? new Date(Date.parse(input.to) + DAY) : new Date(now.getTime() + 1);
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - 90 * DAY);
  return { from, to };
}

export async function insightsFor(ctx: Ctx, input: InsightsInput) {
  const now = ctx.social?.now?.() ?? new Date();
  const { from, to } = rangeOf(input, now);
  const rows = await insightRows(ctx.db, {
    userId: ctx.user.id,
    from,
    to,
    platform: input.platform,
  });
  const metric = input.metric ?? "engagementRate";
  return {
    metric,
    from: from.toISOString(),
    to: to.toISOString(),
    minSample: MIN_SAMPLE,
    test: "Mann–Whitney U, two-sided, Bonferroni-held best vs worst group" as const,
    pairs: rows.length,
    posts: new Set(rows.map((r) => r.postId)).size,
    dimensions: buildInsights(rows, { metric, keys: input.keys ?? INSIGHT_KEYS }),
    top: topPosts(rows, metric, 5),
  };
}

/** The best (post, platform) rows by `metric`, one per asset ("Make more like this"). */
export function topPosts(rows: readonly InsightRow[], metric: InsightMetric, limit: number) {
  const seen = new Set<string>();
  const top = [];
  for (const row of [...rows].sort((a, b) => b[metric] - a[metric])) {
    if (seen.has(row.assetId)) continue;
    seen.add(row.assetId);
    top.push({
      postId: row.postId,
      assetId: row.assetId,
      platform: row.platform,
      model: row.model,
      mediaType: row.mediaType,
      aspectRatio: aspectRatioLabel(row.width, row.height),
      publishedAt: row.publishedAt.toISOString(),
      value: row[metric],
      views: row.views,
      likes: row.likes,
      engagementRate: row.engagementRate,
    });
    if (top.length === limit) break;
  }
  return top;
}
