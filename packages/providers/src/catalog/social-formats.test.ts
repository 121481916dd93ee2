import { describe, expect, it } from "vitest";
import { findModelSpec } from "./index";
import { SOCIAL_FORMATS, socialFormatsFor } from "./social-formats";
import type { ModelSpec } from "./types";

const spec = (id: string) => findModelSpec(id) as ModelSpec;
const byFormat = (id: string) =>
  Object.fromEntries(socialFormatsFor(spec(id)).map((m) => [m.format, m]));

describe("social formats", () => {
  it("maps each destination to the nearest size a GPT Image model accepts", () => {
    const wide = byFormat("gpt-image-2");
    expect(wide.square).toMatchObject({ options: { size: "1024x1024" }, exact: true });
    expect(wide.vertical).toMatchObject({ options: { size: "864x1536" }, exact: true });
    expect(wide.landscape).toMatchObject({ options: { size: "1536x864" }, exact: true });
    // The standard sizes have no 9:16: 2:3 is the nearest, and says so.
    const standard = byFormat("gpt-image-2.6-sunburst");
    expect(standard.vertical).toMatchObject({ options: { size: "1024x1536" }, exact: false });
    expect(standard.landscape).toMatchObject({ options: { size: "1536x1024" }, exact: false });
    expect(standard.portrait).toMatchObject({ options: { size: "1024x1536" }, exact: false });
  });

  it("uses the aspect-ratio option where a model has one, exactly when it exists", () => {
    const m = byFormat("gemini-3.1-flash-image");
    expect(m.vertical).toMatchObject({ options: { aspectRatio: "9:16" }, exact: true });
    expect(m.portrait).toMatchObject({ options: { aspectRatio: "4:5" }, exact: true });
    expect(m.landscape).toMatchObject({ options: { aspectRatio: "16:9" }, exact: true });
  });

  it("maps video sizes too, and every mapping is a value the model accepts", () => {
    const m = byFormat("sora-2");
    expect(m.vertical?.options).toEqual({ size: "720x1280" });
    expect(m.landscape?.options).toEqual({ size: "1280x720" });
    for (const id of ["gpt-image-2", "sora-2", "gemini-3.1-flash-image", "gemini-omni-1.1-flash"]) {
      for (const mapping of socialFormatsFor(spec(id))) {
        const [name, value] = Object.entries(mapping.options)[0] as [string, string];
        expect(spec(id).options[name]?.values).toContain(value);
      }
    }
    expect(SOCIAL_FORMATS.map((f) => f.label)).toEqual(["9:16", "4:5", "1:1", "16:9"]);
  });
});
