// What an operator sees in the logs, through the whole stack (tRPC → queue → worker → SDK → msw
// fake): `[MediaGen] Error:` — the line alerts are built on — is written once per generation that
// ends failed, and never for a job that rode out a transient failure and succeeded; those get a
// `[MediaGen] Warning:` line of their own.
import { testBackends } from "@streamline/db/testing";
import { createOpenAIMock, fault, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { captureLogs, type LogRecord } from "@streamline/log/testing";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { collectEvents, startTestServer, type TestServer } from "./harness";

const openai = createOpenAIMock({ videoPollsToComplete: 2 });
const providerApis = setupServer(...openai.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());

type Event = { status: string };

describe.each(testBackends())("[MediaGen] log lines (%s)", (backend) => {
  let server: TestServer;
  let logs: ReturnType<typeof captureLogs> | undefined;
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
    logs?.stop();
    openai.reset();
  });

  const recordsAbout = (level: "error" | "warn", assetId: string, prefix: string): LogRecord[] =>
    (logs?.records ?? []).filter(
      (r) => r.level === level && r.msg.startsWith(prefix) && r.msg.includes(assetId),
    );
  const errorsAbout = (assetId: string) => recordsAbout("error", assetId, "[MediaGen] Error:");
  const warningsAbout = (assetId: string) =>
    recordsAbout("warn", assetId, "[MediaGen] Warning:").map((r) => r.msg);

  /** Generates as `user`, the call carrying its own x-request-id (`requestId`). */
  async function generateVideo(user: string, prompt: string, requestId = `req-${user}`) {
    logs = captureLogs({ quiet: true });
    const client = server.client({ "x-streamline-user": user, "x-request-id": requestId });
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
    expect(errorsAbout(row.id)).toEqual([]);
    const warned = warningsAbout(row.id);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/PROVIDER_UNAVAILABLE status check failed, the job goes on/);
  });

  it("a download that fails 3 times and is downloaded again: warnings, no error line", async () => {
    openai.failNext("videos.content", fault("503"), fault("503"), fault("503"));
    const row = await generateVideo("logs-download", "Downloads through a 503 storm");
    expect(row.status).toBe("succeeded");
    expect(errorsAbout(row.id)).toEqual([]);
    expect(warningsAbout(row.id).length).toBeGreaterThanOrEqual(1);
  });

  it("a generation that ends failed (status checks failing until the deadline): exactly one error line", async () => {
    openai.failNext("videos.retrieve", ...Array.from({ length: 1_000 }, () => fault("503")));
    const row = await generateVideo("logs-terminal", "Polls into a dead provider");
    expect(row.status).toBe("failed");
    expect(row.error?.code).toBe("TIMEOUT");
    const lines = errorsAbout(row.id);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toMatch(/^\[MediaGen\] Error: openai sora-2 TIMEOUT /);
    expect(warningsAbout(row.id).length).toBeGreaterThanOrEqual(1);
    // The line names the call that asked for the generation, its user and the job that ran it;
    // every request to OpenAI carried the same id (X-Client-Request-Id).
    expect(lines[0]).toMatchObject({
      requestId: "req-logs-terminal",
      userId: "logs-terminal",
      queue: "media-generate",
      assetId: row.id,
    });
    expect(lines[0]?.jobId).toEqual(expect.any(String));
    const sent = openai.requests.map((r) => r.headers["x-client-request-id"]);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent)).toEqual(new Set(["req-logs-terminal"]));
  }, 30_000);
});
