// Shared set-up for the social suites: finished assets written straight into the database and
// storage (exact media facts, no generation), the vendor fakes, and small polling helpers.
import {
  ensureUserRow,
  findSocialProfile,
  insertMediaAsset,
  type MediaAsset,
} from "@streamline/db";
import { gradientPng, samplePosterJpeg, sampleVideoMp4 } from "@streamline/fakes/providers";
import { ZERNIO_MOCK_ACCOUNTS, type ZernioFake } from "@streamline/fakes/zernio";
import { TRPCClientError } from "@trpc/client";
import { HttpResponse, http } from "msw";
import type { TestServer } from "./harness";

export async function makeAsset(
  server: TestServer,
  userId: string,
  kind: { type: "image"; width: number; height: number } | { type: "video" },
  prompt = "Creatine gummies in a gym bag, bright morning light",
): Promise<MediaAsset> {
  const { storage } = server.runtime;
  await ensureUserRow(server.runtime.handle.db, userId);
  if (kind.type === "image") {
    const stored = await storage.putObject({
      body: gradientPng(kind.width, kind.height),
      contentType: "image/png",
      prefix: "image",
    });
    return insertMediaAsset(server.runtime.handle.db, {
      user_id: userId,
      provider: "openai",
      type: "image",
      model: "gpt-image-2",
      prompt,
      status: "succeeded",
      progress: 100,
      width: kind.width,
      height: kind.height,
      result_url: stored.url,
      completed_at: new Date(),
      metadata: {
        storage: { resultKey: stored.key, thumbnailKey: null },
        mimeType: "image/png",
        bytes: stored.size,
      },
    });
  }
  const video = await storage.putObject({
    body: sampleVideoMp4,
    contentType: "video/mp4",
    prefix: "video",
  });
  const poster = await storage.putObject({
    body: samplePosterJpeg,
    contentType: "image/jpeg",
    prefix: "thumb",
  });
  return insertMediaAsset(server.runtime.handle.db, {
    user_id: userId,
    provider: "google",
    type: "video",
    model: "gemini-omni-1.1-flash",
    prompt,
    status: "succeeded",
    progress: 100,
    width: 360,
    height: 640,
    duration_seconds: 4,
    result_url: video.url,
    thumbnail_url: poster.url,
    completed_at: new Date(),
    metadata: {
      storage: { resultKey: video.key, thumbnailKey: poster.key },
      mimeType: "video/mp4",
      bytes: video.size,
    },
  });
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function trpcCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError
    ? (error.data as { code?: string } | undefined)?.code
    : undefined;
}

export async function failure(promise: Promise<unknown>): Promise<TRPCClientError<any>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

/** A Responses API answer whose output_text is `value` as JSON (for captions we choose ourselves). */
export function responsesAnswer(model: string, value: unknown) {
  return {
    id: "resp_test",
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    error: null,
    incomplete_details: null,
    model,
    output: [
      {
        type: "message",
        id: "msg_test",
        status: "completed",
        role: "assistant",
        content: [
          { type: "output_text", text: JSON.stringify(value), annotations: [], logprobs: [] },
        ],
      },
    ],
    parallel_tool_calls: true,
    tools: [],
    text: { format: { type: "text" } },
    usage: {
      input_tokens: 1_000,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 200,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 1_200,
    },
  };
}

/** A one-shot /v1/responses handler answering `value`, recording the request body it got. */
export function answerResponsesOnce(value: unknown, seen: unknown[]) {
  return http.post(
    "https://api.openai.com/v1/responses",
    async ({ request }) => {
      const body = (await request.json()) as { model: string };
      seen.push(body);
      return HttpResponse.json(responsesAnswer(body.model, value));
    },
    { once: true },
  );
}

/** Tomorrow's date in a timezone, as "YYYY-MM-DD". */
export function tomorrowIn(timezone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(Date.now() + 24 * 3600_000));
  return parts;
}

export const words = (count: number) =>
  Array.from({ length: count }, (_, i) => `word${i % 10}`).join(" ");

/** The user's Zernio profile id, created through social.accounts when they have none yet. */
export async function profileIdOf(server: TestServer, userId: string): Promise<string> {
  await server.client(userId).social.accounts.query();
  const row = await findSocialProfile(server.runtime.handle.db, userId);
  if (!row?.zernio_profile_id) throw new Error(`${userId} has no Zernio profile`);
  return row.zernio_profile_id;
}

/**
 * Puts the fake's default accounts (acc_instagram_1, acc_twitter_1, …) into the user's own Zernio
 * profile: accounts are per user, and the suites post as this user to those ids.
 */
export async function giveMockAccounts(
  server: TestServer,
  zernio: ZernioFake,
  userId: string,
): Promise<string> {
  const profileId = await profileIdOf(server, userId);
  zernio.moveAccounts(
    profileId,
    ZERNIO_MOCK_ACCOUNTS.map((a) => a._id),
  );
  return profileId;
}
