// The preview's cuts: the feed's fold ("… more") and the limit, X weighted like the server.
import { describe, expect, it } from "vitest";
import type { CaptionLimits } from "../CaptionField";
import { cutForPreview, FOLD } from "./cut";

const rules = (limit: number, counting: "twitter-weighted" | "characters" = "characters") => ({
  label: "",
  limit,
  counting,
  textName: "caption",
  titleLimit: null,
  maxHashtags: null,
  recommendedHashtags: null,
  media: { required: false, maxItems: null, maxImages: null, maxVideos: null, mixing: true },
});
const limits = {
  x: rules(280, "twitter-weighted"),
  instagram: rules(2_200),
  threads: rules(500),
} as unknown as CaptionLimits;

describe("cutForPreview", () => {
  it("folds Instagram after about 125 characters, on a word boundary", () => {
    const text = `${"word ".repeat(40)}end`;
    const cut = cutForPreview("instagram", text, limits);
    expect([...cut.shown].length).toBeLessThanOrEqual(FOLD.instagram.at as number);
    expect([...cut.shown].length).toBeGreaterThan(100);
    expect(`${cut.shown} ${cut.folded}`.replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " "));
    expect(cut.more).toBe("… more");
    expect(cut.over).toBe("");
  });

  it("shows a short caption whole", () => {
    const cut = cutForPreview("instagram", "Leg day fuel #gummies", limits);
    expect(cut).toMatchObject({ shown: "Leg day fuel #gummies", folded: "", over: "" });
  });

  it("cuts X at 280 weighted: a link counts 23, an emoji 2", () => {
    const link = "https://example.com/a/very/long/path/that/is/longer/than/twenty/three";
    const text = `${"a".repeat(250)} ${link} ${"😀".repeat(10)}`;
    // 250 + 1 + 23 + 1 = 275 → two emoji (4) fit, the other eight are cut.
    const cut = cutForPreview("x", text, limits);
    expect(cut.shown).toBe(`${"a".repeat(250)} ${link} 😀😀`);
    expect(cut.over).toBe("😀".repeat(8));
    expect(cut.folded).toBe("");
  });

  it("cuts X Premium at its longer limit, weighted the same way", () => {
    const premium = { ...limits, x: rules(25_000, "twitter-weighted") } as unknown as CaptionLimits;
    const text = `${"Leg day, then gummies. ".repeat(20)}😀`;
    expect(cutForPreview("x", text, premium)).toMatchObject({ shown: text, over: "" });
    expect(cutForPreview("x", text, limits).over).not.toBe("");
    const long = "a".repeat(25_010);
    expect(cutForPreview("x", long, premium).over).toBe("a".repeat(10));
  });

  it("cuts at the limit in code points, not UTF-16 units", () => {
    const text = "😀".repeat(510);
    const cut = cutForPreview("threads", text, limits);
    expect([...cut.shown].length).toBe(500);
    expect([...cut.over].length).toBe(10);
  });
});
