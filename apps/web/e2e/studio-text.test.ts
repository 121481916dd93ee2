// The studio's wording helpers, without a browser: provider jargon in plain words, glued
// sentences spaced, catalog ids shown as labels, and the photo sniffer.
import { describe, expect, it } from "vitest";
import { authErrorText } from "../src/auth/AuthScreen";
import { retryDelayMs } from "../src/auth/RequireSession";
import { plainMessage } from "../src/lib/errors";
import { modelText } from "../src/lib/format";
import { referencePhotoContentProblem, sniffImageType } from "../src/studio/ReferencePhoto";

describe("studio wording", () => {
  it("says what happened instead of provider jargon", () => {
    expect(
      plainMessage("Google no longer knows this job: Invalid interaction name: interactions/v1_x"),
    ).toMatch(/^Google no longer has this job/);
    expect(plainMessage("OpenAI no longer knows this video job: not found")).toMatch(
      /^OpenAI no longer has this video job/,
    );
  });

  it("puts the space back between glued sentences, and leaves versions alone", () => {
    expect(plainMessage("Use gpt-image-2.6-sunburst instead.Use GPT Image 2 now.")).toBe(
      "Use gpt-image-2.6-sunburst instead. Use GPT Image 2 now.",
    );
    expect(plainMessage("Turned off (MEDIA_DISABLE_MODELS).Use Sora 2")).toBe(
      "Turned off (MEDIA_DISABLE_MODELS). Use Sora 2",
    );
  });

  it("names models by label", () => {
    const models = [
      { id: "gpt-image-1", label: "GPT Image 1" },
      { id: "gpt-image-2.6-sunburst", label: "GPT Image 2.6 Sunburst" },
      { id: "sora-2", label: "Sora 2" },
      { id: "sora-2-pro", label: "Sora 2 Pro" },
    ];
    expect(
      modelText(
        "GPT Image 1 (gpt-image-1) was shut down by OpenAI on 2026-03-04. Use gpt-image-2.6-sunburst instead.",
        models,
      ),
    ).toBe(
      "GPT Image 1 was shut down by OpenAI on 2026-03-04. Use GPT Image 2.6 Sunburst instead.",
    );
    expect(modelText("sora-2-pro and sora-2", models)).toBe("Sora 2 Pro and Sora 2");
  });

  it("a sign-in rate limit says when to try again", () => {
    const message = "Too many failed sign-ins for this account. Try again in 15 minutes.";
    expect(authErrorText({ status: 429, message }, 900, "x")).toBe(message);
    expect(authErrorText({ status: 429, message: "Too many requests" }, 42, "x")).toBe(
      "Too many attempts. Try again in 42 seconds.",
    );
    expect(authErrorText({ status: 429 }, 600, "x")).toBe(
      "Too many attempts. Try again in 10 minutes.",
    );
  });

  it("waits 1, 2, 4, 8 then 10 s between session checks", () => {
    expect([0, 1, 2, 3, 4, 9].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it("reads a photo's type from its bytes", async () => {
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    expect(sniffImageType(new Uint8Array(png))).toBe("image/png");
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    const webp = [...Buffer.from("RIFF"), 0, 0, 0, 0, ...Buffer.from("WEBP")];
    expect(sniffImageType(new Uint8Array(webp))).toBe("image/webp");
    const pdf = new File([Buffer.from("%PDF-1.7\n")], "photo.png", { type: "image/png" });
    expect(await referencePhotoContentProblem(pdf)).toBe(
      "“photo.png” is not really a PNG, JPEG or WebP image (it is a PDF).",
    );
  });
});
