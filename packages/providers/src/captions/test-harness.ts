// Shared set-up for the caption tests: both msw fakes on gateway-style base URLs and a captioner with
// millisecond retry delays whose log lines are kept.

import {
  createGoogleCaptionsMock,
  createOpenAIResponsesMock,
  GOOGLE_MOCK_API_KEY,
  OPENAI_MOCK_API_KEY,
} from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createCaptioner } from ".";
import type { CaptionerSettings } from "./types";

export const OPENAI_BASE = "https://openai.gateway.test/v1";
export const GOOGLE_BASE = "https://gemini.gateway.test/google";

export function captionHarness() {
  const openai = createOpenAIResponsesMock({ baseURL: OPENAI_BASE });
  const google = createGoogleCaptionsMock({ baseURL: GOOGLE_BASE });
  const server = setupServer(...openai.handlers, ...google.handlers);
  const logs: string[] = [];
  beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
  afterEach(() => {
    openai.reset();
    google.reset();
    logs.length = 0;
  });
  afterAll(() => server.close());
  const logger = (line: string) => logs.push(line);
  const retry = { minDelayMs: 1, maxDelayMs: 5 };
  const captioner = (extra: Partial<CaptionerSettings> = {}) =>
    createCaptioner({
      openai: { apiKey: OPENAI_MOCK_API_KEY, baseURL: OPENAI_BASE, retry, logger },
      google: { apiKey: GOOGLE_MOCK_API_KEY, baseURL: GOOGLE_BASE, retry, logger },
      now: () => new Date("2026-12-01T12:00:00Z"),
      ...extra,
    });
  return { openai, google, server, logs, captioner };
}

/** A real photo-sized PNG, larger than what captions send, so downscaling is visible. */
export async function bigPng(width = 2400, height = 1600): Promise<Uint8Array> {
  const raw = await sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } },
  })
    .png()
    .toBuffer();
  return new Uint8Array(raw);
}

export async function failureOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}
