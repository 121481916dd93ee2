// Provider economy: how many calls one generation costs us at the provider, through the whole stack
// (API → queue → worker → SDK) against the msw fakes served over loopback. Each fake video job
// finishes after as many status polls as our backoff schedule (2 s, ×1.5, capped at 10 s; the first
// poll waits one interval) takes to reach the model's typical render time; the schedule runs 100×
// faster here (20 ms → 100 ms). Baseline: polling at a fixed 2 s, what a naive client does.
import { createMediaClient } from "@streamline/client";
import {
  createGoogleMock,
  createOpenAIMock,
  startMockProviderServer,
} from "@streamline/fakes/providers";
import type { RequestHandler } from "msw";
import { startProduct } from "./lib/child";
import type { Section } from "./lib/results";
import { fmt, sleep } from "./lib/stats";

const OPENAI_KEY = "sk-bench-fake-provider-key";
const GEMINI_KEY = "AIza-bench-fake-provider-key";
const SCALE = 100;

/** Poll times (seconds after the create) of the production schedule, until `seconds` is covered. */
export function pollSchedule(seconds: number, min = 2, max = 10, factor = 1.5): number[] {
  const at: number[] = [];
  let t = 0;
  let interval = min;
  while (t < seconds) {
    t += interval;
    at.push(t);
    interval = Math.min(max, interval * factor);
  }
  return at;
}

type Case = {
  name: string;
  model: string;
  options: Record<string, string | number>;
  typicalSeconds: number;
  provider: "openai" | "google";
  routes: { create: string; poll: string; download: string };
  downloadsPerOutput: string;
};

const CASES: Case[] = [
  {
    name: "Sora 2, 12 s clip",
    model: "sora-2",
    options: { seconds: 12 },
    typicalSeconds: 120,
    provider: "openai",
    routes: { create: "videos.create", poll: "videos.retrieve", download: "videos.content" },
    downloadsPerOutput: "video + its thumbnail",
  },
  {
    name: "Veo 3.1 Fast, 8 s",
    model: "veo-3.1-fast-generate-001",
    options: { durationSeconds: 8 },
    typicalSeconds: 60,
    provider: "google",
    routes: { create: "predictLongRunning", poll: "operations.get", download: "files.download" },
    downloadsPerOutput: "video",
  },
  {
    name: "Gemini Omni 1.1 Flash, 8 s",
    model: "gemini-omni-1.1-flash",
    options: { durationSeconds: 8 },
    typicalSeconds: 90,
    provider: "google",
    routes: { create: "interactions.create", poll: "interactions.get", download: "files.download" },
    downloadsPerOutput: "video",
  },
];

export async function economyBench(out: Section): Promise<void> {
  const handlers: RequestHandler[] = [];
  const providerServer = await startMockProviderServer(handlers);
  const server = await startProduct("pglite", {
    OPENAI_BASE_URL: `${providerServer.url}/v1`,
    GEMINI_BASE_URL: providerServer.url,
    MEDIA_ENABLE_MODELS: "sora-2,veo-3.1-fast-generate-001",
    MEDIA_POLL_MIN_MS: String(2000 / SCALE),
    MEDIA_POLL_MAX_MS: String(10_000 / SCALE),
  });
  const rows: string[][] = [];
  try {
    const [{ key }] = (await server.call<{ key: string }[]>("keys", {
      users: ["economy"],
    })) as [{ key: string }];
    const client = createMediaClient({ url: server.url, apiKey: key });
    for (const c of CASES) {
      const schedule = pollSchedule(c.typicalSeconds);
      const polls = schedule.length;
      handlers.length = 0;
      const mock =
        c.provider === "openai"
          ? createOpenAIMock({
              baseURL: `${providerServer.url}/v1`,
              apiKey: OPENAI_KEY,
              videoPollsToComplete: polls,
            })
          : createGoogleMock({
              baseURL: providerServer.url,
              apiKey: GEMINI_KEY,
              videoPollsToComplete: polls,
            });
      handlers.push(...mock.handlers);
      const count = (route: string) => (mock.requestsTo as (r: string) => unknown[])(route).length;
      const { asset } = await client.media.generate.mutate({
        type: "video",
        model: c.model,
        prompt: `Economy: ${c.name}`,
        options: c.options,
      } as Parameters<typeof client.media.generate.mutate>[0]);
      let status = asset.status;
      const deadline = Date.now() + 60_000;
      while (!["succeeded", "failed", "canceled"].includes(status) && Date.now() < deadline) {
        await sleep(50);
        status = (await client.media.byId.query({ id: asset.id })).status;
      }
      const creates = count(c.routes.create);
      const seen = count(c.routes.poll);
      const downloads = count(c.routes.download);
      const total = mock.requests.length;
      const fixed = Math.ceil(c.typicalSeconds / 2);
      rows.push([
        c.name,
        status,
        String(creates),
        `${seen} (schedule: ${polls}, at ${schedule.map((s) => fmt(s, 0)).join(", ")} s)`,
        `${downloads} (${c.downloadsPerOutput})`,
        String(total),
        `${fixed} → ${fmt(fixed / Math.max(1, seen), 1)}× more polls`,
        `${fmt((schedule.at(-1) ?? 0) - c.typicalSeconds, 1)} s`,
      ]);
    }
  } finally {
    await server.stop();
    await providerServer.close();
  }
  out.line(
    "Through the whole stack against the msw fakes (loopback), schedule scaled 100× (2 s → 20 ms). A fake job finishes at the model's typical render time; every call the fake saw is counted (SDK retries are off, so a retry would show).",
  );
  out.line();
  out.table(
    [
      "generation",
      "status",
      "creates",
      "status polls",
      "downloads",
      "all provider calls",
      "fixed 2 s polling (baseline)",
      "worst-case detection lag",
    ],
    rows,
  );
}
