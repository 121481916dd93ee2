// The OpenAI mock's own contract (it is reused by server tests, e2e and the demo): the validation and
// shapes it promises, exercised over plain fetch so no adapter logic hides a gap.

import {
  createOpenAIMock,
  gradientPng,
  OPENAI_MOCK_API_KEY,
  samplePosterJpeg,
} from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const BASE = "https://mock.test/v1";
const mock = createOpenAIMock({ baseURL: BASE, videoPollsToComplete: 1 });
const server = setupServer(...mock.handlers);
const auth = { authorization: `Bearer ${OPENAI_MOCK_API_KEY}` };

const postJson = (path: string, body: unknown, headers: Record<string, string> = auth) =>
  fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
function postVideo(fields: Record<string, string>, reference?: Uint8Array) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (reference) {
    form.append(
      "input_reference",
      new File([reference as Uint8Array<ArrayBuffer>], "ref.png", { type: "image/png" }),
    );
  }
  return fetch(`${BASE}/videos`, { method: "POST", headers: auth, body: form });
}
async function errorOf(response: Response) {
  return {
    status: response.status,
    ...((await response.json()) as { error: Record<string, unknown> }),
  };
}

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => mock.reset());
afterAll(() => server.close());

describe("OpenAI mock", () => {
  it("answers a wrong key with OpenAI's 401 error object and records no secret", async () => {
    const response = await postJson(
      "/images/generations",
      { model: "gpt-image-2", prompt: "x" },
      { authorization: "Bearer sk-nope-1234" },
    );
    expect(await errorOf(response)).toMatchObject({
      status: 401,
      error: { type: "invalid_request_error", code: "invalid_api_key", param: null },
    });
    expect(mock.requests[0]).toMatchObject({
      authorized: false,
      headers: { authorization: "Bearer [redacted]" },
    });
  });

  it.each([
    [{ prompt: "x" }, 400, "model"],
    [{ model: "gpt-image-2" }, 400, "prompt"],
    [{ model: "gpt-image-2.6-flare", prompt: "x", size: "1536x864" }, 400, "size"],
    [{ model: "gpt-image-2", prompt: "x", size: "1000x1000" }, 400, "size"],
    [{ model: "gpt-image-2", prompt: "x", response_format: "url" }, 400, "response_format"],
    [{ model: "dall-e-3", prompt: "x" }, 404, null],
  ])("refuses image request %j with %i", async (body, status, param) => {
    expect(await errorOf(await postJson("/images/generations", body))).toMatchObject({
      status,
      error: { param },
    });
  });

  it("draws flexible sizes at the requested pixels for models that take them", async () => {
    const response = await postJson("/images/generations", {
      model: "gpt-image-2",
      prompt: "x",
      size: "1536x864",
      output_format: "webp",
    });
    const body = (await response.json()) as {
      size: string;
      output_format: string;
      data: { b64_json: string }[];
    };
    const meta = await sharp(Buffer.from(body.data[0]?.b64_json ?? "", "base64")).metadata();
    expect([body.size, body.output_format, meta.format, meta.width, meta.height]).toEqual([
      "1536x864",
      "webp",
      "webp",
      1536,
      864,
    ]);
  });

  it.each([
    [{ model: "sora-2", prompt: "x", seconds: "6" }, "seconds"],
    [{ model: "sora-2", prompt: "x", size: "1792x1024" }, "size"],
  ])("refuses video request %j", async (fields, param) => {
    expect(await errorOf(await postVideo(fields))).toMatchObject({ status: 400, error: { param } });
  });

  it("refuses an input_reference whose pixels differ from size", async () => {
    const response = await postVideo(
      { model: "sora-2", prompt: "x", size: "720x1280" },
      gradientPng(720, 1279),
    );
    const { error } = await errorOf(response);
    expect(error).toMatchObject({ param: "input_reference" });
    expect(error.message).toMatch(/must match the requested width and height/);
  });

  it("accepts a JSON create as gateways do, and serves content only once completed", async () => {
    const created = (await (
      await postJson("/videos", {
        model: "sora-2-pro",
        prompt: "x",
        seconds: "8",
        size: "1792x1024",
      })
    ).json()) as Record<string, unknown>;
    expect(created).toMatchObject({
      object: "video",
      status: "queued",
      progress: 0,
      seconds: "8",
      size: "1792x1024",
      model: "sora-2-pro",
    });
    const early = await fetch(`${BASE}/videos/${created.id}/content`, { headers: auth });
    expect(early.status).toBe(400);

    const done = (await (
      await fetch(`${BASE}/videos/${created.id}`, { headers: auth })
    ).json()) as Record<string, unknown>;
    expect(done).toMatchObject({ status: "completed", progress: 100, error: null });
    const sprites = await fetch(`${BASE}/videos/${created.id}/content?variant=spritesheet`, {
      headers: auth,
    });
    expect(sprites.headers.get("content-type")).toBe("image/jpeg");
    expect(new Uint8Array(await sprites.arrayBuffer())).toEqual(samplePosterJpeg);
  });

  it("answers queued failures in order, with their headers, before validating", async () => {
    mock.failNext(
      "videos.retrieve",
      { status: 429, headers: { "retry-after": "3" } },
      { status: 500 },
    );
    const first = await fetch(`${BASE}/videos/nope`, { headers: auth });
    expect([first.status, first.headers.get("retry-after")]).toEqual([429, "3"]);
    expect(await errorOf(first)).toMatchObject({ error: { code: "rate_limit_exceeded" } });
    expect((await fetch(`${BASE}/videos/nope`, { headers: auth })).status).toBe(500);
    expect((await fetch(`${BASE}/videos/nope`, { headers: auth })).status).toBe(404);
  });

  it("lists its models with shutdown_date (GET /models) and retrieves one (GET /models/{model})", async () => {
    const dated = createOpenAIMock({
      baseURL: "https://dated.test/v1",
      listedModels: ["gpt-image-2", "gpt-image-1.5"],
      shutdownDates: { "gpt-image-1.5": "2026-12-01" },
    });
    server.use(...dated.handlers);
    const list = await fetch("https://dated.test/v1/models", { headers: auth });
    expect(await list.json()).toEqual({
      object: "list",
      data: [
        {
          id: "gpt-image-2",
          object: "model",
          created: expect.any(Number),
          owned_by: "system",
          shutdown_date: null,
        },
        {
          id: "gpt-image-1.5",
          object: "model",
          created: expect.any(Number),
          owned_by: "system",
          shutdown_date: "2026-12-01",
        },
      ],
    });
    const one = await fetch("https://dated.test/v1/models/gpt-image-1.5", { headers: auth });
    expect(await one.json()).toMatchObject({ id: "gpt-image-1.5", shutdown_date: "2026-12-01" });
    const unknown = await fetch("https://dated.test/v1/models/gpt-image-9", { headers: auth });
    expect(await errorOf(unknown)).toMatchObject({
      status: 404,
      error: { code: "model_not_found" },
    });
    expect((await fetch("https://dated.test/v1/models")).status).toBe(401);
    expect(dated.requestsTo("models.list")).toHaveLength(2);
    expect(dated.requestsTo("models.retrieve").map((r) => r.path)).toEqual([
      "/models/gpt-image-1.5",
      "/models/gpt-image-9",
    ]);
    // By default it lists what it serves and OpenAI's caption models.
    const ids = (await (await fetch(`${BASE}/models`, { headers: auth })).json()).data.map(
      (m: { id: string }) => m.id,
    );
    expect(ids).toEqual(expect.arrayContaining(["gpt-image-2", "sora-2", "gpt-6.1-terra"]));
  });
});
