// Retries, error mapping and logging, shared by the image and video models.

import { createOpenAIMock, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findModelSpec, type ModelSpec } from "../catalog";
import { isMediaGenError } from "../errors";
import { createMediaProviders } from "../registry";
import type { MediaModel, ProviderSettings } from "../types";
import { createOpenAI } from "./index";

const mock = createOpenAIMock({ videoPollsToComplete: 2 });
const server = setupServer(...mock.handlers);
const logLines: string[] = [];
const settings: ProviderSettings = {
  apiKey: OPENAI_MOCK_API_KEY,
  retry: { minDelayMs: 1, maxDelayMs: 5 },
  logger: (line) => logLines.push(line),
};

function spec(id: string): ModelSpec {
  const found = findModelSpec(id);
  if (!found) throw new Error(`no catalog row for ${id}`);
  return found;
}
const model = (id: string, extra: Partial<ProviderSettings> = {}) =>
  createOpenAI({ ...settings, ...extra }).model(spec(id));
const image = { prompt: "x", options: { size: "1024x1024" }, assetId: "asset-7" };
const video = { prompt: "x", options: { seconds: 4, size: "720x1280" } };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  mock.reset();
  logLines.length = 0;
});
afterAll(() => server.close());

describe("OpenAI failures", () => {
  it("waits out retry-after-ms on a 429, then succeeds", async () => {
    mock.failNext("images.generate", { status: 429, headers: { "retry-after-ms": "150" } });
    const began = performance.now();
    const started = await model("gpt-image-2").start(image);
    expect(performance.now() - began).toBeGreaterThanOrEqual(145);
    expect(started.status?.state).toBe("succeeded");
    expect(mock.requestsTo("images.generate")).toHaveLength(2);
    expect(logLines).toEqual([]);
  });

  it("waits out retry-after (seconds) on a 429 while polling a video", async () => {
    const sora = model("sora-2", { baseURL: undefined });
    const { operationId } = await sora.start(video);
    mock.failNext("videos.retrieve", { status: 429, headers: { "retry-after": "0.2" } });
    const began = performance.now();
    const status = await sora.status(operationId);
    expect(performance.now() - began).toBeGreaterThanOrEqual(195);
    expect(status.state).toBe("running");
    expect(mock.requestsTo("videos.retrieve")).toHaveLength(2);
  });

  it.each([
    ["images", "gpt-image-2", "images.generate", image],
    ["videos", "sora-2", "videos.create", video],
  ] as const)("retries a 5xx on %s and then succeeds", async (_kind, id, route, input) => {
    mock.failNext(route, { status: 503 });
    await model(id).start(input);
    expect(mock.requestsTo(route)).toHaveLength(2);
    expect(logLines).toEqual([]);
  });

  it.each([
    ["images", "gpt-image-2", "images.generate", image],
    ["videos", "sora-2", "videos.create", video],
  ] as const)(
    "gives up on %s after exactly 3 attempts and logs one line",
    async (_kind, id, route, input) => {
      mock.failNext(route, { status: 500 }, { status: 502 }, { status: 500 }, { status: 500 });
      const error = await failure(model(id).start(input));
      expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", retryable: true, status: 500 });
      expect(mock.requestsTo(route)).toHaveLength(3);
      expect(logLines).toHaveLength(1);
      expect(logLines[0]).toMatch(
        new RegExp(`^\\[MediaGen\\] Error: openai ${id} PROVIDER_UNAVAILABLE `),
      );
    },
  );

  it("treats a dropped connection as PROVIDER_UNAVAILABLE, never re-sending a create it may have reached", async () => {
    // The image may have been generated (and billed) before the connection dropped.
    mock.failNext("images.generate", ...Array(3).fill({ status: 0, networkError: true }));
    const error = await failure(model("gpt-image-2").start(image));
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(mock.requests).toHaveLength(1);
  });

  it("maps a wrong key to PROVIDER_AUTH at once and never logs the key", async () => {
    const wrongKey = "sk-wrong-key-98765";
    const error = await failure(model("gpt-image-2", { apiKey: wrongKey }).start(image));
    expect(error).toMatchObject({ code: "PROVIDER_AUTH", status: 401, retryable: false });
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]?.authorized).toBe(false);
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatch(/^\[MediaGen\] Error: openai gpt-image-2 PROVIDER_AUTH /);
    for (const fragment of [wrongKey, "sk-w", "8765"]) expect(logLines[0]).not.toContain(fragment);
  });

  it("reads the key lazily and fails without a request when there is none", async () => {
    let key: string | undefined;
    const gpt = model("gpt-image-2", { apiKey: () => key });
    expect(await failure(gpt.start(image))).toMatchObject({ code: "PROVIDER_AUTH" });
    expect(mock.requests).toHaveLength(0);
    key = OPENAI_MOCK_API_KEY;
    await gpt.start(image);
    expect(mock.requests).toHaveLength(1);
  });

  it("does not retry an exhausted quota", async () => {
    mock.failNext("images.generate", {
      status: 429,
      body: {
        error: {
          message: "You exceeded your current quota.",
          type: "insufficient_quota",
          param: null,
          code: "insufficient_quota",
        },
      },
    });
    const error = await failure(model("gpt-image-2").start(image));
    expect(error).toMatchObject({ code: "RATE_LIMITED", retryable: false });
    expect(mock.requests).toHaveLength(1);
  });

  it("rethrows the caller's abort untouched and logs nothing", async () => {
    const controller = new AbortController();
    controller.abort(new Error("user cancelled"));
    const error = await failure(
      model("gpt-image-2").start({ ...image, signal: controller.signal }),
    );
    expect(isMediaGenError(error)).toBe(false);
    expect((error as Error).message).toBe("user cancelled");
    expect(logLines).toEqual([]);
  });
});

describe("retired OpenAI models through createMediaProviders", () => {
  const providers = (enabledModels: string[] = []) =>
    createMediaProviders({ openai: settings, enabledModels });

  it.each(["sora-2", "gpt-image-1"])("refuses %s before any request", (id) => {
    let error: unknown;
    try {
      providers().getModel(id);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "MODEL_UNAVAILABLE", model: id });
    expect((error as Error).message).toMatch(/shut down/);
    expect(mock.requests).toHaveLength(0);
  });

  it("serves sora-2 once re-enabled for a gateway that still has /v1/videos", async () => {
    const sora: MediaModel = providers(["sora-2"]).getModel("sora-2");
    const { operationId } = await sora.start(video);
    expect(mock.requestsTo("videos.create")).toHaveLength(1);
    expect((await sora.status(operationId)).state).toBe("running");
  });

  it("maps the provider's own 404 for re-enabled gpt-image-1 to MODEL_UNAVAILABLE", async () => {
    const gpt = providers(["gpt-image-1"]).getModel("gpt-image-1");
    const error = await failure(gpt.start(image));
    expect(error).toMatchObject({ code: "MODEL_UNAVAILABLE", status: 404, retryable: false });
    expect(mock.requests).toHaveLength(1);
  });

  it("offers deprecated models until their shutdown date, and refuses them from that day", () => {
    expect(spec("gpt-image-1.5").lifecycle).toMatchObject({
      stage: "deprecated",
      shutdownOn: "2026-12-01",
    });
    const at = (iso: string) =>
      createMediaProviders({ openai: settings, now: () => new Date(iso) });
    expect(() => at("2026-11-30T23:59:59Z").getModel("gpt-image-1.5")).not.toThrow();
    expect(() => at("2026-12-01T00:00:00Z").getModel("gpt-image-1.5")).toThrow(/shut down/);
    expect(mock.requests).toHaveLength(0);
  });
});
