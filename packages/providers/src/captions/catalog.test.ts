import { describe, expect, it } from "vitest";
import {
  CAPTION_MODELS,
  captionAvailability,
  captionCostUsd,
  captionModelStage,
  defaultCaptionModel,
  findCaptionModel,
} from "../catalog/captions";

const on = (day: string) => new Date(`${day}T00:00:00Z`);

describe("caption model catalog", () => {
  it("defaults to current models", () => {
    expect(defaultCaptionModel("openai").id).toBe("gpt-6.1-terra");
    expect(defaultCaptionModel("google").id).toBe("gemini-3.8-flash");
    expect(findCaptionModel("gemini-3.8-flash")?.videoInput).toBe(true);
    expect(CAPTION_MODELS.filter((m) => m.provider === "openai").every((m) => !m.videoInput)).toBe(
      true,
    );
  });

  it("retires a model by the clock on its shutdown day", () => {
    const gpt4o = findCaptionModel("gpt-4o");
    if (!gpt4o) throw new Error("gpt-4o missing");
    expect(captionModelStage(gpt4o, on("2027-01-13"))).toBe("deprecated");
    expect(captionModelStage(gpt4o, on("2027-01-14"))).toBe("retired");
    const before = captionAvailability("gpt-4o", { now: on("2026-12-01") });
    expect(before).toMatchObject({ available: true, stage: "deprecated" });
    expect(before.available && before.warning).toContain("2027-01-14");
    const after = captionAvailability("gpt-4o-mini", { now: on("2027-01-14") });
    expect(after).toMatchObject({ available: false, reason: "retired", replacement: "gpt-6-luna" });
    expect(!after.available && after.message).toContain("Use gpt-6-luna instead");
    for (const id of ["gpt-5", "gpt-5-mini", "gpt-5-nano"])
      expect(captionAvailability(id, { now: on("2026-12-11") }).available).toBe(false);
  });

  it("lets an operator re-enable a retired model or turn one off", () => {
    const now = on("2026-12-20");
    expect(captionAvailability("gpt-5", { now, enabled: new Set(["gpt-5"]) }).available).toBe(true);
    expect(
      captionAvailability("gpt-6-luna", { now, disabled: new Set(["gpt-6-luna"]) }),
    ).toMatchObject({
      available: false,
      reason: "disabled",
    });
    expect(captionAvailability("nope")).toMatchObject({ available: false, reason: "unknown" });
  });

  it("prices tokens per million, and says when the price is unknown", () => {
    const terra = findCaptionModel("gpt-6.1-terra");
    const astra = findCaptionModel("gpt-6.2-astra");
    if (!terra || !astra) throw new Error("missing");
    expect(captionCostUsd(terra, { inputTokens: 1_000_000, outputTokens: 200_000 })).toBe(2);
    expect(captionCostUsd(astra, { inputTokens: 10, outputTokens: 10 })).toBeNull();
  });
});
