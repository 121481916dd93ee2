// render.yaml carries what a production install needs (issue 21, item 6), and every variable
// env.ts reads is either in the blueprint or documented in .env.example (with its default).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

type EnvVar = { key?: string; fromGroup?: string };
type Blueprint = {
  envVarGroups: { name: string; envVars: EnvVar[] }[];
  services: {
    type: string;
    name: string;
    startCommand: string;
    healthCheckPath?: string;
    maxShutdownDelaySeconds?: number;
    envVars: EnvVar[];
  }[];
};

const blueprint = parse(read("render.yaml")) as Blueprint;
const keysOf = (service: Blueprint["services"][number]) =>
  new Set(
    service.envVars.flatMap((v) =>
      v.fromGroup
        ? (blueprint.envVarGroups.find((g) => g.name === v.fromGroup)?.envVars ?? []).map(
            (g) => g.key as string,
          )
        : [v.key as string],
    ),
  );
const web = blueprint.services.find((s) => s.type === "web");
const worker = blueprint.services.find((s) => s.type === "worker");

describe("render.yaml", () => {
  it("gives the web service and the worker what production needs", () => {
    expect(web && worker).toBeTruthy();
    const both = [
      "NODE_ENV",
      "DATABASE_URL",
      "BETTER_AUTH_SECRET",
      "OPENAI_API_KEY",
      "GEMINI_API_KEY",
      "S3_BUCKET",
      "S3_REGION",
      "S3_ENDPOINT",
      "S3_ACCESS_KEY_ID",
      "S3_SECRET_ACCESS_KEY",
      "ZERNIO_API_KEY",
      "MEDIA_PUBLIC_BASE_URL",
      "CAPTION_MODEL",
      "CAPTION_MODEL_PRICES",
      "SHUTDOWN_GRACE_SECONDS",
      "OTEL_EXPORTER_OTLP_ENDPOINT",
      "METRICS_EXPORTER",
      "TRACES_EXPORTER",
      "OTEL_SERVICE_NAME",
    ];
    for (const service of [web, worker]) {
      const keys = keysOf(service as NonNullable<typeof web>);
      expect(both.filter((k) => !keys.has(k))).toEqual([]);
    }
    const webKeys = keysOf(web as NonNullable<typeof web>);
    for (const key of ["APP_ORIGIN", "TRUST_PROXY", "ZERNIO_WEBHOOK_SECRET", "WORKER_IN_PROCESS"])
      expect(webKeys.has(key)).toBe(true);
    expect(web?.healthCheckPath).toBe("/readyz");
    expect(worker?.startCommand).toBe("pnpm start:worker");
    // The grace period ends before the platform's own kill.
    const shared = blueprint.envVarGroups[0]?.envVars as { key?: string; value?: string }[];
    const grace = Number(shared.find((v) => v.key === "SHUTDOWN_GRACE_SECONDS")?.value);
    for (const service of [web, worker])
      expect(grace + 10).toBeLessThanOrEqual(service?.maxShutdownDelaySeconds ?? 30);
  });

  it("every variable env.ts reads is in the blueprint or documented in .env.example", () => {
    const read_ = [...read("apps/server/src/env.ts").matchAll(/^ {6}([A-Z][A-Z0-9_]+):/gm)].map(
      (m) => m[1] as string,
    );
    expect(read_.length).toBeGreaterThan(60);
    const inBlueprint = new Set([...keysOf(web as never), ...keysOf(worker as never)]);
    const documented = new Set(
      [...read(".env.example").matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]),
    );
    expect(read_.filter((k) => !inBlueprint.has(k) && !documented.has(k))).toEqual([]);
  });
});
