import { createOpenAIMock, gradientPng, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  codeOf,
  collectEvents,
  createTestClient,
  failure,
  startTestServer,
  type TestServer,
} from "./harness";

const openai = createOpenAIMock();
const providerApis = setupServer(...openai.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());

describe("accounts and access", () => {
  let server: TestServer;
  let origin: string;
  beforeAll(async () => {
    // No dev header here: every caller proves who it is with a session cookie or an API key.
    server = await startTestServer("pglite", {
      OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
      AUTH_DEV_HEADER: "0",
      AUTH_SIGN_IN_PER_MINUTE: "5",
    });
    // The Vite dev server origin is trusted outside production; the server itself is on a random port.
    origin = "http://localhost:5173";
  });
  afterAll(async () => {
    await server?.close();
  });

  async function authCall(path: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${server.url}/api/auth/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, ...headers },
      body: JSON.stringify(body),
    });
  }
  async function signUp(email: string, password = "correct-horse-42") {
    const response = await authCall("sign-up/email", {
      email,
      password,
      name: email.split("@")[0],
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.includes("session_token"));
    expect(cookie).toBeDefined();
    return { cookie: (cookie as string).split(";")[0] as string, setCookie: cookie as string };
  }
  const sessionClient = (cookie: string, from = origin) =>
    createTestClient(server.url, { cookie, origin: from });

  it("signs up with a session cookie that is httpOnly, SameSite=Lax and scoped to the site", async () => {
    const { setCookie, cookie } = await signUp("ana@example.com");
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    const me = await sessionClient(cookie).me.query();
    expect(me).toMatchObject({ email: "ana@example.com", method: "session" });
  });

  it("enforces password rules, refuses a wrong password, and rate-limits sign-in", async () => {
    const weak = await authCall("sign-up/email", {
      email: "weak@example.com",
      password: "password",
      name: "w",
    });
    expect(weak.status).toBe(400);
    await signUp("ben@example.com");
    const wrong = await authCall("sign-in/email", {
      email: "ben@example.com",
      password: "not-the-password-1",
    });
    expect(wrong.status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await authCall("sign-in/email", { email: "ben@example.com", password: "still-wrong-2" }))
          .status,
      );
    }
    expect(statuses).toContain(429);
  });

  it("answers UNAUTHORIZED on every protected procedure when signed out", async () => {
    const anonymous = createTestClient(server.url, { origin });
    const id = "00000000-0000-4000-8000-000000000000";
    const calls: Array<[string, () => Promise<unknown>]> = [
      [
        "media.generate",
        () => anonymous.media.generate.mutate({ type: "image", model: "gpt-image-2", prompt: "x" }),
      ],
      ["media.byId", () => anonymous.media.byId.query({ id })],
      ["media.list", () => anonymous.media.list.query({})],
      ["media.cancel", () => anonymous.media.cancel.mutate({ id })],
      ["media.retry", () => anonymous.media.retry.mutate({ id })],
      ["media.delete", () => anonymous.media.delete.mutate({ id })],
      ["apiKeys.list", () => anonymous.apiKeys.list.query()],
      ["apiKeys.create", () => anonymous.apiKeys.create.mutate({ name: "x" })],
      ["apiKeys.revoke", () => anonymous.apiKeys.revoke.mutate({ id })],
      [
        "media.onProgress",
        () =>
          collectEvents(
            (h) => anonymous.media.onProgress.subscribe({}, h),
            () => true,
            5_000,
          ),
      ],
    ];
    for (const [name, call] of calls)
      expect(codeOf(await failure(call())), name).toBe("UNAUTHORIZED");
    // The catalog stays public.
    expect((await anonymous.media.models.query()).length).toBeGreaterThan(5);
  });

  it("refuses a cross-origin multipart generate that carries a valid session cookie, creating nothing", async () => {
    const { cookie } = await signUp("cara@example.com");
    const form = new FormData();
    form.set(
      "input",
      JSON.stringify({ type: "image", model: "gpt-image-2", prompt: "CSRF attempt" }),
    );
    form.set("referenceImage", new File([gradientPng(32, 32)], "a.png", { type: "image/png" }));
    const attacker = sessionClient(cookie, "https://evil.example");
    expect(codeOf(await failure(attacker.media.generate.mutate(form)))).toBe("FORBIDDEN");
    // A raw form post without any Origin header is refused too.
    const raw = await fetch(`${server.url}/trpc/media.generate`, {
      method: "POST",
      headers: { cookie },
      body: form,
    });
    expect(raw.status).toBe(403);
    const own = sessionClient(cookie);
    expect((await own.media.list.query({})).items).toHaveLength(0);
    expect(openai.requests).toHaveLength(0);
  });

  it("lets an internal app call with an API key until it is revoked", async () => {
    const { cookie } = await signUp("dan@example.com");
    const studio = sessionClient(cookie);
    const created = await studio.apiKeys.create.mutate({ name: "scheduler" });
    expect(created.key).toMatch(/^slk_/);
    const listed = await studio.apiKeys.list.query();
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(listed[0]?.prefix).toBe(created.key.slice(0, 10));

    const app = createTestClient(server.url, { authorization: `Bearer ${created.key}` });
    const { asset } = await app.media.generate.mutate({
      type: "image",
      model: "gpt-image-2",
      prompt: "From the scheduler",
    });
    expect((await studio.media.byId.query({ id: asset.id })).prompt).toBe("From the scheduler");
    // A key cannot mint more keys.
    expect(codeOf(await failure(app.apiKeys.create.mutate({ name: "escalate" })))).toBe(
      "FORBIDDEN",
    );

    // Another person sees none of it.
    const other = sessionClient((await signUp("eve@example.com")).cookie);
    expect(codeOf(await failure(other.media.byId.query({ id: asset.id })))).toBe("NOT_FOUND");
    expect(codeOf(await failure(other.apiKeys.revoke.mutate({ id: created.id })))).toBe(
      "NOT_FOUND",
    );

    await studio.apiKeys.revoke.mutate({ id: created.id });
    expect(codeOf(await failure(app.media.list.query({})))).toBe("UNAUTHORIZED");
    const wrongKey = createTestClient(server.url, { authorization: "Bearer slk_not-a-real-key" });
    expect(codeOf(await failure(wrongKey.media.list.query({})))).toBe("UNAUTHORIZED");
  });
});
