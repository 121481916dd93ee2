// Shared set-up for the Google adapter tests: the msw Gemini mock on a gateway-style base URL, a
// provider with millisecond retry delays, and the log lines it wrote.

import {
  createGoogleMock,
  GOOGLE_MOCK_API_KEY,
  type GoogleMockOptions,
} from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";
import { findModelSpec, type ModelSpec } from "../catalog";
import { createGoogle, type GoogleProviderSettings } from ".";

export const BASE_URL = "https://gemini.gateway.test/google";
export const FAST_RETRY = { minDelayMs: 1, maxDelayMs: 5 };
export const FAST_POLL = { minIntervalMs: 1, maxIntervalMs: 2 };

export function googleHarness(options: GoogleMockOptions = {}) {
  const mock = createGoogleMock({ baseURL: BASE_URL, videoPollsToComplete: 2, ...options });
  const server = setupServer(...mock.handlers);
  const logs: string[] = [];
  /** Warnings: transient failures of status checks and downloads, which the caller rides out. */
  const warnings: string[] = [];
  beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
  afterEach(() => {
    server.resetHandlers();
    mock.reset();
    logs.length = 0;
    warnings.length = 0;
  });
  afterAll(() => server.close());

  const provider = (settings: Partial<GoogleProviderSettings> = {}) =>
    createGoogle({
      apiKey: GOOGLE_MOCK_API_KEY,
      baseURL: BASE_URL,
      retry: FAST_RETRY,
      logger: (line) => logs.push(line),
      warn: (line) => warnings.push(line),
      ...settings,
    });
  const model = (id: string, settings: Partial<GoogleProviderSettings> = {}) =>
    provider(settings).model(spec(id));
  return { mock, server, logs, warnings, provider, model };
}

export function spec(id: string, overrides: Partial<ModelSpec> = {}): ModelSpec {
  const found = findModelSpec(id);
  if (!found) throw new Error(`No catalog row ${id}`);
  return { ...found, ...overrides };
}

export async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Rejects with the thrown value, so tests can assert on the MediaGenError itself. */
export async function failureOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}
