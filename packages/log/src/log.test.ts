import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  acceptRequestId,
  clearSecrets,
  configureLogging,
  currentContext,
  logFormatFrom,
  logger,
  logLevelFrom,
  newRequestId,
  registerSecrets,
  runWithContext,
  scrubText,
  setContextFields,
} from "./index";
import { captureLogs } from "./testing";

const OPENAI_KEY = "sk-proj-SENTINEL0openai7f3a9c1e5b0d2468ace13579";
const ZERNIO_KEY = "sk_live_SENTINEL0zernio5e7c9a1b3d5f7092";
const COOKIE = "better-auth.session_token=SENTINELcookie0abcdef.SigNaTuRe0123%3D";
// A 1×1 PNG, as an image model answers it (b64_json) and as a data: URL.
const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const UNSHAPED_SECRET = "my-own-database-password-5f1c";

describe("the logger", () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs({ quiet: true });
  });
  afterEach(() => {
    logs.stop();
    clearSecrets();
  });

  it("writes one JSON object per line with level, time and msg", () => {
    logger.info("ready");
    logger.warn({ assetId: "a1" }, "slow");
    expect(logs.raw).toHaveLength(2);
    for (const line of logs.raw) {
      expect(line.endsWith("\n")).toBe(true);
      expect(line.trimEnd()).not.toContain("\n");
    }
    const [first, second] = logs.records;
    expect(first).toMatchObject({ level: "info", msg: "ready" });
    expect(Number.isNaN(Date.parse(first?.time ?? ""))).toBe(false);
    expect(second).toMatchObject({ level: "warn", msg: "slow", assetId: "a1" });
  });

  it("adds the current context (request, user, job) to every line inside it", async () => {
    logger.info("outside");
    await runWithContext({ requestId: "req-1" }, async () => {
      setContextFields({ userId: "user-1" });
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info("after an await");
      await runWithContext({ requestId: "req-1", jobId: "job-9" }, async () => {
        logger.error("in the job");
      });
    });
    expect(logs.records[0]).not.toHaveProperty("requestId");
    expect(logs.records[1]).toMatchObject({ requestId: "req-1", userId: "user-1" });
    expect(logs.records[2]).toMatchObject({ requestId: "req-1", userId: "user-1", jobId: "job-9" });
    expect(currentContext()).toBeUndefined();
  });

  it("never writes keys, tokens, cookies or base64, wherever they are", () => {
    registerSecrets([UNSHAPED_SECRET, undefined, "short"]);
    logger.error(
      `[MediaGen] Error: openai gpt-image-2 PROVIDER_AUTH Incorrect API key ${OPENAI_KEY}`,
    );
    logger.warn(
      {
        headers: { authorization: `Bearer ${ZERNIO_KEY}`, cookie: COOKIE, "x-request-id": "r" },
        response: { data: [{ b64_json: PNG_BASE64 }] },
        url: `https://bucket.example.com/k?X-Amz-Signature=abcdef0123456789&X-Amz-Expires=600`,
        reference: `data:image/png;base64,${PNG_BASE64}`,
        image: Buffer.from(PNG_BASE64, "base64"),
        nested: { deeper: { apiKey: OPENAI_KEY, note: `password is ${UNSHAPED_SECRET}` } },
      },
      `Zernio said 401 for Bearer ${ZERNIO_KEY} with ${COOKIE}`,
    );
    logger.error(new Error(`connect to postgres://app:${UNSHAPED_SECRET}@db.internal/x failed`));
    logger.info(`inline ${PNG_BASE64}${PNG_BASE64}`);
    const text = logs.raw.join("");
    for (const sentinel of [
      OPENAI_KEY,
      ZERNIO_KEY,
      "SENTINELcookie0abcdef",
      PNG_BASE64.slice(0, 40),
      UNSHAPED_SECRET,
      "abcdef0123456789",
    ]) {
      expect(text).not.toContain(sentinel);
    }
    // What is left still says what happened.
    expect(logs.records[0]?.msg).toBe(
      "[MediaGen] Error: openai gpt-image-2 PROVIDER_AUTH Incorrect API key sk-[redacted]",
    );
    expect(logs.records[1]).toMatchObject({
      headers: { authorization: "[redacted]", cookie: "[redacted]", "x-request-id": "r" },
      image: "[70 bytes]",
    });
    expect(logs.records[2]).toMatchObject({
      msg: "connect to postgres://app:[redacted]@db.internal/x failed",
      err: { type: "Error" },
    });
  });

  it("keeps ordinary text, paths and ids as they are", () => {
    const line =
      "[server] Read /work/streamline/apps/server/.env; asset 3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f queued (tokens: 1200)";
    expect(scrubText(line)).toBe(line);
    logger.info({ inputTokens: 12, bytes: 1024, model: "gpt-image-2" }, line);
    expect(logs.records[0]).toMatchObject({ msg: line, inputTokens: 12, bytes: 1024 });
  });

  it("honours the level", () => {
    configureLogging({ level: "warn" });
    try {
      logger.info("hidden");
      logger.warn("shown");
    } finally {
      configureLogging({ level: "info" });
    }
    expect(logs.messages()).toEqual(["shown"]);
  });
});

describe("request ids and settings", () => {
  it("accepts a caller's id only when it is a safe short token", () => {
    expect(acceptRequestId("abc-123_x.y:z")).toBe("abc-123_x.y:z");
    expect(acceptRequestId(" 8c1e2f ")).toBe("8c1e2f");
    for (const bad of ["", "a b", "x".repeat(65), 'a"b', "a\nb", "ünï", "-lead", undefined]) {
      expect(acceptRequestId(bad)).toBeUndefined();
    }
    expect(acceptRequestId(["a", "b"])).toBeUndefined();
    expect(newRequestId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(newRequestId()).not.toBe(newRequestId());
  });

  it("reads LOG_LEVEL and LOG_FORMAT, JSON by default in production", () => {
    expect(logLevelFrom("DEBUG")).toBe("debug");
    expect(logLevelFrom("verbose")).toBeUndefined();
    expect(logFormatFrom({ NODE_ENV: "production" })).toBe("json");
    expect(logFormatFrom({ NODE_ENV: "development" })).toBe("pretty");
    expect(logFormatFrom({ NODE_ENV: "development", LOG_FORMAT: "json" })).toBe("json");
    expect(logFormatFrom({ NODE_ENV: "production", LOG_FORMAT: "pretty" })).toBe("pretty");
  });
});
