// The studio's real address in development. `pnpm dev` puts the studio on the Vite dev server
// (WEB_PORT, 5173 unless changed) in front of the API: sign-up from that origin is trusted
// whatever port it is on, and "Connect an account" sends the user back to the studio page they
// came from — never to the API port ("Cannot GET /ai-studio").

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createZernioFake,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
} from "@streamline/fakes/zernio";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";
import { type ChildRun, startProcess, stopProcess } from "./processes";

const zernio = createZernioFake();
const apis = setupServer(...zernio.handlers);
beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());

const WEB = 5199;

// better-auth skips its Origin check when NODE_ENV=test in its own process (as under vitest), so
// sign-up runs against the real server process in development, as `pnpm dev` starts it.
describe("sign-up from the studio on WEB_PORT (server process, NODE_ENV=development)", () => {
  let run: ChildRun | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "streamline-dev-origins-"));
    run = await startProcess(
      "main",
      {
        NODE_ENV: "development",
        // vitest sets TEST=true, which better-auth also takes for a test run.
        TEST: "",
        PORT: "0",
        WEB_PORT: String(WEB),
        DATABASE_URL: "",
        PGLITE_DATA_DIR: path.join(dir, "pglite"),
        MEDIA_DIR: path.join(dir, "media"),
        WEB_DIST_DIR: path.join(dir, "no-build"),
        BETTER_AUTH_SECRET: "dev-origins-secret-0123456789abcdefghijkl",
        OPENAI_API_KEY: "",
        GEMINI_API_KEY: "",
      },
      /Open the studio: .*\n/,
    );
  }, 90_000);
  afterAll(async () => {
    await stopProcess(run);
    await rm(dir, { recursive: true, force: true });
  });

  const signUp = (origin: string, email: string) =>
    fetch(`${run?.output().match(/API on (http:\/\/[^\s]+)/)?.[1]}/api/auth/sign-up/email`, {
      method: "POST",
      // As a browser sends it: Fetch Metadata makes better-auth check the Origin on sign-up.
      headers: {
        "content-type": "application/json",
        origin,
        "sec-fetch-site": "same-origin",
        "sec-fetch-mode": "cors",
        "sec-fetch-dest": "empty",
      },
      body: JSON.stringify({ email, password: "correct-horse-42", name: "dev" }),
    });

  it("names the studio's real address at start-up and trusts it, under both loopback names", async () => {
    expect(run?.output()).toContain(`Open the studio: http://localhost:${WEB}/ai-studio`);
    const viaLocalhost = await signUp(`http://localhost:${WEB}`, "local@example.com");
    expect(viaLocalhost.status, await viaLocalhost.clone().text()).toBe(200);
    const viaLoopback = await signUp(`http://127.0.0.1:${WEB}`, "loop@example.com");
    expect(viaLoopback.status, await viaLoopback.clone().text()).toBe(200);
    // The old fixed 5173 is not trusted any more once the studio is elsewhere, nor any other.
    const elsewhere = await signUp("http://localhost:5173", "other@example.com");
    expect(elsewhere.status).toBe(403);
  });
});

describe("connect's return address with WEB_PORT", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite", {
      NODE_ENV: "development",
      WEB_PORT: String(WEB),
      // No built studio: this port answers only the API, as under `pnpm dev`.
      WEB_DIST_DIR: "/nonexistent/streamline-web-dist",
      BETTER_AUTH_SECRET: "dev-origins-secret-0123456789abcdefghijkl",
      ZERNIO_API_KEY: ZERNIO_MOCK_API_KEY,
      ZERNIO_BASE_URL: ZERNIO_MOCK_BASE_URL,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("connect returns to the studio the call came from, else to the Vite studio", async () => {
    zernio.reset();
    await server
      .client({ "x-streamline-user": "dev-user", origin: `http://127.0.0.1:${WEB}` })
      .social.connect.mutate({ platform: "tiktok" });
    // An untrusted Origin is never a return address; a call without one (API key) gets the
    // studio's default address, which in development without a build is the Vite dev server.
    await server
      .client({ "x-streamline-user": "dev-user", origin: "https://evil.example" })
      .social.connect.mutate({ platform: "tiktok" });
    await server.client("dev-user").social.connect.mutate({ platform: "x" });
    expect(zernio.requestsTo("connect.url").map((r) => r.query.redirect_url)).toEqual([
      `http://127.0.0.1:${WEB}/ai-studio`,
      `http://localhost:${WEB}/ai-studio`,
      `http://localhost:${WEB}/ai-studio`,
    ]);
  });
});
