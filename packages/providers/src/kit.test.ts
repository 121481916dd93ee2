// The vendor kits: one kit per vendor hands out image, video and caption models over one client
// (one injected fetch sees every call), and the registry and the captioner take that same kit.

import {
  createOpenAIMock,
  createOpenAIResponsesMock,
  gradientPng,
  OPENAI_MOCK_API_KEY,
} from "@streamline/fakes/providers";
import { getResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createCaptioner } from "./captions";
import { findModelSpec, type ModelSpec } from "./catalog";
import { notConfiguredError, notConfiguredMessage } from "./configuration";
import { createGoogle } from "./google";
import { createOpenAI } from "./openai";
import { createMediaProviders } from "./registry";

const BASE = "https://kit.openai.test/v1";

function spec(id: string): ModelSpec {
  const found = findModelSpec(id);
  if (!found) throw new Error(`no catalog row for ${id}`);
  return found;
}

/** A kit whose only way out is a counting fetch answered by the media and Responses mocks. */
function countingKit() {
  const media = createOpenAIMock({ baseURL: BASE });
  const captions = createOpenAIResponsesMock({ baseURL: BASE });
  const handlers = [...captions.handlers, ...media.handlers];
  const seen: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push(new URL(request.url).pathname);
    return (await getResponse(handlers, request)) ?? new Response("not served", { status: 599 });
  };
  const kit = createOpenAI({
    apiKey: OPENAI_MOCK_API_KEY,
    baseURL: BASE,
    fetch,
    retry: { minDelayMs: 1, maxDelayMs: 5 },
    logger: () => {},
  });
  return { kit, seen };
}

describe("the OpenAI kit", () => {
  it("hands out image, video and caption models that all go through its one client", async () => {
    const { kit, seen } = countingKit();
    expect(kit.image(spec("gpt-image-2")).type).toBe("image");
    expect(kit.video(spec("sora-2")).type).toBe("video");
    await kit.image(spec("gpt-image-2")).start({ prompt: "a mug", options: {} });
    const captioner = createCaptioner({ openai: kit });
    const image = gradientPng(64, 64);
    await captioner.caption({
      model: "gpt-6.1-terra",
      platforms: ["instagram"],
      media: { type: "image", images: [{ data: image, mimeType: "image/png" }] },
      prompt: "a mug",
      hashtags: false,
    });
    expect(seen).toEqual(["/v1/images/generations", "/v1/responses"]);
  });

  it("refuses a row of the other media type or vendor before any request", () => {
    const { kit, seen } = countingKit();
    expect(() => kit.image(spec("sora-2"))).toThrow("sora-2 is not an OpenAI image model.");
    expect(() => kit.video(spec("gemini-omni-1.1-flash"))).toThrow(
      "gemini-omni-1.1-flash is not an OpenAI video model.",
    );
    const google = createGoogle({});
    expect(() => google.image(spec("gemini-omni-1.1-flash"))).toThrow(
      "gemini-omni-1.1-flash is not a Google image model.",
    );
    expect(seen).toEqual([]);
  });

  it("is taken by the registry as it is: models from it, the other vendor not configured", () => {
    const { kit } = countingKit();
    const providers = createMediaProviders({ openai: kit, google: createGoogle({}) });
    expect(providers.getModel("gpt-image-2").provider).toBe("openai");
    expect(providers.isConfigured("google")).toBe(false);
    expect(providers.unconfiguredReason("google")).toBe(notConfiguredMessage("google"));
  });
});

describe("the registry for caption models", () => {
  it("answers availability and not configured from the same kits as media", () => {
    const { kit, seen } = countingKit();
    const providers = createMediaProviders({
      openai: kit,
      google: createGoogle({}),
      disabledModels: ["gpt-6-luna"],
      now: () => new Date("2026-12-20T12:00:00Z"),
    });
    expect(providers.getCaptionModel("gpt-6.1-terra").kit).toBe(kit);
    // Shut down by the registry's clock (2026-12-11), turned off by the operator, unknown.
    expect(providers.captionAvailability("gpt-5")).toMatchObject({ available: false });
    expect(() => providers.getCaptionModel("gpt-5")).toThrow(/was shut down/);
    expect(() => providers.getCaptionModel("gpt-6-luna")).toThrow(/turned off on this server/);
    expect(() => providers.getCaptionModel("gpt-0")).toThrow('Unknown caption model "gpt-0".');
    expect(() => providers.getCaptionModel("gemini-3.8-flash")).toThrow(
      `${notConfiguredMessage("google")}.`,
    );
    expect(seen).toEqual([]);
  });

  it("is the captioner's: a caption model the registry does not configure is refused", async () => {
    const { kit, seen } = countingKit();
    const providers = createMediaProviders({ openai: kit, google: createGoogle({}) });
    const captioner = createCaptioner({ providers });
    const error = await captioner
      .caption({
        model: "gemini-3.8-flash",
        platforms: ["instagram"],
        media: { type: "image", images: [{ data: gradientPng(8, 8), mimeType: "image/png" }] },
        prompt: "a mug",
        hashtags: false,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PROVIDER_AUTH", model: "gemini-3.8-flash" });
    expect(seen).toEqual([]);
  });
});

describe("not configured", () => {
  it("is said one way for each provider", () => {
    expect(notConfiguredMessage("openai")).toBe("OpenAI is not configured — add OPENAI_API_KEY");
    expect(notConfiguredMessage("google")).toBe(
      "Google Gemini is not configured — add GEMINI_API_KEY",
    );
    const error = notConfiguredError("google", "gemini-omni-1.1-flash");
    expect(error.code).toBe("PROVIDER_AUTH");
    expect(error.message).toBe("Google Gemini is not configured — add GEMINI_API_KEY.");
    expect(error.model).toBe("gemini-omni-1.1-flash");
  });
});
