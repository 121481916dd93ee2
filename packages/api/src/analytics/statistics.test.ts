// Fixed data sets with known answers (U, z and p worked out by hand from the textbook formulas:
// U = R₁ − n₁(n₁+1)/2, σ² = n₁n₂/12 · (n+1 − Σ(t³−t)/(n(n−1))), z = (|U−μ| − ½)/σ).
import { describe, expect, it } from "vitest";
import {
  compareDimension,
  compareSamples,
  describeDifference,
  mannWhitneyU,
  median,
  normalCdf,
  summarizeGroups,
} from "./statistics";

const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe("median and the normal CDF", () => {
  it("gives known values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3.308161698516173)).toBeCloseTo(0.0009391056991171905 / 2, 6);
  });
});

describe("Mann–Whitney U", () => {
  it("completely separated samples: U = 0, z = −3.308, p = 0.000939", () => {
    const r = mannWhitneyU(range(1, 8), range(9, 16));
    expect(r.u).toBe(0);
    expect(r.z).toBeCloseTo(-3.308162, 5);
    expect(r.p).toBeCloseTo(0.000939106, 6);
  });

  it("interleaved samples: U = 28, z = −0.368, p = 0.713", () => {
    const r = mannWhitneyU(range(1, 15, 2), range(2, 16, 2));
    expect(r.u).toBe(28);
    expect(r.z).toBeCloseTo(-0.367574, 5);
    expect(r.p).toBeCloseTo(0.713191, 5);
  });

  it("ties share their mean rank and shrink the variance: U = 8, p = 0.01198", () => {
    const r = mannWhitneyU([1, 1, 2, 2, 3, 3, 4, 4], [3, 3, 4, 4, 5, 5, 6, 6]);
    expect(r.u).toBe(8);
    expect(r.z).toBeCloseTo(-2.512734, 5);
    expect(r.p).toBeCloseTo(0.01198, 4);
  });

  it("is symmetric and says p = 1 when every value is equal", () => {
    const a = [1.2, 1.5, 1.9, 2.2, 2.4, 2.5, 2.8, 3.0, 3.1, 3.3];
    const b = [0.9, 1.0, 1.1, 1.3, 1.4, 1.6, 1.7, 2.0, 2.1, 2.3];
    expect(mannWhitneyU(a, b).u).toBe(84);
    expect(mannWhitneyU(a, b).p).toBeCloseTo(0.01133, 4);
    expect(mannWhitneyU(b, a).p).toBeCloseTo(mannWhitneyU(a, b).p, 10);
    expect(mannWhitneyU([2, 2, 2], [2, 2, 2]).p).toBe(1);
  });
});

describe("compareSamples", () => {
  it("not enough data below 8 posts on either side", () => {
    expect(compareSamples(range(1, 7), range(9, 30))).toEqual({
      verdict: "not_enough_data",
      sizes: [7, 22],
      minSample: 8,
    });
  });

  it("a real difference, with the ratio of medians", () => {
    const r = compareSamples(range(9, 16), range(1, 8));
    expect(r.verdict).toBe("real_difference");
    if (r.verdict === "not_enough_data") return;
    expect(r.medians).toEqual([12.5, 4.5]);
    expect(r.ratio).toBeCloseTo(12.5 / 4.5, 10);
    expect(r.higher).toBe("a");
  });

  it("no real difference for interleaved samples", () => {
    const r = compareSamples(range(1, 15, 2), range(2, 16, 2));
    expect(r).toMatchObject({ verdict: "no_real_difference", higher: null });
  });
});

describe("dimensions", () => {
  type Post = { format: string | null; engagement: number };
  const posts: Post[] = [
    ...[4.1, 3.8, 5.2, 4.6, 6.0, 3.9, 4.4, 5.5, 4.9, 5.1].map((engagement) => ({
      format: "9:16",
      engagement,
    })),
    ...[1.9, 2.2, 1.7, 2.5, 2.0, 1.8, 2.4, 2.1].map((engagement) => ({
      format: "1:1",
      engagement,
    })),
    ...[3.0, 3.2].map((engagement) => ({ format: "4:5", engagement })),
    { format: null, engagement: 9 },
  ];

  it("groups with sample sizes (null labels left out), best median first", () => {
    const { summaries } = summarizeGroups(
      posts,
      (p) => p.format,
      (p) => p.engagement,
    );
    expect(summaries.map((g) => [g.value, g.n, g.median])).toEqual([
      ["9:16", 10, 4.75],
      ["4:5", 2, 3.1],
      ["1:1", 8, 2.05],
    ]);
  });

  it("compares the best and worst groups with enough posts, and says it in one sentence", () => {
    const { summaries, samples } = summarizeGroups(
      posts,
      (p) => p.format,
      (p) => p.engagement,
    );
    const verdict = compareDimension(summaries, samples);
    expect(verdict).toMatchObject({ verdict: "real_difference", alpha: 0.05 });
    if (verdict.verdict === "not_enough_data") return;
    expect(verdict.best.value).toBe("9:16");
    expect(verdict.worst.value).toBe("1:1");
    expect(verdict.p).toBeCloseTo(
      mannWhitneyU(samples.get("9:16") ?? [], samples.get("1:1") ?? []).p,
      12,
    );
    expect(describeDifference(verdict, (v) => v)).toBe(
      "9:16: median engagement 2.3× your 1:1 (10 vs 8 posts)",
    );
  });

  it("not enough data when fewer than two groups have 8 posts", () => {
    const few = posts.filter((p) => p.format !== "1:1");
    const { summaries, samples } = summarizeGroups(
      few,
      (p) => p.format,
      (p) => p.engagement,
    );
    expect(compareDimension(summaries, samples)).toEqual({
      verdict: "not_enough_data",
      minSample: 8,
      groupsWithEnough: 1,
    });
  });

  it("no real difference, and no sentence, for two groups from the same spread", () => {
    const same = [...range(1, 15, 2), ...range(2, 16, 2)].map((engagement, i) => ({
      format: i < 8 ? "a" : "b",
      engagement,
    }));
    const { summaries, samples } = summarizeGroups(
      same,
      (p) => p.format,
      (p) => p.engagement,
    );
    const verdict = compareDimension(summaries, samples);
    expect(verdict.verdict).toBe("no_real_difference");
    expect(describeDifference(verdict, (v) => v)).toBeNull();
  });

  it("holds a pick among k groups to α / (k(k−1)/2): p = 0.012 is real for 2 groups, not for 4", () => {
    const a = [1.2, 1.5, 1.9, 2.2, 2.4, 2.5, 2.8, 3.0, 3.1, 3.3];
    const b = [0.9, 1.0, 1.1, 1.3, 1.4, 1.6, 1.7, 2.0, 2.1, 2.3];
    const two = [...a.map((e) => ({ g: "a", e })), ...b.map((e) => ({ g: "b", e }))];
    const s2 = summarizeGroups(
      two,
      (p) => p.g,
      (p) => p.e,
    );
    expect(compareDimension(s2.summaries, s2.samples).verdict).toBe("real_difference");
    // Two more groups in between: 6 pairs, α = 0.05 / 6 = 0.0083 < 0.0113.
    const mid = range(1, 10).map((i) => 1.7 + i / 100);
    const four = [
      ...two,
      ...mid.map((e) => ({ g: "c", e })),
      ...mid.map((e) => ({ g: "d", e: e + 0.01 })),
    ];
    const s4 = summarizeGroups(
      four,
      (p) => p.g,
      (p) => p.e,
    );
    const verdict = compareDimension(s4.summaries, s4.samples);
    expect(verdict).toMatchObject({ verdict: "no_real_difference" });
    expect(verdict.verdict !== "not_enough_data" && verdict.alpha).toBeCloseTo(0.05 / 6, 10);
  });
});
