// The provider-level fault suite: every API shape × {create, poll, download} × the failures real
// networks give (429 + retry-after, 500, 503, reset, hang, partial body). A generation (start →
// pollUntilDone → fetchResult read to the end, downloaded again on a retryable stream error, as the
// worker does) either succeeds or ends with the right code within its shortened deadline; every
// call makes ≤ 3 attempts; a create that may have reached the provider is never re-sent; poll
// faults never end a live job before its deadline; a hung create ends at the generation's deadline
// when that comes before the create's own timeout.

import {
  createGoogleMock,
  createOpenAIMock,
  fault,
  GOOGLE_MOCK_API_KEY,
  type GoogleMockRoute,
  gradientPng,
  type MockFaultName,
  type MockProviderServer,
  OPENAI_MOCK_API_KEY,
  type OpenAIMockRoute,
  sampleVideoMp4,
  startMockProviderServer,
} from "@streamline/fakes/providers";
import { captureLogs } from "@streamline/log/testing";
import type { RequestHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findModelSpec } from "./catalog";
import { startWithinDeadline } from "./deadline";
import { isMediaGenError, type MediaErrorCode, MediaGenError } from "./errors";
import { generateMedia } from "./generate";
import { createGoogle } from "./google";
import { createOpenAI } from "./openai";
import { type PollPolicy, pollUntilDone } from "./poll";
import { createMediaProviders } from "./registry";
import type { GenerationInput, MediaModel, MediaOutput } from "./types";

const OPENAI_URL = "https://openai.faults.test/v1";
const GOOGLE_URL = "https://gemini.faults.test";
const openaiMock = createOpenAIMock({ baseURL: OPENAI_URL, videoPollsToComplete: 2 });
const googleMock = createGoogleMock({ baseURL: GOOGLE_URL, videoPollsToComplete: 2 });
const server = setupServer(...openaiMock.handlers, ...googleMock.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  openaiMock.reset();
  googleMock.reset();
});
let intercepting = true;
afterAll(() => {
  if (intercepting) server.close();
});

const common = {
  retry: { minDelayMs: 1, maxDelayMs: 5 },
  timeouts: { createMs: { image: 150, video: 150 }, statusMs: 150, downloadIdleMs: 150 },
  logger: () => {},
};
const openai = createOpenAI({ ...common, apiKey: OPENAI_MOCK_API_KEY, baseURL: OPENAI_URL });
const google = createGoogle({ ...common, apiKey: GOOGLE_MOCK_API_KEY, baseURL: GOOGLE_URL });
const POLL: PollPolicy = {
  minIntervalMs: 2,
  maxIntervalMs: 5,
  factor: 1.5,
  timeoutMs: { image: 5_000, video: 5_000 },
};

type Route = OpenAIMockRoute | GoogleMockRoute;
interface Shape {
  name: string;
  model: MediaModel;
  input: GenerationInput;
  create: Route;
  status?: Route;
  download?: Route;
}
const reference = {
  data: gradientPng(600, 800),
  mimeType: "image/png" as const,
  width: 600,
  height: 800,
};
const spec = (id: string) => findModelSpec(id) ?? (undefined as never);
const SHAPES: Shape[] = [
  {
    name: "GPT Image generate",
    model: openai.model(spec("gpt-image-2")),
    input: { prompt: "p", options: { size: "1024x1024" } },
    create: "images.generate",
  },
  {
    name: "GPT Image edit",
    model: openai.model(spec("gpt-image-2")),
    input: { prompt: "p", options: { size: "1024x1024" }, referenceImage: reference },
    create: "images.edit",
  },
  {
    name: "Sora videos",
    model: openai.model(spec("sora-2")),
    input: { prompt: "p", options: { seconds: 4, size: "720x1280" } },
    create: "videos.create",
    status: "videos.retrieve",
    download: "videos.content",
  },
  {
    name: "Gemini generateContent",
    model: google.model(spec("gemini-3.1-flash-image")),
    input: { prompt: "p", options: {} },
    create: "generateContent",
  },
  {
    name: "Omni interactions",
    model: google.model(spec("gemini-omni-1.1-flash")),
    input: { prompt: "p", options: { durationSeconds: 4, aspectRatio: "9:16" } },
    create: "interactions.create",
    status: "interactions.get",
    download: "files.download",
  },
  {
    name: "Veo predictLongRunning",
    model: google.model(spec("veo-3.1-fast-generate-001")),
    input: { prompt: "p", options: {} },
    create: "predictLongRunning",
    status: "operations.get",
    download: "files.download",
  },
];

// A short timeout only on the kind of call a test makes hang: there the timeout is what ends the
// call, and what the test checks. Every other call answers (or drops) on its own, but the mock's
// answer takes real work (an image is drawn and encoded), which on a loaded machine can outlast
// 150 ms: a partial create then ends TIMEOUT — correctly, it got no answer in time — and the case
// no longer checks what it names. Those calls get a timeout they only miss when something hangs.
type Call = "create" | "status" | "download";
const HANG_TIMEOUT_MS = common.timeouts.statusMs;
const ANSWER_TIMEOUT_MS = 10_000;
const bounded = new Map<string, MediaModel>();
/** The shape's model with a short timeout only on `hangs` (the kind of call the fault hangs). */
function withTimeouts(shape: Shape, hangs: Call | undefined): Shape {
  const key = `${shape.name}|${hangs}`;
  let model = bounded.get(key);
  if (!model) {
    const ms = (call: Call) => (call === hangs ? HANG_TIMEOUT_MS : ANSWER_TIMEOUT_MS);
    const settings = {
      ...common,
      timeouts: {
        createMs: { image: ms("create"), video: ms("create") },
        statusMs: ms("status"),
        downloadIdleMs: ms("download"),
      },
    };
    const provider =
      shape.model.provider === "openai"
        ? createOpenAI({ ...settings, apiKey: OPENAI_MOCK_API_KEY, baseURL: OPENAI_URL })
        : createGoogle({ ...settings, apiKey: GOOGLE_MOCK_API_KEY, baseURL: GOOGLE_URL });
    model = provider.model(spec(shape.model.id));
    bounded.set(key, model);
  }
  return { ...shape, model };
}
const hanging = (name: MockFaultName, call: Call) => (name === "hang" ? call : undefined);

const isOpenAI = (route: Route): route is OpenAIMockRoute =>
  route.startsWith("images.") || route.startsWith("videos.");
function inject(route: Route, name: MockFaultName, times: number) {
  const faults = Array.from({ length: times }, () => fault(name));
  if (isOpenAI(route)) openaiMock.failNext(route, ...faults);
  else googleMock.failNext(route, ...faults);
}
const requestsTo = (route: Route) =>
  isOpenAI(route) ? openaiMock.requestsTo(route).length : googleMock.requestsTo(route).length;

/** What the worker does, with a record of how many requests each single call made. */
async function generate(shape: Shape, policy: PollPolicy = POLL) {
  const perCall: number[] = [];
  const counted = async <T>(route: Route | undefined, call: () => Promise<T>): Promise<T> => {
    const before = route ? requestsTo(route) : 0;
    try {
      return await call();
    } finally {
      if (route) perCall.push(requestsTo(route) - before);
    }
  };
  const model: MediaModel = {
    ...shape.model,
    id: shape.model.id,
    provider: shape.model.provider,
    type: shape.model.type,
    status: (id, options) => counted(shape.status, () => shape.model.status(id, options)),
  };
  const startedAt = Date.now();
  const deadline = startedAt + policy.timeoutMs[model.type];
  const limitMs = policy.timeoutMs[model.type];
  const started = await counted(shape.create, () =>
    startWithinDeadline(shape.model, shape.input, { deadline, limitMs }),
  );
  let output: MediaOutput;
  if (started.status?.state === "succeeded") output = started.status.output;
  else if (started.status?.state === "failed") throw started.status.error;
  else output = await pollUntilDone(model, started.operationId, { policy, startedAt });
  for (;;) {
    try {
      const media = await counted(shape.download, () =>
        shape.model.fetchResult(output, { variant: "media" }),
      );
      if (!media) throw new Error("no media");
      const bytes = new Uint8Array(await new Response(media.body).arrayBuffer());
      return { bytes: bytes.byteLength, perCall };
    } catch (error) {
      if (!(isMediaGenError(error) && error.retryable) || Date.now() > deadline) throw error;
    }
  }
}

const outcome = (shape: Shape, policy?: PollPolicy) =>
  generate(shape, policy).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error: error as MediaGenError }),
  );

const FAULTS: MockFaultName[] = ["429", "500", "503", "reset", "hang", "partial"];
/** A create that failed on all its attempts: what it ends as, and whether it was re-sent. */
const CREATE_OUTCOME: Record<MockFaultName, { code: MediaErrorCode; resent: boolean }> = {
  "429": { code: "RATE_LIMITED", resent: true },
  "500": { code: "PROVIDER_UNAVAILABLE", resent: true },
  "503": { code: "PROVIDER_UNAVAILABLE", resent: true },
  reset: { code: "PROVIDER_UNAVAILABLE", resent: false },
  hang: { code: "TIMEOUT", resent: false },
  partial: { code: "PROVIDER_UNAVAILABLE", resent: false },
};

describe.each(SHAPES)("$name under faults", (shape) => {
  const expectedBytes = (bytes: number) =>
    shape.download
      ? expect(bytes).toBe(sampleVideoMp4.byteLength)
      : expect(bytes).toBeGreaterThan(0);

  it.each(FAULTS)(
    "create: %s on every attempt ends with the right code, never re-sent after a lost answer",
    async (name) => {
      inject(shape.create, name, 3);
      const { error } = await outcome(withTimeouts(shape, hanging(name, "create")));
      const expected = CREATE_OUTCOME[name];
      expect(error).toMatchObject({ code: expected.code });
      expect(requestsTo(shape.create)).toBe(expected.resent ? 3 : 1);
      if (!expected.resent) {
        expect(error).toMatchObject({ jobMayExist: true, retryable: false });
        expect(error?.message).toMatch(/not re-sent, to avoid a second charge/);
      }
    },
  );

  it.each(["429", "500", "503"] as const)(
    "create: one %s is retried and the generation succeeds",
    async (name) => {
      inject(shape.create, name, 1);
      const { result, error } = await outcome(withTimeouts(shape, undefined));
      expect(error).toBeUndefined();
      expectedBytes(result?.bytes ?? 0);
      expect(requestsTo(shape.create)).toBe(2);
    },
  );

  if (!shape.status || !shape.download) return;
  const status = shape.status;
  const download = shape.download;

  it.each(FAULTS)("poll: %s on three attempts in a row never ends the live job", async (name) => {
    inject(status, name, 3);
    const { result, error } = await outcome(withTimeouts(shape, hanging(name, "status")));
    expect(error).toBeUndefined();
    expectedBytes(result?.bytes ?? 0);
    expect(requestsTo(shape.create)).toBe(1);
    expect(Math.max(...(result?.perCall ?? []))).toBeLessThanOrEqual(3);
  });

  it.each(FAULTS)(
    "poll: %s forever ends at the deadline as TIMEOUT, the job resumable",
    async (name) => {
      inject(status, name, 1_000);
      const policy = { ...POLL, timeoutMs: { image: 400, video: 400 } };
      const { error } = await outcome(withTimeouts(shape, hanging(name, "status")), policy);
      expect(error).toMatchObject({ code: "TIMEOUT", jobMayExist: true });
      expect(requestsTo(shape.create)).toBe(1);
    },
  );

  it.each(FAULTS)("download: %s on three attempts in a row is downloaded again", async (name) => {
    inject(download, name, 3);
    const { result, error } = await outcome(withTimeouts(shape, hanging(name, "download")));
    expect(error).toBeUndefined();
    expectedBytes(result?.bytes ?? 0);
    expect(requestsTo(shape.create)).toBe(1);
    expect(Math.max(...(result?.perCall ?? []))).toBeLessThanOrEqual(3);
  });
});

// The generation's deadline covers its create too: a create that hangs is cut off at the deadline
// when that comes before the create's own timeout (an image create may take 5 minutes; an image
// generation ends within 2), and it ends exactly like any create whose answer was lost.
describe("the generation deadline during a hung create", () => {
  const CREATE_TIMEOUT_MS = 30_000;
  const slowCreates = {
    ...common,
    timeouts: {
      ...common.timeouts,
      createMs: { image: CREATE_TIMEOUT_MS, video: CREATE_TIMEOUT_MS },
    },
  };
  const providers = createMediaProviders({
    openai: { ...slowCreates, apiKey: OPENAI_MOCK_API_KEY, baseURL: OPENAI_URL },
    google: { ...slowCreates, apiKey: GOOGLE_MOCK_API_KEY, baseURL: GOOGLE_URL },
    enabledModels: ["sora-2", "veo-3.1-fast-generate-001"],
  });
  const DEADLINE_MS = 300;
  const policy: PollPolicy = { ...POLL, timeoutMs: { image: DEADLINE_MS, video: DEADLINE_MS } };

  it.each(SHAPES)(
    "$name: ends TIMEOUT at the deadline, before the create's own timeout; not re-sent, a billed job may exist",
    async (shape) => {
      inject(shape.create, "hang", 1);
      const began = Date.now();
      const error = await generateMedia(
        providers,
        {
          model: shape.model.id,
          prompt: shape.input.prompt,
          options: shape.input.options,
          referenceImage: shape.input.referenceImage,
          poll: policy,
        },
        async () => ({ url: "unused" }),
      ).catch((e: unknown) => e);
      const took = Date.now() - began;
      expect(error).toBeInstanceOf(MediaGenError);
      expect(error).toMatchObject({ code: "TIMEOUT", jobMayExist: true, retryable: false });
      expect((error as Error).message).toMatch(/within the generation's 0\.3 s deadline/);
      expect((error as Error).message).toMatch(/not re-sent, to avoid a second charge/);
      // One create, never sent again (a second one would have been answered and succeeded).
      expect(requestsTo(shape.create)).toBe(1);
      // Cut off by the deadline, not by the create's own 30 s timeout.
      expect(took).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
      expect(took).toBeLessThan(CREATE_TIMEOUT_MS / 2);
    },
    10_000,
  );
});

// `[MediaGen] Error:` is the line an operator alerts on, so it is kept for failures that end a
// generation. A status check or download that failed on all its attempts while the job goes on
// (polled or downloaded again) gets a lower-level line with its own wording.
describe("log lines of transient failures that are ridden out", () => {
  // Built without a logger: the lines go to the process logger, as on the server.
  const quiet = { retry: common.retry, timeouts: common.timeouts };
  const consoleOpenAI = createOpenAI({
    ...quiet,
    apiKey: OPENAI_MOCK_API_KEY,
    baseURL: OPENAI_URL,
  });
  const consoleGoogle = createGoogle({
    ...quiet,
    apiKey: GOOGLE_MOCK_API_KEY,
    baseURL: GOOGLE_URL,
  });
  const polled = SHAPES.filter((shape) => shape.status && shape.download).map((shape) => ({
    ...shape,
    model: (shape.model.provider === "openai" ? consoleOpenAI : consoleGoogle).model(
      spec(shape.model.id),
    ),
  }));

  it.each(polled)(
    "$name: a status check failing 3 times, then the job succeeds: no [MediaGen] Error line, one warning",
    async (shape) => {
      const logs = captureLogs({ quiet: true });
      try {
        const { operationId } = await shape.model.start({ ...shape.input, assetId: "asset-1" });
        inject(shape.status as Route, "503", 3);
        const output = await pollUntilDone(shape.model, operationId, {
          policy: POLL,
          assetId: "asset-1",
        });
        expect(output).toBeTruthy();
        expect(requestsTo(shape.status as Route)).toBeGreaterThanOrEqual(4);
        expect(logs.messages("error").filter((l) => l.includes("[MediaGen] Error:"))).toEqual([]);
        const warned = logs.messages("warn").filter((l) => l.startsWith("[MediaGen] Warning:"));
        expect(warned).toHaveLength(1);
        expect(warned[0]).toMatch(
          /^\[MediaGen\] Warning: \w+ [\w.-]+ PROVIDER_UNAVAILABLE status check failed, the job goes on \(polled again until its deadline\): .+ \(asset asset-1\)$/,
        );
      } finally {
        logs.stop();
      }
    },
  );

  it.each(polled)(
    "$name: a download failing 3 times before its body is a warning, not a [MediaGen] Error line",
    async (shape) => {
      const logs = captureLogs({ quiet: true });
      try {
        const { operationId } = await shape.model.start(shape.input);
        const output = await pollUntilDone(shape.model, operationId, { policy: POLL });
        inject(shape.download as Route, "503", 3);
        const error = await shape.model.fetchResult(output, { variant: "media" }).catch((e) => e);
        expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", retryable: true });
        expect(logs.messages("error").filter((l) => l.includes("[MediaGen] Error:"))).toEqual([]);
        expect(
          logs.messages("warn").filter((l) => l.startsWith("[MediaGen] Warning:")),
        ).toHaveLength(1);
      } finally {
        logs.stop();
      }
    },
  );

  it.each(polled)(
    "$name: a job the provider says failed still gets exactly one [MediaGen] Error line",
    async (shape) => {
      const logs = captureLogs({ quiet: true });
      try {
        const { operationId } = await shape.model.start(shape.input);
        // A 404 on the job: the provider no longer knows it, a definitive end.
        if (isOpenAI(shape.status as Route))
          openaiMock.failNext(shape.status as never, { status: 404 });
        else googleMock.failNext(shape.status as never, { status: 404 });
        const error = await pollUntilDone(shape.model, operationId, { policy: POLL }).catch(
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code: "PROVIDER_ERROR" });
        expect(
          logs.messages("error").filter((l) => l.startsWith("[MediaGen] Error:")),
        ).toHaveLength(1);
        expect(logs.messages("warn").filter((l) => l.startsWith("[MediaGen]"))).toEqual([]);
      } finally {
        logs.stop();
      }
    },
  );
});

describe("a download cut mid-body", () => {
  it("errors the stream with a retryable MediaGenError the reader can act on", async () => {
    const sora = SHAPES[2] as Shape;
    const { operationId } = await sora.model.start(sora.input);
    const output = await pollUntilDone(sora.model, operationId, { policy: POLL });
    openaiMock.failNext("videos.content", fault("partial"));
    const media = await sora.model.fetchResult(output, { variant: "media" });
    const error = await new Response(media?.body).arrayBuffer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaGenError);
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", retryable: true });
  });
});

describe("faults over loopback HTTP (startMockProviderServer, real sockets)", () => {
  const handlers: RequestHandler[] = [];
  let loopback: MockProviderServer;
  let mock: ReturnType<typeof createOpenAIMock>;
  let sora: MediaModel;
  beforeAll(async () => {
    server.close(); // real sockets from here on: no in-process interception
    intercepting = false;
    loopback = await startMockProviderServer(handlers);
    mock = createOpenAIMock({ baseURL: `${loopback.url}/v1`, videoPollsToComplete: 2 });
    handlers.push(...mock.handlers);
    const provider = createOpenAI({
      ...common,
      // The faults here hang status polls and downloads; the create only has to be answered.
      timeouts: {
        ...common.timeouts,
        createMs: { image: ANSWER_TIMEOUT_MS, video: ANSWER_TIMEOUT_MS },
      },
      apiKey: OPENAI_MOCK_API_KEY,
      baseURL: `${loopback.url}/v1`,
    });
    sora = provider.model(spec("sora-2"));
  });
  afterAll(() => loopback.close());

  it.each(["reset", "hang", "partial", "503"] as const)(
    "rides out %s on create-free routes and never re-sends a create",
    async (name) => {
      mock.reset();
      const { operationId } = await sora.start({
        prompt: "p",
        options: { seconds: 4, size: "720x1280" },
      });
      mock.failNext("videos.retrieve", ...Array.from({ length: 3 }, () => fault(name)));
      const output = await pollUntilDone(sora, operationId, { policy: POLL });
      mock.failNext("videos.content", fault(name));
      let bytes = 0;
      for (let attempt = 0; attempt < 3 && !bytes; attempt++) {
        try {
          const media = await sora.fetchResult(output, { variant: "media" });
          bytes = (await new Response(media?.body).arrayBuffer()).byteLength;
        } catch (error) {
          expect(error).toMatchObject({ retryable: true });
        }
      }
      expect(bytes).toBe(sampleVideoMp4.byteLength);
      expect(mock.requestsTo("videos.create")).toHaveLength(1);
    },
  );

  it("a reset on create is not re-sent", async () => {
    mock.reset();
    mock.failNext("videos.create", fault("reset"), fault("reset"));
    const error = await sora
      .start({ prompt: "p", options: { seconds: 4, size: "720x1280" } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", jobMayExist: true });
    expect(mock.requestsTo("videos.create")).toHaveLength(1);
  });
});
