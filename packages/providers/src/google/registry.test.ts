import { GOOGLE_MOCK_API_KEY } from "@streamline/fakes/providers";
import { describe, expect, it } from "vitest";
import { createMediaProviders } from "../registry";
import { BASE_URL, FAST_RETRY, googleHarness } from "./test-harness";

const { mock } = googleHarness();

describe("Google models through createMediaProviders", () => {
  const providers = createMediaProviders({
    google: { apiKey: GOOGLE_MOCK_API_KEY, baseURL: BASE_URL, retry: FAST_RETRY, logger: () => {} },
  });

  it("refuses retired gemini-2.5-flash-image before any request, naming its replacement", () => {
    expect(() => providers.getModel("gemini-2.5-flash-image")).toThrowError(
      expect.objectContaining({
        code: "MODEL_UNAVAILABLE",
        message: expect.stringContaining("gemini-3.1-flash-image"),
      }),
    );
    expect(mock.requests).toHaveLength(0);
  });

  it("serves the default image and video models end to end", async () => {
    const image = await providers
      .getModel("gemini-3.1-flash-image")
      .start({ prompt: "x", options: {} });
    expect(image.status?.state).toBe("succeeded");
    const video = await providers
      .getModel("gemini-omni-1.1-flash")
      .start({ prompt: "x", options: {} });
    expect(video.operationId).toBeTruthy();
  });
});
