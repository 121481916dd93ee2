// What an operator sees in the logs, through the whole stack (tRPC → queue → worker → SDK → msw
// fake): `[MediaGen] Error:` — the line alerts are built on — is written once per generation that
// ends failed, and never for a job that rode out a transient failure and succeeded; those get a
// `[MediaGen] Warning:` line of their own.
import { testBackends } from "@streamline/db/testing";
import { createOpenAIMock, fault, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from "vitest";
import { collectEvents, startTestServer, type TestServer } from "./harness";

const openai = createOpenAIMock({ videoPollsToComplete: 2 });
const providerApis = setupServer(...openai.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());

type Event = { status: string };

describe.each(testBackends())("[MediaGen] log lines (%s)", (backend) => {
  let server: TestServer;
  let errors: MockInstance<typeof console.error>;
  let warnings: MockInstance<typeof console.warn>;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      MEDIA_VIDEO_TIMEOUT_SECONDS: "3",
    });
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    errors?.mockRestore();
    warnings?.mockRestore();
    openai.reset();
  });

  const linesAbout = (spy: MockInstance, assetId: string, prefix: string) =>
    spy.mock.calls
      .map((call) => String(call[0]))
      .filter((line) => line.startsWith(prefix) && line.includes(assetId));

  async function generateVideo(user: string, prompt: string) {
    errors = vi.spyOn(console, "error").mockImplementation(() => {});
    warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
    const client = server.client(user);
    const { asset } = await client.media.generate.mutate({
      type: "video",
      model: "sora-2",
      prompt,
      options: { seconds: 4 },
    });
    await collectEvents<Event>(
      (h) => client.media.onProgress.subscribe({ assetId: asset.id }, h),
      (events) => events.some((e) => ["succeeded", "failed", "canceled"].includes(e.status)),
      20_000,
    );
    return client.media.byId.query({ id: asset.id });
  }

  it("a status check that fails 3 times while the job goes on and succeeds: a warning, no error line", async () => {
    openai.failNext("videos.retrieve", fault("503"), fault("503"), fault("503"));
    const row = await generateVideo("logs-transient", "Polls through a 503 storm");
    expect(row.status).toBe("succeeded");
    expect(openai.requestsTo("videos.retrieve").length).toBeGreaterThanOrEqual(4);
    expect(linesAbout(errors, row.id, "[MediaGen] Error:")).toEqual([]);
    const warned = linesAbout(warnings, row.id, "[MediaGen] Warning:");
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/PROVIDER_UNAVAILABLE status check failed, the job goes on/);
  });

  it("a download that fails 3 times and is downloaded again: warnings, no error line", async () => {
    openai.failNext("videos.content", fault("503"), fault("503"), fault("503"));
    const row = await generateVideo("logs-download", "Downloads through a 503 storm");
    expect(row.status).toBe("succeeded");
    expect(linesAbout(errors, row.id, "[MediaGen] Error:")).toEqual([]);
    expect(linesAbout(warnings, row.id, "[MediaGen] Warning:").length).toBeGreaterThanOrEqual(1);
  });

  it("a generation that ends failed (status checks failing until the deadline): exactly one error line", async () => {
    openai.failNext("videos.retrieve", ...Array.from({ length: 1_000 }, () => fault("503")));
    const row = await generateVideo("logs-terminal", "Polls into a dead provider");
    expect(row.status).toBe("failed");
    expect(row.error?.code).toBe("TIMEOUT");
    const lines = linesAbout(errors, row.id, "[MediaGen] Error:");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[MediaGen\] Error: openai sora-2 TIMEOUT /);
    expect(linesAbout(warnings, row.id, "[MediaGen] Warning:").length).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
