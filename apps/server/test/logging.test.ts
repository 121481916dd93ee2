// Structured logs in production (issue 21, item 1), read from a real server process started with
// NODE_ENV=production: sentinel secrets are planted — the OpenAI and Zernio keys (and a provider
// error and a Zernio failure that echo them), the auth and webhook secrets, a session cookie, an
// API key, the base64 of the image OpenAI answers with — and a generation, a failure and a post run
// through it. Every line the process writes is one JSON object with level, time and msg; the lines
// of a call carry its request id (and user), the lines of a job its request id and job id; OpenAI
// saw the same id as X-Client-Request-Id; Zernio's x-request-id is still the post's row id; and no
// sentinel appears anywhere in the output.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDb, type TestDb } from "@streamline/db/testing";
import {
  createOpenAIMock,
  gradientPng,
  startMockProviderServer,
} from "@streamline/fakes/providers";
import { createZernioFake } from "@streamline/fakes/zernio";
import { HttpResponse, http, type RequestHandler } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClient } from "./harness";
import { type ChildRun, startProcess, stopProcess, waitFor } from "./processes";

const SENTINEL = {
  openai: "sk-proj-LOGSENTINEL0openai0a1b2c3d4e5f60718293",
  zernio: "sk_live_LOGSENTINEL0zernio0f1e2d3c4b5a69788",
  auth: "LOGSENTINEL-auth-secret-0123456789abcdefghij",
  webhook: "whsec_LOGSENTINEL0webhook0123456789abcdef",
};
const ORIGIN = "https://studio.logs.test";
const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"];

type Line = {
  level: string;
  time: string;
  msg: string;
  requestId?: string;
  userId?: string;
  jobId?: string;
  [field: string]: unknown;
};

describe("logs of a production server process", () => {
  let providers: Awaited<ReturnType<typeof startMockProviderServer>>;
  let uploads: Awaited<ReturnType<typeof startMockProviderServer>>;
  let openai: ReturnType<typeof createOpenAIMock>;
  let zernio: ReturnType<typeof createZernioFake>;
  let dir: string;
  let db: TestDb | undefined;
  let run: ChildRun | undefined;
  let url: string;
  /** The base64 of every image the OpenAI fake answered with. */
  const images: string[] = [];

  beforeAll(async () => {
    const handlers: RequestHandler[] = [];
    providers = await startMockProviderServer(handlers);
    uploads = await startMockProviderServer(handlers);
    openai = createOpenAIMock({
      baseURL: `${providers.url}/v1`,
      apiKey: SENTINEL.openai,
      renderImage: async ({ width, height }) => {
        const png = gradientPng(width, height);
        images.push(Buffer.from(png).toString("base64"));
        return png;
      },
    });
    zernio = createZernioFake({
      baseURL: `${providers.url}/zernio`,
      apiKey: SENTINEL.zernio,
      uploadOrigin: uploads.url,
      publishDurationMs: 300,
    });
    handlers.push(
      ...openai.handlers,
      ...zernio.handlers,
      http.all(`${providers.url}/*`, () => HttpResponse.json({}, { status: 404 })),
    );
    dir = await mkdtemp(path.join(tmpdir(), "streamline-logs-"));
    if (process.env.TEST_DATABASE_URL) db = await createTestDb("postgres");
    run = await startProcess(
      "main",
      {
        NODE_ENV: "production",
        LOG_LEVEL: "info",
        LOG_FORMAT: "",
        PORT: "0",
        HOST: "127.0.0.1",
        APP_ORIGIN: ORIGIN,
        BETTER_AUTH_SECRET: SENTINEL.auth,
        AUTH_DEV_HEADER: "",
        ...(db
          ? { DATABASE_URL: db.databaseUrl as string }
          : { DATABASE_URL: "", PGLITE_DATA_DIR: path.join(dir, "pglite") }),
        MEDIA_DIR: path.join(dir, "media"),
        WEB_DIST_DIR: path.join(dir, "no-build"),
        MEDIA_DEMO: "0",
        OPENAI_API_KEY: SENTINEL.openai,
        OPENAI_BASE_URL: `${providers.url}/v1`,
        GEMINI_API_KEY: "",
        MEDIA_POLL_MIN_MS: "50",
        MEDIA_POLL_MAX_MS: "100",
        PROVIDER_RETRY_MIN_DELAY_MS: "5",
        ZERNIO_API_KEY: SENTINEL.zernio,
        ZERNIO_BASE_URL: `${providers.url}/zernio`,
        ZERNIO_WEBHOOK_SECRET: SENTINEL.webhook,
        ZERNIO_SHARED_ACCOUNTS: "1",
        ZERNIO_RETRY_MIN_DELAY_MS: "5",
        ZERNIO_ANALYTICS_PER_MINUTE: "0",
        POST_POLL_MIN_MS: "100",
        POST_POLL_MAX_MS: "200",
        POST_RETRY_DELAY_SECONDS: "0",
        SHUTDOWN_GRACE_SECONDS: "2",
      },
      /API on (http:\/\/[^\s"]+)/,
      150_000,
    );
    url = run.url as string;
  }, 180_000);

  afterAll(async () => {
    await stopProcess(run, "SIGKILL");
    await providers?.close();
    await uploads?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes JSON lines with request and job ids, and no secret", async () => {
    // A person signs up (session cookie) and makes an API key.
    const signUp = await fetch(`${url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ email: "logs@example.com", password: "correct-horse-42", name: "L" }),
    });
    expect(signUp.status, await signUp.clone().text()).toBe(200);
    const cookie = signUp.headers
      .getSetCookie()
      .find((c) => c.includes("session_token"))
      ?.split(";")[0] as string;
    const sessionToken = cookie.slice(cookie.indexOf("=") + 1);
    const session = (requestId: string) =>
      createTestClient(url, { cookie, origin: ORIGIN, "x-request-id": requestId });
    const userId = (await session("logs-me").me.query())?.id as string;
    const { key: apiKey } = await session("logs-key").apiKeys.create.mutate({ name: "logs" });
    const keyed = (requestId: string) =>
      createTestClient(url, { authorization: `Bearer ${apiKey}`, "x-request-id": requestId });

    const settled = async (id: string) => {
      const byId = () => keyed("logs-poll").media.byId.query({ id });
      await waitFor(
        async () => ["succeeded", "failed", "canceled"].includes((await byId()).status),
        60_000,
      );
      return byId();
    };

    // A generation that succeeds (the image answered as base64), with the API key.
    const ok = await keyed("logs-gen-ok").media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A lemon on a blue plate",
    });
    expect((await settled(ok.asset.id)).status).toBe("succeeded");

    // A failure: OpenAI refuses, echoing the key in its message.
    openai.failNext("images.generate", {
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${SENTINEL.openai}.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      },
    });
    const failed = await session("logs-gen-fail").media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "A refused lemon",
    });
    expect((await settled(failed.asset.id)).error?.code).toBe("PROVIDER_AUTH");

    // A refused input carrying an inline image.
    await keyed("logs-refused")
      .media.generate.mutate({
        type: "image",
        model: "gpt-image-2",
        prompt: "With an inline reference",
        referenceImageUrl: `data:image/png;base64,${images[0]}`,
      } as never)
      .catch(() => {});

    // A post of the first image; Zernio fails its first sends, echoing its key.
    zernio.failNext(
      "posts.create",
      { status: 503, body: { error: `Service unavailable for key ${SENTINEL.zernio}` } },
      3,
    );
    const post = await session("logs-post").social.schedule.mutate({
      assetId: ok.asset.id,
      targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
      captions: { instagram: { text: "Lemon day" } },
      publishNow: true,
      idempotencyKey: "logs-post-1",
    });
    await waitFor(async () => {
      const posts = await keyed("logs-poll").social.posts.query({});
      return posts.find((p) => p.id === post.id)?.status === "published";
    }, 90_000);

    // X-Request-Id: a safe one is echoed, anything else replaced.
    const echoed = await fetch(`${url}/healthz`, { headers: { "x-request-id": "probe-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("probe-123");
    const replaced = await fetch(`${url}/healthz`, { headers: { "x-request-id": "no good id" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    await stopProcess(run, "SIGTERM");
    const output = run?.output() ?? "";
    const rawLines = output.split("\n").filter((l) => l.trim());

    // Every line is one JSON object with a level, a time and a message.
    const lines = rawLines.map((raw) => {
      const line = JSON.parse(raw) as Line;
      expect(LEVELS, raw).toContain(line.level);
      expect(Number.isNaN(Date.parse(line.time)), raw).toBe(false);
      expect(typeof line.msg, raw).toBe("string");
      return line;
    });
    expect(lines.some((l) => l.msg.startsWith("[server] SIGTERM: shutting down"))).toBe(true);

    // Access lines: one per call, with its request id (the caller's) and its user once known.
    const access = lines.filter((l) => typeof l.method === "string");
    expect(access.length).toBeGreaterThan(10);
    for (const line of access) expect(line.requestId).toEqual(expect.any(String));
    const generate = access.find((l) => l.requestId === "logs-gen-ok");
    expect(generate).toMatchObject({ method: "POST", path: "/trpc/media.generate", userId });

    // The failure: exactly one [MediaGen] Error line, from the job the failing call enqueued.
    const errors = lines.filter((l) => l.msg.startsWith("[MediaGen] Error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      level: "error",
      requestId: "logs-gen-fail",
      userId,
      queue: "media-generate",
      assetId: failed.asset.id,
    });
    expect(errors[0]?.msg).toMatch(/^\[MediaGen\] Error: openai gpt-image-2 PROVIDER_AUTH /);
    expect(errors[0]?.jobId).toEqual(expect.any(String));

    // Jobs: their lines carry the request id of the call that enqueued them, and their job id.
    const jobEnded = (requestId: string, queue: string) =>
      lines.find(
        (l) => l.msg === `[jobs] ${queue} job ended` && l.requestId === requestId && l.jobId,
      );
    expect(jobEnded("logs-gen-ok", "media-generate")).toMatchObject({ assetId: ok.asset.id });
    expect(jobEnded("logs-post", "social-post")).toMatchObject({ postId: post.id, userId });
    const postLines = lines.filter((l) => l.msg.startsWith("[Posting]"));
    expect(postLines.length).toBeGreaterThanOrEqual(1);
    for (const line of postLines) expect(line).toMatchObject({ requestId: "logs-post" });

    // OpenAI saw each generation's request id; Zernio's x-request-id is still the post's row id.
    // (The start-up catalog check's GET /models belongs to no call: it carries none.)
    const listings = openai.requestsTo("models.list");
    expect(listings).toHaveLength(1);
    expect(listings[0]?.headers["x-client-request-id"]).toBeUndefined();
    const calls = openai.requests.filter((r) => r.route !== "models.list");
    const sentIds = new Set(calls.map((r) => r.headers["x-client-request-id"]));
    expect(sentIds).toEqual(new Set(["logs-gen-ok", "logs-gen-fail"]));
    const creates = zernio.requestsTo("posts.create");
    expect(creates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(creates.map((r) => r.requestId))).toEqual(new Set([post.id]));

    // No secret, cookie, key or image anywhere in what the process wrote.
    expect(images.length).toBeGreaterThanOrEqual(1);
    const planted = [
      SENTINEL.openai,
      SENTINEL.openai.slice(3, -3),
      SENTINEL.zernio,
      SENTINEL.zernio.slice(3, -3),
      SENTINEL.auth,
      SENTINEL.webhook,
      sessionToken,
      sessionToken.split(".")[0] as string,
      apiKey,
      apiKey.slice(4, 24),
      ...images.flatMap((b64) => [b64.slice(0, 48), b64.slice(100, 148)]),
    ];
    expect(planted.filter((secret) => output.includes(secret))).toEqual([]);
  }, 300_000);
});
