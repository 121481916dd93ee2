// Fault soak: the provider fakes fail 30% of ALL calls — create, status poll and download of every
// API shape (GPT Image, Sora, Gemini image, Omni, Veo) — with 429 (retry-after), 500, 503, a
// connection reset or a hang, while generations run through the whole stack. Every asset ends
// terminal within its deadline with an error code on every failed row; no call is tried more than
// 3 times in a row; no asset gets a second accepted create; nothing rejects unhandled.
// (100 generations per backend: 20 per API shape.)

import { createMediaClient } from "@streamline/client";
import { testBackends } from "@streamline/db/testing";
import {
  createGoogleMock,
  createOpenAIMock,
  fault,
  type MockFaultName,
} from "@streamline/fakes/providers";
import { METRIC } from "@streamline/telemetry";
import { installTestTelemetry, total } from "@streamline/telemetry/testing";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/harness";
import {
  captureOutput,
  recordFigures,
  recordingFetch,
  SENTINEL,
  secretsIn,
  sleep,
} from "./helpers";

const RATE = 0.3;
const PER_SHAPE = 20;
const FAULTS: MockFaultName[] = ["429", "500", "503", "reset", "hang"];
const TERMINAL = ["succeeded", "failed", "canceled"];

const openai = createOpenAIMock({ apiKey: SENTINEL.openai, videoPollsToComplete: 3 });
const google = createGoogleMock({ apiKey: SENTINEL.gemini, videoPollsToComplete: 3 });
const providerApis = setupServer(...openai.handlers, ...google.handlers);
const timeline: { key: string; at: number }[] = [];
beforeAll(() => {
  providerApis.listen({ onUnhandledFrame: "bypass" });
  providerApis.events.on("request:start", ({ request }) => {
    const url = new URL(request.url);
    // Provider calls only (the test's own tRPC calls to the server pass here too, bypassed).
    if (url.hostname === "127.0.0.1" || url.hostname === "localhost") return;
    timeline.push({ key: `${request.method} ${url.pathname}${url.search}`, at: Date.now() });
  });
});
afterAll(() => {
  providerApis.events.removeAllListeners();
  providerApis.close();
});

const OPENAI_ROUTES = [
  "images.generate",
  "videos.create",
  "videos.retrieve",
  "videos.content",
] as const;
const GOOGLE_ROUTES = [
  "generateContent",
  "interactions.create",
  "interactions.get",
  "predictLongRunning",
  "operations.get",
  "files.download",
] as const;
const CREATE_ROUTES = new Set([
  "images.generate",
  "videos.create",
  "generateContent",
  "interactions.create",
  "predictLongRunning",
]);

/** The planned answer of every request per route, in order: a fault name 30% of the time. */
const plan = new Map<string, (MockFaultName | null)[]>();
// mulberry32: a seeded stream, so every run injects the same faults in the same order.
let seed = 20261201;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
function planFaults(n: number) {
  for (const route of [...OPENAI_ROUTES, ...GOOGLE_ROUTES]) {
    const entries = Array.from({ length: n }, () =>
      random() < RATE ? (FAULTS[Math.floor(random() * FAULTS.length)] as MockFaultName) : null,
    );
    plan.set(route, [...(plan.get(route) ?? []), ...entries]);
    // An `undefined` entry in a mock's queue is "answer normally"; the rest are the faults.
    const failures = entries.map((f) => (f ? fault(f, { retryAfterSeconds: 0.05 }) : undefined));
    const mock = (OPENAI_ROUTES as readonly string[]).includes(route) ? openai : google;
    (mock.failNext as (route: string, ...f: unknown[]) => void)(route, ...failures);
  }
}

describe.each(testBackends())("fault soak (%s)", (backend) => {
  let server: TestServer;
  const output = captureOutput();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  // The metrics this server records, read in memory (the same SDK as the exporters).
  let otel: Awaited<ReturnType<typeof installTestTelemetry>>;

  beforeAll(async () => {
    otel = await installTestTelemetry();
    process.on("unhandledRejection", onUnhandled);
    timeline.length = 0;
    openai.reset();
    google.reset();
    plan.clear();
    planFaults(3_000);
    server = await startTestServer(backend, {
      OPENAI_API_KEY: SENTINEL.openai,
      GEMINI_API_KEY: SENTINEL.gemini,
      MEDIA_ENABLE_MODELS: "sora-2,veo-3.1-fast-generate-001",
      MEDIA_MAX_CONCURRENT_PER_USER: "100",
      MEDIA_DAILY_SPEND_USD: "100000",
      PROVIDER_CREATE_TIMEOUT_SECONDS_IMAGE: "0.5",
      PROVIDER_CREATE_TIMEOUT_SECONDS_VIDEO: "0.5",
      PROVIDER_STATUS_TIMEOUT_SECONDS: "0.25",
      PROVIDER_DOWNLOAD_IDLE_SECONDS: "0.25",
      PROVIDER_RETRY_MIN_DELAY_MS: "5",
      MEDIA_POLL_MIN_MS: "800",
      MEDIA_POLL_MAX_MS: "800",
      MEDIA_IMAGE_TIMEOUT_SECONDS: "20",
      MEDIA_VIDEO_TIMEOUT_SECONDS: "25",
      WORKER_CONCURRENCY: "16",
    });
  });
  afterAll(async () => {
    await server?.close();
    await otel?.uninstall();
    process.off("unhandledRejection", onUnhandled);
    output.stop();
  });

  it("ends every asset terminal, ≤ 3 attempts per call, one accepted create per asset", async () => {
    const recorder = recordingFetch();
    const client = createMediaClient({
      url: server.url,
      headers: { "x-streamline-user": `faults-${backend}` },
      fetch: recorder.fetch,
    });
    const shapes = [
      { name: "GPT Image", input: { type: "image", model: "gpt-image-2" } },
      { name: "Sora", input: { type: "video", model: "sora-2", options: { seconds: 4 } } },
      { name: "Gemini image", input: { type: "image", model: "gemini-3.1-flash-image" } },
      { name: "Omni", input: { type: "video", model: "gemini-omni-1.1-flash" } },
      { name: "Veo", input: { type: "video", model: "veo-3.1-fast-generate-001" } },
    ] as const;
    const started = Date.now();
    const submitted: { id: string; shape: string; prompt: string }[] = [];
    for (let i = 0; i < PER_SHAPE; i++) {
      for (const shape of shapes) {
        const prompt = `Fault soak ${shape.name} #${i}.`;
        const { asset } = await client.media.generate.mutate({
          ...shape.input,
          prompt,
        } as Parameters<typeof client.media.generate.mutate>[0]);
        submitted.push({ id: asset.id, shape: shape.name, prompt });
      }
    }
    const deadline = Date.now() + 90_000;
    let rows: Awaited<ReturnType<typeof client.media.byId.query>>[] = [];
    while (Date.now() < deadline) {
      rows = await Promise.all(submitted.map((s) => client.media.byId.query({ id: s.id })));
      if (rows.every((r) => TERMINAL.includes(r.status))) break;
      await sleep(500);
    }
    const wallSeconds = (Date.now() - started) / 1000;
    // Each within its deadline (20 s images, 25 s videos; a second of slack for the last write).
    const overDeadline = rows.filter((r) => {
      const took =
        (r.completedAt ? Date.parse(r.completedAt) : Date.now()) - Date.parse(r.createdAt);
      return took > (r.type === "video" ? 25_000 : 20_000) + 1_000;
    });

    // Attempts per call: requests on the same URL closer together than the poll interval are one
    // call's attempts (retries wait ≤ 40 ms or retry-after, or a 0.25 s timeout; polls 0.8 s).
    const byKey = new Map<string, number[]>();
    for (const t of timeline) byKey.set(t.key, [...(byKey.get(t.key) ?? []), t.at]);
    let maxChain = 0;
    for (const [key, times] of byKey) {
      if (key.startsWith("POST")) continue; // creates: counted per prompt below
      let chain = 1;
      for (let i = 1; i < times.length; i++) {
        chain = (times[i] as number) - (times[i - 1] as number) < 500 ? chain + 1 : 1;
        maxChain = Math.max(maxChain, chain);
      }
    }
    // Creates per asset (by prompt), and how many of them the fake accepted (planned no fault).
    const creates = new Map<string, { sent: number; accepted: number }>();
    for (const route of CREATE_ROUTES) {
      const mock = (OPENAI_ROUTES as readonly string[]).includes(route) ? openai : google;
      const planned = plan.get(route) ?? [];
      (mock.requestsTo as (r: string) => { json?: unknown }[])(route).forEach((r, i) => {
        const json = r.json as
          | {
              prompt?: string;
              contents?: { parts?: { text?: string }[] }[];
              input?: unknown;
              instances?: { prompt?: string }[];
            }
          | undefined;
        const text = JSON.stringify(json ?? {});
        const match = submitted.find((s) => text.includes(s.prompt));
        if (!match) return;
        const entry = creates.get(match.id) ?? { sent: 0, accepted: 0 };
        entry.sent++;
        if (!planned[i]) entry.accepted++;
        creates.set(match.id, entry);
      });
    }
    const maxCreatesSent = Math.max(0, ...[...creates.values()].map((c) => c.sent));
    const secondCreates = [...creates.values()].filter((c) => c.accepted > 1).length;
    const failed = rows.filter((r) => r.status === "failed");
    const bodies = await recorder.texts();
    // The metrics agree with the database and the fakes: terminal generations per status and per
    // error code, and one provider attempt counted per request the fakes saw.
    const points = await otel.collect();
    const counted = (where: Record<string, unknown>) => total(points, METRIC.generations, where);
    const metricsDisagree = [
      ...TERMINAL.map((status) => ({
        what: status,
        metric: counted({ status }),
        db: rows.filter((r) => r.status === status).length,
      })),
      ...[...new Set(failed.map((r) => r.error?.code))].map((code) => ({
        what: `failed ${code}`,
        metric: counted({ status: "failed", "error.type": code }),
        db: failed.filter((r) => r.error?.code === code).length,
      })),
    ].filter((m) => m.metric !== m.db);
    // An attempt the deadline cut off ("aborted") may have been stopped before its request left.
    const attempts = total(points, METRIC.providerAttempts);
    const cutOff = total(points, METRIC.providerAttempts, { outcome: "aborted" });
    if (timeline.length > attempts || timeline.length < attempts - cutOff) {
      metricsDisagree.push({
        what: `provider attempts (${cutOff} cut off)`,
        metric: attempts,
        db: timeline.length,
      });
    }
    const figures = {
      backend,
      assets: rows.length,
      succeeded: rows.filter((r) => r.status === "succeeded").length,
      failed: failed.length,
      failedCodes: Object.fromEntries(
        [...new Set(failed.map((r) => r.error?.code))].map((c) => [
          c,
          failed.filter((r) => r.error?.code === c).length,
        ]),
      ),
      notTerminal: rows.filter((r) => !TERMINAL.includes(r.status)).length,
      overDeadline: overDeadline.length,
      slowestSeconds: Math.max(
        ...rows.map(
          (r) =>
            ((r.completedAt ? Date.parse(r.completedAt) : Date.now()) - Date.parse(r.createdAt)) /
            1000,
        ),
      ),
      providerCalls: timeline.length,
      faultsInjected: [...plan.entries()].reduce((a, [route, entries]) => {
        const used = (
          (OPENAI_ROUTES as readonly string[]).includes(route) ? openai : google
        ).requests.filter((r) => r.route === route).length;
        return a + entries.slice(0, used).filter(Boolean).length;
      }, 0),
      maxAttemptsPerCall: maxChain,
      maxCreatesSentPerAsset: maxCreatesSent,
      assetsWithASecondAcceptedCreate: secondCreates,
      unhandledRejections: unhandled.length,
      providerAttemptsCounted: attempts,
      providerAttemptsCutOff: cutOff,
      metricsDisagree,
      wallSeconds: Math.round(wallSeconds),
      secretsInResponses: bodies.filter((b) => secretsIn(b).length).length,
      secretsInLogs: secretsIn(output.text()).length,
    };
    recordFigures(`faults-${backend}`, figures);

    expect(figures.notTerminal).toBe(0);
    expect(figures.overDeadline).toBe(0);
    expect(metricsDisagree).toEqual([]);
    for (const r of failed) expect(r.error?.code, r.id).toBeTruthy();
    expect(maxChain).toBeLessThanOrEqual(3);
    expect(maxCreatesSent).toBeLessThanOrEqual(3);
    expect(secondCreates).toBe(0);
    expect(unhandled).toEqual([]);
    expect(figures.faultsInjected).toBeGreaterThan(figures.providerCalls * 0.2);
    expect(figures.secretsInResponses).toBe(0);
    expect(figures.secretsInLogs).toBe(0);
    // Lost create answers (reset or hang on a create) fail the asset, never re-sent; the rest succeed.
    expect(figures.succeeded).toBeGreaterThan(rows.length * 0.6);
  }, 300_000);
});
