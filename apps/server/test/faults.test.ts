// The fault suite through the whole stack (tRPC → queue → worker → provider SDK → msw fake): for
// every API shape, a 429 (retry-after), 503, connection reset or hang on its create, status poll or
// download. Every asset ends terminal; no call is tried more than 3 times in a row; a billed job is
// never created twice by us — a create whose answer was lost is not re-sent, and its Retry is a new
// job only because the studio says so; a Retry of a job that may still finish resumes it.
import { testBackends } from "@streamline/db/testing";
import {
  createGoogleMock,
  createOpenAIMock,
  fault,
  GOOGLE_MOCK_API_KEY,
  type MockFaultName,
  OPENAI_MOCK_API_KEY,
} from "@streamline/fakes/providers";
import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEvents, startTestServer, type TestServer } from "./harness";

const openai = createOpenAIMock({ videoPollsToComplete: 2 });
const google = createGoogleMock({ videoPollsToComplete: 2 });
const providerApis = setupServer(...openai.handlers, ...google.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());

type Stage = "create" | "poll" | "download";
type Shape = {
  model: string;
  type: "image" | "video";
  options?: Record<string, string | number>;
  routes: Partial<Record<Stage, string>>;
  inject(route: string, failure: ReturnType<typeof fault>): void;
  count(route: string): number;
};

const viaOpenAI = (route: string, failure: ReturnType<typeof fault>) =>
  openai.failNext(route as never, failure);
const viaGoogle = (route: string, failure: ReturnType<typeof fault>) =>
  google.failNext(route as never, failure);

const SHAPES: Record<string, Shape> = {
  "GPT Image": {
    model: "gpt-image-2",
    type: "image",
    routes: { create: "images.generate" },
    inject: viaOpenAI,
    count: (r) => openai.requestsTo(r as never).length,
  },
  Sora: {
    model: "sora-2",
    type: "video",
    options: { seconds: 4 },
    routes: { create: "videos.create", poll: "videos.retrieve", download: "videos.content" },
    inject: viaOpenAI,
    count: (r) => openai.requestsTo(r as never).length,
  },
  "Gemini image": {
    model: "gemini-3.1-flash-image",
    type: "image",
    routes: { create: "generateContent" },
    inject: viaGoogle,
    count: (r) => google.requestsTo(r as never).length,
  },
  Omni: {
    model: "gemini-omni-1.1-flash",
    type: "video",
    routes: { create: "interactions.create", poll: "interactions.get", download: "files.download" },
    inject: viaGoogle,
    count: (r) => google.requestsTo(r as never).length,
  },
  Veo: {
    model: "veo-3.1-fast-generate-001",
    type: "video",
    routes: { create: "predictLongRunning", poll: "operations.get", download: "files.download" },
    inject: viaGoogle,
    count: (r) => google.requestsTo(r as never).length,
  },
};
const FAULTS: MockFaultName[] = ["429", "503", "reset", "hang"];
// Lanes run side by side; within one the cases run in turn, since a queued fault is taken by
// whichever request reaches its route next (Omni and Veo share the file download route).
const LANES = [["GPT Image"], ["Sora"], ["Gemini image"], ["Omni", "Veo"]];

type Event = { eventId: string; status: string };
type Outcome = { name: string; status: string; code: string | null; retryPlan: string | null };

describe.each(testBackends())("faults on every API shape (%s)", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      GEMINI_API_KEY: GOOGLE_MOCK_API_KEY,
      MEDIA_ENABLE_MODELS: "sora-2,veo-3.1-fast-generate-001",
      MEDIA_MAX_CONCURRENT_PER_USER: "20",
      MEDIA_DAILY_SPEND_USD: "1000",
      PROVIDER_CREATE_TIMEOUT_SECONDS_IMAGE: "0.5",
      PROVIDER_CREATE_TIMEOUT_SECONDS_VIDEO: "0.5",
      PROVIDER_STATUS_TIMEOUT_SECONDS: "0.3",
      PROVIDER_DOWNLOAD_IDLE_SECONDS: "0.3",
      MEDIA_IMAGE_TIMEOUT_SECONDS: "20",
      MEDIA_VIDEO_TIMEOUT_SECONDS: "20",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function untilTerminal(user: string, assetId: string, lastEventId?: string) {
    try {
      return await collectEvents<Event>(
        (h) => server.client(user).media.onProgress.subscribe({ assetId, lastEventId }, h),
        (events) => events.some((e) => ["succeeded", "failed", "canceled"].includes(e.status)),
        60_000,
      );
    } catch (error) {
      // Say what the row says: a stuck job and a lost event need different fixes.
      const row = await server.client(user).media.byId.query({ id: assetId });
      throw new Error(
        `${(error as Error).message}; row: ${row.status} ${row.error?.code ?? ""} "${row.prompt}" attempts ${row.attempts}`,
      );
    }
  }

  async function runCase(lane: number, shapeName: string, stage: Stage, faultName: MockFaultName) {
    const shape = SHAPES[shapeName] as Shape;
    const route = shape.routes[stage] as string;
    const user = `lane-${lane}`;
    const client = server.client(user);
    const createRoute = shape.routes.create as string;
    const createsBefore = shape.count(createRoute);
    const callsBefore = shape.count(route);
    shape.inject(route, fault(faultName));
    const { asset } = await client.media.generate.mutate({
      type: shape.type,
      model: shape.model,
      prompt: `${shapeName} with a ${faultName} on ${stage}`,
      options: shape.options ?? {},
    });
    const events = await untilTerminal(user, asset.id);
    const row = await client.media.byId.query({ id: asset.id });
    const name = `${shapeName} ${stage} ${faultName}`;
    const creates = shape.count(createRoute) - createsBefore;
    // One injected fault: the call that met it is re-sent at most twice more.
    expect(shape.count(route) - callsBefore, name).toBeLessThanOrEqual(stage === "create" ? 3 : 99);

    const lostAnswer = stage === "create" && (faultName === "reset" || faultName === "hang");
    if (lostAnswer) {
      // The create may have started a billed job: it is never sent again by itself.
      expect(creates, name).toBe(1);
      expect(row.status, name).toBe("failed");
      expect(row.error?.code, name).toMatch(/^(TIMEOUT|PROVIDER_UNAVAILABLE)$/);
      expect(row.error?.message, name).toMatch(/not (re-)?sent/i);
      // Retry is a new, charged job — the studio asks first; the DTO says so.
      expect(row.retryPlan, name).toBe("new");
      expect(row.charge.state, name).toBe("may_be_charged");
      await client.media.retry.mutate({ id: asset.id });
      const again = await untilTerminal(user, asset.id, events.at(-1)?.eventId);
      expect(again.at(-1)?.status, name).toBe("succeeded");
      expect(shape.count(createRoute) - createsBefore, name).toBe(2);
    } else {
      // A refused create is re-sent (nothing was started); poll and download faults never end a
      // live job. Either way: one accepted create, and the asset succeeds.
      expect(row.status, `${name}: ${row.error?.message}`).toBe("succeeded");
      const refusedCreates = stage === "create" ? 1 : 0;
      expect(creates - refusedCreates, name).toBe(1);
      expect(row.charge.state, name).toBe("charged");
    }
    return { name, status: row.status, code: row.error?.code ?? null, retryPlan: row.retryPlan };
  }

  it("ends every asset terminal with one accepted create per asset", async () => {
    const outcomes: Outcome[] = [];
    await Promise.all(
      LANES.map(async (shapes, lane) => {
        for (const shapeName of shapes) {
          const stages = Object.keys((SHAPES[shapeName] as Shape).routes) as Stage[];
          for (const stage of stages) {
            for (const faultName of FAULTS) {
              outcomes.push(await runCase(lane, shapeName, stage, faultName));
            }
          }
        }
      }),
    );
    const failedFirst = outcomes.filter((o) => o.status !== "succeeded");
    console.log(
      `[figures] fault suite on ${backend}: ${outcomes.length} cases; ${failedFirst.length} ended failed (lost create answers, then retried as new jobs)`,
    );
    expect(outcomes.length).toBe(11 * FAULTS.length);
  }, 400_000);
});

// The generation's deadline covers its create: an image create that hangs ends at the image
// deadline (here 3 s) although the create's own timeout is far longer (here 60 s; 300 s by default),
// and it ends like any create whose answer was lost — never re-sent, possibly charged, and its Retry
// is a new job.
describe.each(testBackends())(
  "a hung image create under the generation deadline (%s)",
  (backend) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend, {
        OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
        GEMINI_API_KEY: GOOGLE_MOCK_API_KEY,
        PROVIDER_CREATE_TIMEOUT_SECONDS_IMAGE: "60",
        MEDIA_IMAGE_TIMEOUT_SECONDS: "3",
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    const untilTerminal = (user: string, assetId: string, lastEventId?: string) =>
      collectEvents<Event>(
        (h) => server.client(user).media.onProgress.subscribe({ assetId, lastEventId }, h),
        (events) => events.some((e) => ["succeeded", "failed", "canceled"].includes(e.status)),
        20_000,
      );

    it.each(["GPT Image", "Gemini image"])(
      "%s: ends failed TIMEOUT at the deadline, the create not re-sent and possibly charged",
      async (shapeName) => {
        const shape = SHAPES[shapeName] as Shape;
        const createRoute = shape.routes.create as string;
        const user = `hung-${shape.model}`;
        const client = server.client(user);
        const before = shape.count(createRoute);
        shape.inject(createRoute, fault("hang"));
        const began = Date.now();
        const { asset } = await client.media.generate.mutate({
          type: shape.type,
          model: shape.model,
          prompt: `${shapeName} create that hangs`,
        });
        const events = await untilTerminal(user, asset.id);
        const took = Date.now() - began;
        const row = await client.media.byId.query({ id: asset.id });
        expect(row.status).toBe("failed");
        expect(row.error?.code).toBe("TIMEOUT");
        expect(row.error?.message).toMatch(/within the generation's 3 s deadline/);
        expect(row.error?.message).toMatch(/not re-sent, to avoid a second charge/);
        expect(shape.count(createRoute) - before).toBe(1);
        expect(row.retryPlan).toBe("new");
        expect(row.charge.state).toBe("may_be_charged");
        // Ended by the 3 s deadline, not by the create's 60 s timeout.
        expect(took).toBeGreaterThanOrEqual(3_000);
        expect(took).toBeLessThan(30_000);
        // Retry is a new (charged) job, as for any lost create: the second create is answered.
        await client.media.retry.mutate({ id: asset.id });
        const again = await untilTerminal(user, asset.id, events.at(-1)?.eventId);
        expect(again.at(-1)?.status).toBe("succeeded");
        expect(shape.count(createRoute) - before).toBe(2);
      },
      40_000,
    );

    it("starts the deadline when the submission starts, saved with the job (a takeover keeps it)", async () => {
      // The create is answered, but only after a pause: the saved start must be from before it was sent.
      let arrived = 0;
      providerApis.use(
        http.post("https://api.openai.com/v1/videos", async () => {
          arrived = Date.now();
          await new Promise((resolve) => setTimeout(resolve, 300));
          // No answer here: the request goes on to the OpenAI mock.
        }),
      );
      try {
        const client = server.client("deadline-start");
        const { asset } = await client.media.generate.mutate({
          type: "video",
          model: "sora-2",
          prompt: "A create that takes its time",
          options: { seconds: 4 },
        });
        const events = await untilTerminal("deadline-start", asset.id);
        expect(events.at(-1)?.status).toBe("succeeded");
        const row = await server.runtime.handle.db
          .selectFrom("media_assets")
          .select("metadata")
          .where("id", "=", asset.id)
          .executeTakeFirstOrThrow();
        const submittedAt = Date.parse(String(row.metadata.submittedAt));
        expect(arrived).toBeGreaterThan(0);
        expect(submittedAt).toBeLessThanOrEqual(arrived);
      } finally {
        providerApis.resetHandlers();
      }
    });
  },
);
