// Reading social.check: issues keep who found them (an older server's have no source: local), and
// the validation notice comes through when Zernio could not be reached.
import type { RouterOutputs } from "@streamline/api";
import { describe, expect, it } from "vitest";
import { readCheck } from "./issues";

type Check = RouterOutputs["social"]["check"];
const issue = (extra: object) => ({
  platform: "instagram",
  rule: "caption.hashtags",
  message: "Instagram allows 30 hashtags",
  field: "captions.instagram.text",
  ...extra,
});

describe("readCheck", () => {
  it("keeps Zernio's source and the notice", () => {
    const data = {
      refusals: [issue({ source: "zernio" })],
      warnings: [issue({ rule: "caption.recommended", source: "local" })],
      validation: { by: "local", notice: "Zernio's validation could not be reached." },
    } as unknown as Check;
    const read = readCheck(data);
    expect(read.refusals.map((r) => r.source)).toEqual(["zernio"]);
    expect(read.warnings.map((w) => w.source)).toEqual(["local"]);
    expect(read.validation?.by).toBe("local");
    expect(read.notice).toBe("Zernio's validation could not be reached.");
  });

  it("reads a server without sources as local rules, without a notice", () => {
    const read = readCheck({ refusals: [issue({})], warnings: [] } as unknown as Check);
    expect(read.refusals[0]?.source).toBe("local");
    expect(read.validation).toBeNull();
    expect(read.notice).toBeNull();
    expect(readCheck(undefined)).toMatchObject({ refusals: [], warnings: [], notice: null });
  });
});
