// The shipped defaults agree with each other: the studio offers up to MEDIA_MAX_VARIANTS variants,
// and a server left at its default concurrency limit accepts that many in one submission (each
// variant still counted against the daily spend cap, before any provider call).
import { MEDIA_MAX_VARIANTS } from "@streamline/api";
import { testBackends } from "@streamline/db/testing";
import { createOpenAIMock, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../src/env";
import { startTestServer, type TestServer } from "./harness";

const openai = createOpenAIMock();
const providerApis = setupServer(...openai.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());

describe("default limits", () => {
  it("the default concurrency limit allows a submission of the most variants", () => {
    const env = loadEnv({ NODE_ENV: "test" });
    expect(env.MEDIA_MAX_CONCURRENT_PER_USER).toBeGreaterThanOrEqual(MEDIA_MAX_VARIANTS);
  });
});

describe.each(testBackends())("default limits on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    // No MEDIA_MAX_CONCURRENT_PER_USER / MEDIA_DAILY_SPEND_USD: the shipped defaults.
    server = await startTestServer(backend, { OPENAI_API_KEY: OPENAI_MOCK_API_KEY });
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`accepts variants: ${MEDIA_MAX_VARIANTS} under the default limits`, async () => {
    const client = server.client("four-variants");
    const { assets } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "Four takes on a gym bag",
      variants: MEDIA_MAX_VARIANTS,
    });
    expect(assets).toHaveLength(MEDIA_MAX_VARIANTS);
    const { maxConcurrent } = await client.media.usage.query();
    expect(maxConcurrent).toBeGreaterThanOrEqual(MEDIA_MAX_VARIANTS);
    for (const asset of assets) await client.media.cancel.mutate({ id: asset.id }).catch(() => {});
  });
});
