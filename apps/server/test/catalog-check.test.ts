// The start-up catalog check (issue 21, item 4) in a real API server process: OpenAI's model list
// (GET /v1/models on the fake, over loopback) announces shutdown dates the catalog lacks or differs
// from — for a built-in model and for one MEDIA_CATALOG_FILE added — and the process writes one
// structured warning for each, naming the model, both dates and what to do, without the key. A list
// that never answers holds neither start-up nor readiness back, nor the shutdown.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createOpenAIMock,
  OPENAI_MOCK_MODELS,
  type OpenAIMock,
  startMockProviderServer,
} from "@streamline/fakes/providers";
import type { RequestHandler } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildRun, startProcess, stopProcess, waitFor } from "./processes";

const KEY = "sk-proj-CATALOGCHECK0sentinel0a1b2c3d4e5f6";
const CATALOG_YAML = `models:
  - id: gpt-image-3
    label: GPT Image 3
    provider: openai
    type: image
    api: openai-images
    lifecycle: { stage: ga, shutdownOn: 2027-06-01, source: operator }
    referenceImage: true
    options:
      size: { label: Size, values: [1024x1024], default: 1024x1024 }
    pricing: { unit: image, usd: 0.08, source: operator }
    typicalSeconds: 25
`;

type Line = { level: string; msg: string; [field: string]: unknown };
const linesOf = (output: string): Line[] =>
  output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);

describe("the catalog check at server start", () => {
  const handlers: RequestHandler[] = [];
  let providers: Awaited<ReturnType<typeof startMockProviderServer>>;
  let dir: string;
  let run: ChildRun | undefined;

  const useOpenAI = (options: Parameters<typeof createOpenAIMock>[0]): OpenAIMock => {
    const mock = createOpenAIMock({ baseURL: `${providers.url}/v1`, apiKey: KEY, ...options });
    handlers.splice(0, handlers.length, ...mock.handlers);
    return mock;
  };
  const start = (name: string, env: Record<string, string> = {}) =>
    startProcess(
      "main",
      {
        NODE_ENV: "test",
        LOG_FORMAT: "json",
        LOG_LEVEL: "info",
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_URL: "",
        PGLITE_DATA_DIR: path.join(dir, `pglite-${name}`),
        MEDIA_DIR: path.join(dir, "media"),
        WEB_DIST_DIR: path.join(dir, "no-build"),
        MEDIA_DEMO: "0",
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: `${providers.url}/v1`,
        GEMINI_API_KEY: "",
        MEDIA_CATALOG_FILE: path.join(dir, "catalog.yaml"),
        MEDIA_CATALOG_CHECK: "",
        WORKER_IN_PROCESS: "0",
        SHUTDOWN_GRACE_SECONDS: "1",
        ...env,
      },
      /API on (http:\/\/[^\s"]+)/,
      120_000,
    );

  beforeAll(async () => {
    providers = await startMockProviderServer(handlers);
    dir = await mkdtemp(path.join(tmpdir(), "streamline-catalog-check-"));
    await writeFile(path.join(dir, "catalog.yaml"), CATALOG_YAML);
  });
  afterAll(async () => {
    await stopProcess(run, "SIGKILL");
    await providers?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("warns about each model whose shutdown date OpenAI announces and the catalog does not have", async () => {
    const openai = useOpenAI({
      models: [...OPENAI_MOCK_MODELS, "gpt-image-3"],
      shutdownDates: {
        "gpt-image-2": "2027-03-01", // built in, no date in the catalog
        "gpt-image-3": "2027-02-01", // the operator's file says 2027-06-01
        "gpt-4o": "2027-01-14", // the catalog's own date: nothing to say
      },
    });
    run = await start("dates");
    const current = run;
    const warnings = () =>
      linesOf(current.output()).filter((l) => l.level === "warn" && l.check === "catalog");
    await waitFor(() => warnings().length >= 2, 30_000);
    expect(openai.requestsTo("models.list")).toEqual([
      expect.objectContaining({ method: "GET", path: "/models", authorized: true }),
    ]);
    expect(warnings()).toEqual([
      expect.objectContaining({
        model: "gpt-image-2",
        kind: "shutdown-date",
        openaiShutdownDate: "2027-03-01",
        catalog: "built-in",
        action: expect.stringMatching(/^Upgrade Streamline AI Studio/),
        msg: expect.stringMatching(
          /^\[catalog\] OpenAI shuts gpt-image-2 down on 2027-03-01; the built-in catalog has no shutdown date for it\./,
        ),
      }),
      expect.objectContaining({
        model: "gpt-image-3",
        openaiShutdownDate: "2027-02-01",
        catalogShutdownDate: "2027-06-01",
        catalog: "MEDIA_CATALOG_FILE",
        msg: expect.stringMatching(
          /MEDIA_CATALOG_FILE says 2027-06-01\. Set lifecycle\.shutdownOn: 2027-02-01 .* for gpt-image-3 in MEDIA_CATALOG_FILE\./,
        ),
      }),
    ]);
    expect(current.output()).not.toContain(KEY.slice(3, -3));
    await stopProcess(current);
    expect(current.child.exitCode).toBe(0);
  }, 150_000);

  it("a model list that never answers holds neither start-up, readiness nor shutdown back", async () => {
    const openai = useOpenAI({ shutdownDates: { "gpt-image-2": "2027-03-01" } });
    openai.failNext("models.list", { hang: true });
    // Ten minutes per attempt: a check that start-up waited for would never let it finish.
    run = await start("hang", { PROVIDER_STATUS_TIMEOUT_SECONDS: "600" });
    const current = run;
    await waitFor(() => openai.requestsTo("models.list").length === 1, 30_000);
    const ready = await fetch(`${current.url}/readyz`);
    expect(ready.status).toBe(200);
    await stopProcess(current);
    expect(current.child.exitCode).toBe(0);
    expect(linesOf(current.output()).filter((l) => l.check === "catalog")).toEqual([]);
  }, 150_000);
});
