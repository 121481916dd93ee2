// MEDIA_CATALOG_FILE (issue 21, item 4): a YAML file adds a model of an API shape the product
// speaks; media.models lists it and it generates against the fake provider. A malformed file stops
// start-up with one line per problem.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createOpenAIMock,
  OPENAI_MOCK_API_KEY,
  OPENAI_MOCK_MODELS,
} from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";
import { startProcess, waitFor } from "./processes";

const openai = createOpenAIMock({ models: [...OPENAI_MOCK_MODELS, "gpt-image-3"] });
const apis = setupServer(...openai.handlers);
beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());

const CATALOG_YAML = `# Added by the operator the day it shipped.
models:
  - id: gpt-image-3
    label: GPT Image 3
    provider: openai
    type: image
    api: openai-images
    lifecycle: { stage: preview, source: "platform.openai.com/docs/models (read 2026-12-07)" }
    referenceImage: true
    options:
      size: { label: Size, values: [1024x1024, 1536x1024], default: 1024x1024 }
    pricing: { unit: image, usd: 0.08, source: "openai.com/api/pricing (read 2026-12-07)" }
    typicalSeconds: 25
captionModels:
  - id: gpt-5.9-mini
    label: GPT-5.9 mini
    provider: openai
    api: openai-responses
    lifecycle: { stage: ga, source: operator }
    videoInput: false
    pricing: { inputUsdPerMillion: 0.3, outputUsdPerMillion: 2.4, source: operator }
`;

describe("MEDIA_CATALOG_FILE", () => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "streamline-catalog-"));
    await writeFile(path.join(dir, "catalog.yaml"), CATALOG_YAML);
    server = await startTestServer("pglite", {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      GEMINI_API_KEY: "",
      MEDIA_CATALOG_FILE: path.join(dir, "catalog.yaml"),
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("adds a model the typed client sees and that generates against the provider", async () => {
    const client = server.client("catalog-user");
    const models = await client.media.models.query();
    const added = models.find((m) => m.id === "gpt-image-3");
    expect(added).toMatchObject({
      label: "GPT Image 3",
      provider: "openai",
      type: "image",
      pricing: { unit: "image", usd: 0.08 },
      lifecycle: { stage: "preview" },
    });
    const { asset } = await client.media.generate.mutate({
      type: "image",
      model: "gpt-image-3",
      prompt: "A model added by configuration",
      options: { size: "1536x1024" },
    });
    await waitFor(
      async () => (await client.media.byId.query({ id: asset.id })).status === "succeeded",
      20_000,
    );
    const done = await client.media.byId.query({ id: asset.id });
    expect(done).toMatchObject({ status: "succeeded", model: "gpt-image-3", width: 1536 });
    const sent = openai.requestsTo("images.generate").at(-1);
    expect(sent?.json ?? sent?.fields).toMatchObject({ model: "gpt-image-3", size: "1536x1024" });
    // An option the file does not offer is refused like any catalog model's.
    await expect(
      client.media.generate.mutate({
        type: "image",
        model: "gpt-image-3",
        prompt: "x",
        options: { size: "4096x4096" },
      }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
  }, 60_000);

  it("a malformed file stops start-up with one line per problem", async () => {
    const bad = path.join(dir, "bad.json");
    await writeFile(
      bad,
      JSON.stringify({
        models: [
          { id: "veo-9", api: "veo-predict-long-running", provider: "google" },
          {
            id: "veo-10",
            label: "Veo 10",
            provider: "openai",
            type: "video",
            api: "veo-predict-long-running",
            lifecycle: { stage: "ga", source: "operator" },
            referenceImage: false,
            options: {},
            pricing: { unit: "second", usd: 0.5, source: "operator" },
            typicalSeconds: 90,
          },
        ],
      }),
    );
    const started = startProcess(
      "main",
      {
        NODE_ENV: "test",
        PORT: "0",
        OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
        PGLITE_DATA_DIR: path.join(dir, "pglite"),
        MEDIA_CATALOG_FILE: bad,
      },
      /Streamline AI Studio API on/,
    );
    const error = await started.then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error).toMatch(/exited with 1/);
    expect(error).toMatch(/MEDIA_CATALOG_FILE .*bad\.json has \d+ problems:/);
    expect(error).toMatch(
      /\n {2}models\[1\]\.provider: the veo-predict-long-running API is google's/,
    );
    expect(error).toMatch(/\n {2}models\[0\]\.label: /);
  }, 60_000);
});
