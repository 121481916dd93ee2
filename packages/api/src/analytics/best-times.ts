// Best posting times: the user's latest figures per (post, platform) grouped by the weekday and
// hour they went out, in the time zone the caller plans in (a queue's zone), so the suggestions
// are slots the queue editor can take as they are (weekday 1 = Monday … 7, "HH:00").
// - A cell (weekday × hour) counts only with at least MIN_CELL posts.
// - A suggestion is a counted cell whose median beats the median of all the posts, best first.
// - `confident` says whether the cell beats the rest of the posts beyond noise: Mann–Whitney U of
//   the cell against every other post, held to α / (number of counted cells) (Bonferroni: the
//   best cells are picked after looking). Not confident = "worth trying", said as such.
import { type InsightRow, insightRows } from "@streamline/db";
import type { ApiContext, SessionUser } from "../context";
import { type InsightMetric, rangeOf } from "./insights";
import { DEFAULT_ALPHA, mannWhitneyU, median } from "./statistics";

type Ctx = ApiContext & { user: SessionUser };

/** Fewer posts than this in an hour of a weekday: not counted. */
export const MIN_CELL = 3;

const WEEKDAY_NUMBER: Record<string, number> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      hour: "2-digit",
      hourCycle: "h23",
      weekday: "short",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Weekday (1 = Monday … 7) and hour (0–23) of an instant in `zone`. */
export function weekdayHourIn(at: Date, zone: string): { weekday: number; hour: number } {
  const parts = formatterFor(zone).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const weekday = WEEKDAY_NUMBER[parts.find((p) => p.type === "weekday")?.value ?? ""] ?? 1;
  return { weekday, hour: hour === 24 ? 0 : hour };
}

export interface TimeCell {
  weekday: number;
  hour: number;
  n: number;
  median: number;
}

export interface TimeSuggestion extends TimeCell {
  /** "HH:00", the queue editor's slot time. */
  time: string;
  /** The cell's median over the median of all the posts. */
  ratio: number | null;
  p: number;
  /** Beats the other posts beyond noise (Bonferroni over the counted cells). */
  confident: boolean;
}

/** Pure: the cells and the suggestions for `rows` in `zone`. */
export function bestTimesOf(
  rows: readonly Pick<InsightRow, "publishedAt" | InsightMetric>[],
  options: { zone: string; metric: InsightMetric; limit: number; alpha?: number },
) {
  const cells = new Map<string, { weekday: number; hour: number; values: number[] }>();
  const all: number[] = [];
  for (const row of rows) {
    const value = row[options.metric];
    if (!Number.isFinite(value)) continue;
    all.push(value);
    const { weekday, hour } = weekdayHourIn(row.publishedAt, options.zone);
    const key = `${weekday}:${hour}`;
    const cell = cells.get(key);
    if (cell) cell.values.push(value);
    else cells.set(key, { weekday, hour, values: [value] });
  }
  const overall = all.length ? median(all) : null;
  const listed: TimeCell[] = [...cells.values()]
    .map((c) => ({
      weekday: c.weekday,
      hour: c.hour,
      n: c.values.length,
      median: median(c.values),
    }))
    .sort((a, b) => a.weekday - b.weekday || a.hour - b.hour);
  const counted = [...cells.values()].filter((c) => c.values.length >= MIN_CELL);
  const alpha = (options.alpha ?? DEFAULT_ALPHA) / Math.max(1, counted.length);
  const suggestions: TimeSuggestion[] = [];
  for (const cell of counted) {
    const cellMedian = median(cell.values);
    if (overall === null || cellMedian <= overall) continue;
    const rest = rowsOutside(cells, cell);
    const { p } = mannWhitneyU(cell.values, rest);
    suggestions.push({
      weekday: cell.weekday,
      hour: cell.hour,
      time: `${String(cell.hour).padStart(2, "0")}:00`,
      n: cell.values.length,
      median: cellMedian,
      ratio: overall === 0 ? null : cellMedian / overall,
      p: Number.isNaN(p) ? 1 : p,
      confident: !Number.isNaN(p) && p < alpha,
    });
  }
  suggestions.sort(
    (a, b) => Number(b.confident) - Number(a.confident) || b.median - a.median || b.n - a.n,
  );
  return {
    overallMedian: overall,
    cells: listed,
    countedCells: counted.length,
    alpha,
    suggestions: suggestions.slice(0, options.limit),
  };
}

function rowsOutside(
  cells: Map<string, { weekday: number; hour: number; values: number[] }>,
  cell: { weekday: number; hour: number },
): number[] {
  const rest: number[] = [];
  for (const other of cells.values()) {
    if (other.weekday === cell.weekday && other.hour === cell.hour) continue;
    for (const v of other.values) rest.push(v);
  }
  return rest;
}

export interface BestTimesInput {
  timezone: string;
  accountId?: string | undefined;
  platform?: string | undefined;
  metric?: InsightMetric | undefined;
  limit?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** analytics.bestTimes: suggestions for the queue slots of an account (or of every account). */
export async function bestTimesFor(ctx: Ctx, input: BestTimesInput) {
  const now = ctx.social?.now?.() ?? new Date();
  const { from, to } = rangeOf(input, now);
  // Only the account's pairs when one is asked (filtered in SQL).
  const mine = await insightRows(ctx.db, {
    userId: ctx.user.id,
    from,
    to,
    platform: input.platform,
    accountId: input.accountId,
  });
  const metric = input.metric ?? "engagementRate";
  return {
    timezone: input.timezone,
    metric,
    from: from.toISOString(),
    to: to.toISOString(),
    pairs: mine.length,
    minPerCell: MIN_CELL,
    test: "Mann–Whitney U of the hour against every other post, Bonferroni over the counted hours" as const,
    ...bestTimesOf(mine, { zone: input.timezone, metric, limit: input.limit ?? 5 }),
  };
}
