// OpenTelemetry through the whole stack (tRPC → queue → worker → SDK → msw fakes), with the SDK's
// in-memory reader and span exporter installed the way startTelemetry installs the real ones:
// after a generation, a failure and a post the counters carry the right attributes; one
// generation's spans, from the tRPC call to the provider call, storage and the event, share one
// trace; the Prometheus endpoint (METRICS_EXPORTER=prometheus) serves the metric names; and with
// telemetry off nothing is recorded.
import { testBackends } from "@streamline/db/testing";
import { createOpenAIMock, fault, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import {
  createZernioFake,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
} from "@streamline/fakes/zernio";
import { METRIC } from "@streamline/telemetry";
import { installTestTelemetry, total } from "@streamline/telemetry/testing";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "./harness";
import { giveMockAccounts, makeAsset, waitFor } from "./social-helpers";

const openai = createOpenAIMock({ videoPollsToComplete: 2 });
const zernio = createZernioFake();
const apis = setupServer(...openai.handlers, ...zernio.handlers);
beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());

const ENV = {
  OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
  ZERNIO_API_KEY: ZERNIO_MOCK_API_KEY,
  ZERNIO_BASE_URL: ZERNIO_MOCK_BASE_URL,
  ZERNIO_RETRY_MIN_DELAY_MS: "5",
  POST_POLL_MIN_MS: "20",
  POST_POLL_MAX_MS: "80",
};

describe.each(testBackends())("OpenTelemetry (%s)", (backend) => {
  let server: TestServer;
  let otel: Awaited<ReturnType<typeof installTestTelemetry>>;
  beforeAll(async () => {
    otel = await installTestTelemetry();
    server = await startTestServer(backend, ENV);
    await giveMockAccounts(server, zernio, "otel-poster");
  });
  afterAll(async () => {
    await server?.close();
    await otel?.uninstall();
    openai.reset();
    zernio.reset();
  });

  const until = async (id: string, statuses: string[]) =>
    waitFor(
      async () => {
        const row = await server.client("otel").media.byId.query({ id });
        return statuses.includes(row.status) ? row : undefined;
      },
      20_000,
      `asset ${id} ${statuses.join("|")}`,
    );

  it("counts a generation, a failure and a post with their attributes", async () => {
    const client = server.client("otel");
    const ok = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A gym bag, morning light",
    });
    await until(ok.asset.id, ["succeeded"]);
    // Three 500s: the create's three attempts fail, the generation ends PROVIDER_UNAVAILABLE.
    openai.failNext("images.generate", fault("500"), fault("500"), fault("500"));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const bad = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A gym bag at night",
    });
    const failed = await until(bad.asset.id, ["failed"]);
    errors.mockRestore();
    expect(failed.error?.code).toBe("PROVIDER_UNAVAILABLE");

    const poster = server.client("otel-poster");
    const video = await makeAsset(server, "otel-poster", { type: "video" });
    const post = await poster.social.schedule.mutate({
      assetId: video.id,
      targets: [
        { accountId: "acc_tiktok_1", platform: "tiktok" },
        { accountId: "acc_youtube_1", platform: "youtube" },
      ],
      captions: { tiktok: { text: "Gym bag" }, youtube: { text: "Desc", title: "Title" } },
      tiktok: { allowComment: true, allowDuet: false, allowStitch: true, consent: true },
      publishNow: true,
      idempotencyKey: `otel-post-${backend}`,
    });
    await waitFor(
      async () => {
        const rows = await poster.social.posts.query({});
        return rows.find((p) => p.id === post.id && p.status === "published");
      },
      20_000,
      "post published",
    );

    const points = await otel.collect();
    const model = { "gen_ai.request.model": "gpt-image-2", "gen_ai.provider.name": "openai" };
    expect(total(points, METRIC.generations, { ...model, status: "succeeded" })).toBe(1);
    expect(
      total(points, METRIC.generations, {
        ...model,
        status: "failed",
        "error.type": "PROVIDER_UNAVAILABLE",
      }),
    ).toBe(1);
    const create = {
      "streamline.provider": "openai",
      "streamline.api": "openai-images",
      "streamline.call.kind": "create",
    };
    // 1 accepted create + 3 refused attempts, each with its outcome.
    expect(total(points, METRIC.providerAttempts, { ...create, outcome: "ok" })).toBe(1);
    expect(
      total(points, METRIC.providerAttempts, { ...create, outcome: "PROVIDER_UNAVAILABLE" }),
    ).toBe(3);
    expect(total(points, METRIC.providerCallDuration, { ...create, outcome: "ok" })).toBe(1);
    expect(
      total(points, METRIC.providerCallDuration, { ...create, outcome: "PROVIDER_UNAVAILABLE" }),
    ).toBe(1);
    expect(total(points, METRIC.posts, { platform: "tiktok", outcome: "published" })).toBe(1);
    expect(total(points, METRIC.posts, { platform: "youtube", outcome: "published" })).toBe(1);
    // Queue waits: two generation jobs and the post's job(s), per queue.
    expect(
      total(points, METRIC.queueWait, { "messaging.destination.name": "media-generate" }),
    ).toBe(2);
    expect(
      total(points, METRIC.queueWait, { "messaging.destination.name": "social-post" }),
    ).toBeGreaterThanOrEqual(1);
    // Per procedure and per HTTP route (semantic-convention names).
    expect(
      total(points, METRIC.rpcDuration, {
        "rpc.method": "media.generate",
        "rpc.response.status_code": "OK",
      }),
    ).toBe(2);
    expect(
      total(points, METRIC.httpDuration, { "http.route": "/trpc", "http.request.method": "POST" }),
    ).toBeGreaterThanOrEqual(3);
    // Observable gauges, read from pg-boss and the database at collection.
    const depth = points.filter((p) => p.name === METRIC.queueDepth);
    expect(depth.map((p) => p.attributes["messaging.destination.name"])).toEqual(
      expect.arrayContaining(["media-generate", "social-post"]),
    );
    const spend = points.find(
      (p) => p.name === METRIC.spendToday && p.attributes.kind === "generation",
    );
    expect(spend?.value).toBeGreaterThan(0); // one GPT Image charged
    expect(points.some((p) => p.name === METRIC.sseStreams)).toBe(true);
  });

  it("follows one generation in one trace: tRPC → job → provider call → storage → event", async () => {
    const client = server.client("otel");
    const { asset } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A traced gym bag",
    });
    await until(asset.id, ["succeeded"]);
    const spans = otel.spans();
    const job = spans.find(
      (s) =>
        s.name === "media-generate process" && s.attributes["streamline.asset.id"] === asset.id,
    );
    expect(job).toBeDefined();
    const traceId = job?.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    const names = inTrace.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "POST /trpc",
        "trpc media.generate",
        "media-generate process",
        "provider.create",
        "media.store",
        "media.event",
      ]),
    );
    const byId = new Map(inTrace.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (name: string) => {
      const span = inTrace.find((s) => s.name === name);
      return span?.parentSpanContext ? byId.get(span.parentSpanContext.spanId)?.name : undefined;
    };
    expect(parentOf("trpc media.generate")).toBe("POST /trpc");
    expect(parentOf("media-generate process")).toBe("trpc media.generate");
    expect(parentOf("provider.create")).toBe("media-generate process");
    expect(parentOf("media.store")).toBe("media-generate process");
    const create = inTrace.find((s) => s.name === "provider.create");
    expect(create?.attributes).toMatchObject({
      "streamline.api": "openai-images",
      "streamline.provider.attempts": 1,
    });
  });
});

describe("Prometheus endpoint", () => {
  it("serves the metric names on its own port, not on the API's", async () => {
    const server = await startTestServer("pglite", {
      ...ENV,
      METRICS_EXPORTER: "prometheus",
      METRICS_PORT: "0",
    });
    try {
      const url = server.runtime.telemetry?.prometheusUrl;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const { asset } = await server.client("prom").media.generate.mutate({
        type: "image",
        model: "gpt-image-2",
        prompt: "A scraped gym bag",
      });
      await waitFor(
        async () => {
          const row = await server.client("prom").media.byId.query({ id: asset.id });
          return row.status === "succeeded" ? row : undefined;
        },
        20_000,
        "succeeded",
      );
      const text = await (await fetch(url as string)).text();
      for (const name of [
        "streamline_generations_total",
        "streamline_provider_call_attempts_total",
        "streamline_provider_call_duration_bucket",
        "streamline_queue_depth",
        "streamline_queue_wait_bucket",
        "streamline_spend_today",
        "streamline_sse_streams_open",
        "http_server_request_duration_bucket",
        "rpc_server_call_duration_bucket",
      ]) {
        expect(text, name).toContain(name);
      }
      expect(text).toMatch(/streamline_generations_total\{[^}]*status="succeeded"[^}]*\} 1/);
      // Not on the public port.
      expect((await fetch(`${server.url}/metrics`)).headers.get("content-type")).not.toMatch(
        /text\/plain; version/,
      );
    } finally {
      await server.close();
    }
  });
});
