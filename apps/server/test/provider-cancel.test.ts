// media.cancel asks the provider to stop where its API has a cancel (issue 21, item 5): a running
// Gemini Omni video is cancelled at Google (POST /interactions/{id}/cancel) and the answer says
// "stopped"; a running Sora video is not (OpenAI's videos API has only DELETE) and says
// "unsupported" — its card then says the render may still be charged.
import {
  createGoogleMock,
  createOpenAIMock,
  GOOGLE_MOCK_API_KEY,
  OPENAI_MOCK_API_KEY,
} from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";
import { waitFor } from "./processes";

// Videos never finish here: they are running when canceled.
const google = createGoogleMock({ videoPollsToComplete: 10_000 });
const openai = createOpenAIMock({ videoPollsToComplete: 10_000 });
const apis = setupServer(...google.handlers, ...openai.handlers);
beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());

describe("provider-side cancel (PGlite)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite", {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      GEMINI_API_KEY: GOOGLE_MOCK_API_KEY,
      MEDIA_ENABLE_MODELS: "sora-2,gemini-omni-1.1-flash",
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const runningWithJob = async (id: string) =>
    waitFor(async () => {
      const asset = await server.client("canceller").media.byId.query({ id });
      return Boolean(asset?.status === "running" && asset.progress > 0);
    }, 20_000);

  it("stops a running Omni video at Google and says so", async () => {
    const client = server.client("canceller");
    const { asset } = await client.media.generate.mutate({
      type: "video",
      model: "gemini-omni-1.1-flash",
      prompt: "A lighthouse at dusk, canceled",
    });
    await runningWithJob(asset.id);
    const canceled = await client.media.cancel.mutate({ id: asset.id });
    expect(canceled.status).toBe("canceled");
    expect(canceled.providerCancel).toBe("stopped");
    expect(google.requestsTo("interactions.cancel")).toHaveLength(1);
  });

  it("a Sora video: OpenAI has no cancel, the card says it may still be charged", async () => {
    const client = server.client("canceller");
    const { asset } = await client.media.generate.mutate({
      type: "video",
      model: "sora-2",
      prompt: "A harbour at dawn, canceled",
      options: { seconds: 4 },
    });
    await runningWithJob(asset.id);
    const canceled = await client.media.cancel.mutate({ id: asset.id });
    expect(canceled.providerCancel).toBe("unsupported");
    expect(canceled.charge.state).toBe("may_be_charged");
  });

  it("an image (no job left at the provider once created) carries no provider cancel", async () => {
    const client = server.client("canceller");
    const { asset } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A queued image, canceled",
    });
    const canceled = await client.media.cancel.mutate({ id: asset.id }).catch(() => undefined);
    if (canceled) expect(canceled.providerCancel).toBeNull();
  });
});
