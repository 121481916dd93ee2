import { describe, expect, it } from "vitest";
import { rangeOf, toggled } from "./selection";

const order = ["a", "b", "c", "d", "e"];

describe("selecting several posts", () => {
  it("a range runs from the anchor to the post, either way", () => {
    expect(rangeOf(order, "b", "d")).toEqual(["b", "c", "d"]);
    expect(rangeOf(order, "d", "b")).toEqual(["b", "c", "d"]);
    expect(rangeOf(order, null, "c")).toEqual(["c"]);
    // An anchor no longer listed (cancelled meanwhile): just the post.
    expect(rangeOf(order, "gone", "c")).toEqual(["c"]);
    expect(rangeOf(order, "a", "gone")).toEqual([]);
  });

  it("Shift sets the whole range to the clicked post's new state", () => {
    const one = toggled(new Set(), order, null, "b", false);
    expect([...one]).toEqual(["b"]);
    const range = toggled(one, order, "b", "e", true);
    expect([...range].sort()).toEqual(["b", "c", "d", "e"]);
    // Shift-clicking a selected post clears the range back to the anchor.
    const cleared = toggled(range, order, "e", "c", true);
    expect([...cleared].sort()).toEqual(["b"]);
    // A plain click toggles one.
    expect([...toggled(range, order, "b", "d", false)].sort()).toEqual(["b", "c", "e"]);
  });
});
