import { describe, expect, it } from "vitest";
import { estimateProgress } from "./progress";

describe("estimateProgress (APIs that report no progress)", () => {
  it("rises with elapsed time, never going backwards, and never claims to be done", () => {
    const samples = [0, 1, 5, 30, 60, 90, 120, 600, 3_600].map((s) =>
      estimateProgress(s * 1000, 60),
    );
    expect(samples).toEqual([...samples].sort((a, b) => a - b));
    expect(samples[0]).toBe(1);
    expect(Math.max(...samples)).toBe(95);
    // About 86 % at the model's typical duration.
    expect(estimateProgress(60_000, 60)).toBeGreaterThanOrEqual(80);
    expect(estimateProgress(60_000, 60)).toBeLessThanOrEqual(90);
  });

  it("copes with odd inputs", () => {
    expect(estimateProgress(-5_000, 60)).toBe(1);
    expect(estimateProgress(10_000, 0)).toBe(95);
  });
});
