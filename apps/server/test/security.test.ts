// Access limits seen from outside: spoofed X-Forwarded-For, per-account brute force, password and
// profile rules on every path that sets them.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { testBackends } from "@streamline/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTrustProxy } from "../src/trust-proxy";
import { startTestServer, type TestServer } from "./harness";

const origin = "http://localhost:5173";

describe("TRUST_PROXY", () => {
  it("is a hop count or a list of proxy addresses, never 'trust everything'", () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy("0")).toBe(false);
    expect(parseTrustProxy("false")).toBe(false);
    expect(parseTrustProxy("true")).toBe(1);
    expect(parseTrustProxy("1")).toBe(1);
    expect(parseTrustProxy("2")).toBe(2);
    expect(parseTrustProxy("10.0.0.0/8, ::1,loopback")).toEqual(["10.0.0.0/8", "::1", "loopback"]);
    expect(() => parseTrustProxy("10.0.0.0/33")).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy("everyone")).toThrow(/TRUST_PROXY/);
  });
});

describe.each(testBackends())("sign-in limits behind a proxy (%s)", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      backend,
      { AUTH_DEV_HEADER: "0", AUTH_SIGN_IN_PER_MINUTE: "5", TRUST_PROXY: "true" },
      { worker: false },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  const authCall = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/auth/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, ...headers },
      body: JSON.stringify(body),
    });
  async function signUp(email: string, forwardedFor: string) {
    const response = await authCall(
      "sign-up/email",
      { email, password: "correct-horse-42", name: "n" },
      { "x-forwarded-for": forwardedFor },
    );
    expect(response.status, await response.clone().text()).toBe(200);
    return (response.headers.getSetCookie().find((c) => c.includes("session_token")) ?? "").split(
      ";",
    )[0] as string;
  }

  it("ignores client-chosen X-Forwarded-For entries: 30 spoofed wrong passwords meet a 429", async () => {
    await signUp("spoof@example.com", "203.0.113.1");
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 30; i++) {
      // The attacker varies what they send; the one proxy hop appends the address it saw.
      const response = await authCall(
        "sign-in/email",
        { email: "spoof@example.com", password: `wrong-password-${i}` },
        { "x-forwarded-for": `10.${i}.0.1, 198.51.100.${i}, 203.0.113.7` },
      );
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    // The per-IP limit (5 a minute) answers from the 6th, before the per-account one (10) would.
    expect(statuses.slice(5)).toEqual(Array(25).fill(429));
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited?.json())?.message).toMatch(/Try again in \d+ (seconds?|minutes?)/);
  });

  it("limits failed sign-ins per account across a botnet of addresses, saying when to retry", async () => {
    await signUp("target@example.com", "203.0.113.2");
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 20; i++) {
      const response = await authCall(
        "sign-in/email",
        { email: "Target@Example.com", password: `guess-number-${i}` },
        { "x-forwarded-for": `192.0.2.${i + 10}` },
      );
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const retryAfter = Number(limited?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await limited?.json())?.message).toMatch(/this account.*Try again in 15 minutes/);
    // Even the right password waits: the limit is on the account, not on who guesses.
    const right = await authCall(
      "sign-in/email",
      { email: "target@example.com", password: "correct-horse-42" },
      { "x-forwarded-for": "192.0.2.200" },
    );
    expect(right.status).toBe(429);
    // Another account is not affected.
    await signUp("bystander@example.com", "203.0.113.3");
    const other = await authCall(
      "sign-in/email",
      { email: "bystander@example.com", password: "correct-horse-42" },
      { "x-forwarded-for": "192.0.2.201" },
    );
    expect(other.status).toBe(200);
  });

  it("enforces the password rule on change-password, and field limits on the profile", async () => {
    const cookie = await signUp("changer@example.com", "203.0.113.4");
    const change = await authCall(
      "change-password",
      { currentPassword: "correct-horse-42", newPassword: "aaaaaaaaaa" },
      { cookie, "x-forwarded-for": "203.0.113.4" },
    );
    expect(change.status).toBe(400);
    expect((await change.json()).message).toMatch(/letter and one number/);
    const reset = await authCall(
      "reset-password",
      { token: "whatever", newPassword: "bbbbbbbbbb" },
      { "x-forwarded-for": "203.0.113.5" },
    );
    expect(reset.status).toBe(400);
    expect((await reset.json()).code).toBe("WEAK_PASSWORD");

    const longEmail = await authCall(
      "sign-up/email",
      { email: `${"a".repeat(250)}@example.com`, password: "correct-horse-42", name: "n" },
      { "x-forwarded-for": "203.0.113.6" },
    );
    expect(longEmail.status).toBe(400);
    expect((await longEmail.json()).field).toBe("email");
    const longName = await authCall(
      "sign-up/email",
      { email: "long-name@example.com", password: "correct-horse-42", name: "n".repeat(101) },
      { "x-forwarded-for": "203.0.113.6" },
    );
    expect((await longName.json()).field).toBe("name");
    const badImage = await authCall(
      "update-user",
      { image: "javascript:alert(1)" },
      { cookie, "x-forwarded-for": "203.0.113.4" },
    );
    expect(badImage.status).toBe(400);
    expect((await badImage.json()).field).toBe("image");
    const goodImage = await authCall(
      "update-user",
      { image: "https://example.com/me.png", name: "Changer" },
      { cookie, "x-forwarded-for": "203.0.113.4" },
    );
    expect(goodImage.status).toBe(200);
  });
});

describe("the built studio", () => {
  it("serves no source maps, even when a build wrote them", async () => {
    const dist = await mkdtemp(path.join(tmpdir(), "streamline-dist-"));
    await mkdir(path.join(dist, "assets"));
    await writeFile(path.join(dist, "index.html"), "<!doctype html><title>studio</title>");
    await writeFile(
      path.join(dist, "assets", "index-abc.js"),
      "console.log(1)\n//# sourceMappingURL=index-abc.js.map",
    );
    await writeFile(
      path.join(dist, "assets", "index-abc.js.map"),
      '{"version":3,"sources":["src/secret.ts"]}',
    );
    const server = await startTestServer("pglite", { WEB_DIST_DIR: dist }, { worker: false });
    try {
      expect((await fetch(`${server.url}/assets/index-abc.js`)).status).toBe(200);
      const map = await fetch(`${server.url}/assets/index-abc.js.map`);
      expect(map.status).toBe(404);
      expect(await map.text()).not.toContain("secret.ts");
    } finally {
      await server.close();
      await rm(dist, { recursive: true, force: true });
    }
  });
});
