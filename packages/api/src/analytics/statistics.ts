// The statistics behind the insights (pure: no I/O, no clock, no randomness).
//
// Which test, and why: the Mann–Whitney U test (Wilcoxon rank-sum), two-sided, with the normal
// approximation corrected for ties and for continuity.
// - Engagement is heavy-tailed (one post that took off is 50× the others): a rank test is not
//   moved by one outlier the way a t-test on means is, and assumes no distribution.
// - It is deterministic: the same posts give the same verdict on every page load (a bootstrap
//   would need a fixed seed to be repeatable, and its interval of a ratio of medians is jumpy on
//   the 8–30 posts a creator typically has per group).
// - It is cheap: O(n log n) per comparison, so every dimension can be tested on each request.
// The effect shown beside it is the ratio of the two medians ("2.4× your 1:1 images").
// Each dimension compares its best group with its worst among the groups with enough posts; as
// that pair is picked after looking, the test is held to α / (k·(k−1)/2) for k such groups
// (Bonferroni over every pair it could have picked), so a "real difference" is not a lucky pick.

/** Fewer posts than this on either side: "not enough data" (the normal approximation needs ~8). */
export const MIN_SAMPLE = 8;
export const DEFAULT_ALPHA = 0.05;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  // A typed array sorts numerically without a comparator call per pair (20,000 posts: ~10× faster).
  const sorted = Float64Array.from(values).sort();
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface MannWhitney {
  /** U of the first sample (the number of (a, b) pairs where a > b, ties counting ½). */
  u: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
}

/** Mann–Whitney U, two-sided, normal approximation with tie and continuity corrections. */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitney {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: Number.NaN, z: Number.NaN, p: Number.NaN };
  // Both samples sorted (typed arrays: numeric, no comparator), then walked together: each run of
  // equal values shares the mean of the ranks it spans.
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  const n = n1 + n2;
  let rankSumA = 0;
  let tieTerm = 0;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = Math.min(
      i < n1 ? (sa[i] as number) : Infinity,
      j < n2 ? (sb[j] as number) : Infinity,
    );
    let inA = 0;
    while (i < n1 && sa[i] === v) {
      i++;
      inA++;
    }
    let inB = 0;
    while (j < n2 && sb[j] === v) {
      j++;
      inB++;
    }
    const size = inA + inB;
    const last = i + j; // 1-based rank of the run's last value
    const rank = (last - size + 1 + last) / 2; // ranks are 1-based; a tie shares the mean rank
    tieTerm += size ** 3 - size;
    rankSumA += inA * rank;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, z: 0, p: 1 }; // every value equal
  const diff = u - mu;
  const corrected = Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5);
  const z = corrected / Math.sqrt(variance);
  return { u, z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

export type Comparison =
  | { verdict: "not_enough_data"; sizes: [number, number]; minSample: number }
  | {
      verdict: "no_real_difference" | "real_difference";
      sizes: [number, number];
      medians: [number, number];
      /** median(a) / median(b); null when median(b) is 0. */
      ratio: number | null;
      p: number;
      alpha: number;
      /** Which side is higher when the difference is real. */
      higher: "a" | "b" | null;
    };

/** Whether a and b differ beyond noise (Mann–Whitney at `alpha`), with the ratio of medians. */
export function compareSamples(
  a: readonly number[],
  b: readonly number[],
  options: { alpha?: number; minSample?: number } = {},
): Comparison {
  const minSample = options.minSample ?? MIN_SAMPLE;
  const sizes: [number, number] = [a.length, b.length];
  if (a.length < minSample || b.length < minSample) {
    return { verdict: "not_enough_data", sizes, minSample };
  }
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const { p } = mannWhitneyU(a, b);
  const medians: [number, number] = [median(a), median(b)];
  const ratio = medians[1] === 0 ? null : medians[0] / medians[1];
  const real = p < alpha && medians[0] !== medians[1];
  return {
    verdict: real ? "real_difference" : "no_real_difference",
    sizes,
    medians,
    ratio,
    p,
    alpha,
    higher: real ? (medians[0] > medians[1] ? "a" : "b") : null,
  };
}

export interface GroupSummary {
  value: string;
  n: number;
  median: number;
  mean: number;
}

/** Groups values by a label (null labels are left out), largest median first, then most posts. */
export function summarizeGroups<T>(
  items: readonly T[],
  label: (item: T) => string | null,
  value: (item: T) => number,
): { summaries: GroupSummary[]; samples: Map<string, number[]> } {
  const samples = new Map<string, number[]>();
  for (const item of items) {
    const key = label(item);
    const v = value(item);
    if (key === null || !Number.isFinite(v)) continue;
    const list = samples.get(key);
    if (list) list.push(v);
    else samples.set(key, [v]);
  }
  const summaries = [...samples.entries()]
    .map(([key, values]) => ({
      value: key,
      n: values.length,
      median: median(values),
      mean: mean(values),
    }))
    .sort((x, y) => y.median - x.median || y.n - x.n || x.value.localeCompare(y.value));
  return { summaries, samples };
}

export type DimensionVerdict =
  | { verdict: "not_enough_data"; minSample: number; groupsWithEnough: number }
  | {
      verdict: "no_real_difference" | "real_difference";
      best: GroupSummary;
      worst: GroupSummary;
      ratio: number | null;
      p: number;
      /** The α the pick was held to (Bonferroni over the k·(k−1)/2 pairs). */
      alpha: number;
    };

/** One dimension: its best eligible group against its worst, Bonferroni-held. */
export function compareDimension(
  summaries: readonly GroupSummary[],
  samples: ReadonlyMap<string, number[]>,
  options: { alpha?: number; minSample?: number } = {},
): DimensionVerdict {
  const minSample = options.minSample ?? MIN_SAMPLE;
  const eligible = summaries.filter((g) => g.n >= minSample);
  if (eligible.length < 2) {
    return { verdict: "not_enough_data", minSample, groupsWithEnough: eligible.length };
  }
  const best = eligible[0] as GroupSummary;
  const worst = eligible[eligible.length - 1] as GroupSummary;
  const k = eligible.length;
  const alpha = (options.alpha ?? DEFAULT_ALPHA) / ((k * (k - 1)) / 2);
  const result = compareSamples(samples.get(best.value) ?? [], samples.get(worst.value) ?? [], {
    alpha,
    minSample,
  });
  if (result.verdict === "not_enough_data") {
    return { verdict: "not_enough_data", minSample, groupsWithEnough: eligible.length };
  }
  return { verdict: result.verdict, best, worst, ratio: result.ratio, p: result.p, alpha };
}

/** "9:16 on Instagram: median engagement 2.4× your 1:1 (18 vs 22 posts)" — only for a real one. */
export function describeDifference(
  verdict: DimensionVerdict,
  label: (value: string) => string,
  metric = "engagement",
): string | null {
  if (verdict.verdict !== "real_difference") return null;
  const { best, worst, ratio } = verdict;
  const times =
    ratio === null
      ? `${formatNumber(best.median)} vs ${formatNumber(worst.median)}`
      : `${formatNumber(ratio)}× your ${label(worst.value)}`;
  return `${label(best.value)}: median ${metric} ${times} (${best.n} vs ${worst.n} posts)`;
}

function formatNumber(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toFixed(1);
}
