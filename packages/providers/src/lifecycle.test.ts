// Lifecycle by date and by configuration: a model whose shutdownOn has come is retired by the
// clock, on the day; the operator can disable any model or re-enable a retired or gated one; the
// Veo 3.1 GA ids and the unconfirmed Nano Banana 2.1 are not offered with a plain Gemini API key.
import { describe, expect, it } from "vitest";
import { modelAvailability } from "./catalog";
import { createMediaProviders } from "./registry";

const on = (iso: string) => () => new Date(iso);
const providers = (extra: Parameters<typeof createMediaProviders>[0] = {}) =>
  createMediaProviders({
    openai: { apiKey: "sk-test", logger: () => {} },
    google: { apiKey: "g-test", logger: () => {} },
    ...extra,
  });
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal");
};

describe("model lifecycle by date", () => {
  it.each(["gpt-image-1.5", "gpt-image-1-mini", "chatgpt-image-latest"])(
    "%s is retired by the clock from 2026-12-01 (UTC), naming its 2.6 replacement",
    (id) => {
      const before = providers({ now: on("2026-11-30T23:59:00Z") });
      const after = providers({ now: on("2026-12-01T00:00:00Z") });
      expect(before.availability(id)).toEqual({ available: true });
      const verdict = after.availability(id);
      expect(verdict).toMatchObject({ available: false, reason: "retired" });
      expect(verdict.available ? "" : verdict.message).toMatch(
        /shut down .* on 2026-12-01\. Use gpt-image-2\.6-(sunburst|flare) instead\./,
      );
      expect(refusal(() => after.getModel(id))).toMatchObject({ code: "MODEL_UNAVAILABLE" });
    },
  );

  it("modelAvailability takes the clock too (UTC date, not local time)", () => {
    const now = new Date("2026-12-01T00:30:00Z");
    expect(modelAvailability("gpt-image-1-mini", { now })).toMatchObject({ reason: "retired" });
    expect(modelAvailability("gpt-image-2", { now })).toEqual({ available: true });
  });
});

describe("operator configuration", () => {
  it("MEDIA_DISABLE_MODELS retires any model, before any request", () => {
    const p = providers({ disabledModels: ["gpt-image-2"] });
    expect(p.availability("gpt-image-2")).toMatchObject({
      available: false,
      reason: "retired",
      message: expect.stringMatching(/MEDIA_DISABLE_MODELS/),
    });
    expect(refusal(() => p.getModel("gpt-image-2"))).toMatchObject({ code: "MODEL_UNAVAILABLE" });
  });

  it("MEDIA_ENABLE_MODELS re-enables a model shut down by date, a retired one and a gated one", () => {
    const p = providers({
      now: on("2026-12-02T00:00:00Z"),
      enabledModels: ["gpt-image-1.5", "sora-2", "veo-3.1-generate-001"],
    });
    for (const id of ["gpt-image-1.5", "sora-2", "veo-3.1-generate-001"]) {
      expect(p.availability(id)).toEqual({ available: true });
      expect(() => p.getModel(id)).not.toThrow();
    }
  });

  it("disabling wins over enabling", () => {
    const p = providers({ enabledModels: ["sora-2"], disabledModels: ["sora-2"] });
    expect(p.availability("sora-2")).toMatchObject({ available: false });
  });
});

describe("access path", () => {
  it.each(["veo-3.1-generate-001", "veo-3.1-fast-generate-001"])(
    "%s is unavailable with a plain Gemini API key, saying it is served on Vertex AI",
    (id) => {
      const p = providers();
      expect(p.availability(id)).toMatchObject({
        available: false,
        reason: "access",
        message: expect.stringMatching(/Vertex AI.*MEDIA_ENABLE_MODELS.*GEMINI_BASE_URL/),
      });
      expect(refusal(() => p.getModel(id))).toMatchObject({ code: "MODEL_UNAVAILABLE" });
    },
  );

  it("gemini-nano-banana-2.1 (unconfirmed preview) is not offered by default", () => {
    expect(providers().availability("gemini-nano-banana-2.1")).toMatchObject({
      available: false,
      reason: "access",
    });
    expect(
      providers({ enabledModels: ["gemini-nano-banana-2.1"] }).availability(
        "gemini-nano-banana-2.1",
      ),
    ).toEqual({ available: true });
  });

  it("the defaults stay available", () => {
    const p = providers();
    for (const id of ["gpt-image-2", "gemini-3.1-flash-image", "gemini-omni-1.1-flash"])
      expect(p.availability(id)).toEqual({ available: true });
  });
});
