// Picking several results in the history: toggles, Shift ranges both ways, and what survives a
// delete or a filter.
import { describe, expect, it } from "vitest";
import { EMPTY_SELECTION, keepShown, pick, pickAll } from "./selection";

const ORDER = ["a", "b", "c", "d", "e", "f"];

describe("history selection", () => {
  it("a click toggles one card and makes it the anchor", () => {
    let s = pick(EMPTY_SELECTION, ORDER, "c", false);
    expect(s).toEqual({ ids: ["c"], anchor: "c" });
    s = pick(s, ORDER, "a", false);
    expect(s).toEqual({ ids: ["c", "a"], anchor: "a" });
    s = pick(s, ORDER, "c", false);
    expect(s).toEqual({ ids: ["a"], anchor: "c" });
  });

  it("Shift selects from the anchor to the card, forwards and backwards, in the grid's order", () => {
    const forward = pick(pick(EMPTY_SELECTION, ORDER, "b", false), ORDER, "e", true);
    expect(forward).toEqual({ ids: ["b", "c", "d", "e"], anchor: "b" });
    const backward = pick(pick(EMPTY_SELECTION, ORDER, "e", false), ORDER, "b", true);
    expect(backward.ids).toEqual(["e", "b", "c", "d"]);
    expect(backward.anchor).toBe("e");
  });

  it("a second Shift range from the same anchor adds without duplicates", () => {
    let s = pick(EMPTY_SELECTION, ORDER, "c", false);
    s = pick(s, ORDER, "d", true);
    s = pick(s, ORDER, "f", true);
    expect(s.ids).toEqual(["c", "d", "e", "f"]);
  });

  it("Shift from an anchor just unselected clears the range", () => {
    let s = pickAll(EMPTY_SELECTION, ORDER);
    s = pick(s, ORDER, "b", false); // unselects b, anchor b
    s = pick(s, ORDER, "d", true);
    expect(s.ids).toEqual(["a", "e", "f"]);
  });

  it("Shift with no anchor (or an anchor gone) is a plain toggle", () => {
    expect(pick(EMPTY_SELECTION, ORDER, "d", true)).toEqual({ ids: ["d"], anchor: "d" });
    const stale = { ids: ["z"], anchor: "z" };
    expect(pick(stale, ORDER, "b", true)).toEqual({ ids: ["z", "b"], anchor: "b" });
  });

  it("keeps only what is still shown, and the same object when nothing changed", () => {
    const s = { ids: ["a", "x", "c"], anchor: "x" };
    expect(keepShown(s, ORDER)).toEqual({ ids: ["a", "c"], anchor: null });
    const same = { ids: ["a"], anchor: "a" };
    expect(keepShown(same, ORDER)).toBe(same);
  });

  it("select all keeps the order already picked first", () => {
    expect(pickAll({ ids: ["d"], anchor: "d" }, ORDER).ids).toEqual(["d", "a", "b", "c", "e", "f"]);
  });
});
