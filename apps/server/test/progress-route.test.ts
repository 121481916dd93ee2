// `GET /trpc/media.onProgress` on the raw node:http server, before Express (src/progress-route.ts):
// the same client address and https rules as Express, the same headers as tRPC's own stream behind
// Express, the same answers for what it hands on to tRPC, and streams opened while the process
// shuts down end at once with the reconnect hint.
import http, { type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDb, type TestDb } from "@streamline/db/testing";
import { captureLogs } from "@streamline/log/testing";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientAddressAsExpressSees,
  secureAsExpressSees,
  type TrustFn,
} from "../src/progress-route";
import { startTestServer, type TestServer } from "./harness";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("client address and https, as Express sees them", () => {
  const settings: (false | number | string[])[] = [false, 1, 2, ["loopback"], ["10.0.0.0/8"]];
  const cases: Record<string, string>[] = [
    {},
    { "x-forwarded-for": "203.0.113.9" },
    { "x-forwarded-for": "198.51.100.1, 203.0.113.9" },
    { "x-forwarded-for": "garbage, 203.0.113.9", "x-forwarded-proto": "https" },
    { "x-forwarded-proto": "https, http" },
    { "x-forwarded-proto": "http" },
  ];

  for (const setting of settings) {
    it(`TRUST_PROXY ${JSON.stringify(setting)}`, async () => {
      const app = express();
      if (setting !== false) app.set("trust proxy", setting);
      app.get("/who", (req, res) => void res.json({ ip: req.ip, secure: req.secure }));
      const trust = app.get("trust proxy fn") as TrustFn;
      const raw = (req: IncomingMessage) => ({
        ip: clientAddressAsExpressSees(req, trust),
        secure: secureAsExpressSees(req, trust),
      });
      const server = http.createServer((req, res) => {
        if (req.url === "/raw") return void res.end(JSON.stringify(raw(req)));
        app(req, res);
      });
      const url = await listen(server);
      try {
        for (const headers of cases) {
          const [a, b] = await Promise.all(
            ["/raw", "/who"].map(async (p) => (await fetch(`${url}${p}`, { headers })).json()),
          );
          expect(a, JSON.stringify(headers)).toEqual(b);
        }
      } finally {
        server.close();
      }
    });
  }
});

/** Status, the headers that do not vary per answer, and the body until `done` or the end. */
async function answer(
  url: string,
  headers: Record<string, string> = {},
  method = "GET",
  until = (body: string) => body.includes("event: connected"),
) {
  const res = await fetch(url, { method, headers });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let body = "";
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    body += decoder.decode(value);
    if (until(body)) break;
  }
  await reader.cancel().catch(() => {});
  const kept = Object.fromEntries(
    [...res.headers].filter(
      ([name]) => !["date", "keep-alive", "transfer-encoding"].includes(name),
    ),
  );
  return {
    status: res.status,
    headers: kept,
    body: body.replaceAll("event: ping\ndata: \n\n\n", ""),
  };
}

describe("the raw route beside tRPC's own stream (pglite)", () => {
  let db: TestDb;
  let raw: TestServer;
  let trpc: TestServer;
  beforeAll(async () => {
    db = await createTestDb("pglite");
    raw = await startTestServer("pglite", {}, { worker: false, db });
    trpc = await startTestServer("pglite", { MEDIA_SSE_FANOUT: "0" }, { worker: false, db });
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([raw?.close(), trpc?.close()]);
    await db?.close().catch(() => {});
  });

  const path = (input: string) => `/trpc/media.onProgress?input=${encodeURIComponent(input)}`;
  const sse = { accept: "text/event-stream", "x-streamline-user": "route-user" };

  it("answers a stream with the same status and headers (security headers included)", async () => {
    const [a, b] = await Promise.all([raw, trpc].map((s) => answer(s.url + path("{}"), sse)));
    expect(a?.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(a?.headers["x-frame-options"]).toBe("DENY");
    expect(a?.headers["referrer-policy"]).toBe("no-referrer");
    expect(a?.headers["x-content-type-options"]).toBe("nosniff");
    expect(a?.headers["content-encoding"]).toBeUndefined();
    // Express's compression adds `Vary: Accept-Encoding` to everything it sees; the raw route is
    // never compressed, so it has nothing to vary on.
    // Each answer has its own request id.
    expect(a?.headers["x-request-id"]).toMatch(/\S/);
    expect(b?.headers["x-request-id"]).toMatch(/\S/);
    const { vary: _vary, "x-request-id": _b, ...rest } = b?.headers ?? {};
    const { "x-request-id": _a, ...mine } = a?.headers ?? {};
    expect(mine).toEqual(rest);
    expect(a?.status).toBe(b?.status);
  });

  it("refuses bad input, a missing caller and a foreign asset with tRPC's bytes", async () => {
    const me = sse;
    for (const [input, headers] of [
      ['{"assetId":42}', me],
      ['{"assetId":"00000000-0000-4000-8000-000000000000"}', me],
      ["{}", { accept: "text/event-stream" }],
    ] as const) {
      const [a, b] = await Promise.all(
        [raw, trpc].map((s) => answer(s.url + path(input), headers)),
      );
      expect(a?.body, input).toContain("event: serialized-error");
      expect(a?.body).toBe(b?.body);
    }
  });

  it("hands what it does not take to tRPC, which answers as it always did", async () => {
    for (const [url, method] of [
      [path("{not json"), "GET"],
      [`${path("{}")}&batch=1`, "GET"],
      [path("{}"), "POST"],
      ["/trpc/media.onProgress/?input=%7B%7D", "GET"],
    ] as const) {
      const [a, b] = await Promise.all(
        [raw, trpc].map((s) =>
          answer(s.url + url, { "x-streamline-user": "route-user" }, method, (body) =>
            /serialized-error|\nid: /.test(body),
          ),
        ),
      );
      expect({ status: a?.status, body: a?.body }, `${method} ${url}`).toEqual({
        status: b?.status,
        body: b?.body,
      });
    }
  });
});

describe("the raw route's log lines (pglite)", () => {
  it("one access line per stream, with its request id and user, also when tRPC answers it", async () => {
    const server = await startTestServer("pglite", { LOG_LEVEL: "info" }, { worker: false });
    const logs = captureLogs({ quiet: true });
    try {
      const headers = { accept: "text/event-stream", "x-streamline-user": "log-user" };
      const url = `${server.url}/trpc/media.onProgress?input=%7B%7D`;
      const taken = await answer(url, { ...headers, "x-request-id": "raw-stream-1" });
      const handedOn = await answer(`${url}&batch=1`, {
        ...headers,
        "x-request-id": "raw-stream-2",
      });
      expect(taken.headers["x-request-id"]).toBe("raw-stream-1");
      expect(handedOn.headers["x-request-id"]).toBe("raw-stream-2");
      const lines = (id: string) =>
        new Promise<typeof logs.records>((resolve) => {
          const check = () => {
            const found = logs.records.filter((r) => r.requestId === id && r.path);
            if (found.length)
              setTimeout(
                () => resolve(logs.records.filter((r) => r.requestId === id && r.path)),
                200,
              );
            else setTimeout(check, 25);
          };
          check();
        });
      for (const id of ["raw-stream-1", "raw-stream-2"]) {
        const access = await lines(id);
        expect(access, id).toHaveLength(1);
        expect(access[0]).toMatchObject({ path: "/trpc/media.onProgress", method: "GET" });
      }
      expect((await lines("raw-stream-1"))[0]?.userId).toBe("log-user");
    } finally {
      logs.stop();
      await server.close();
    }
  }, 60_000);
});

describe("streams opened while the process shuts down (pglite)", () => {
  it("are told to reconnect at once: connected, then the retry hint, then the end", async () => {
    const server = await startTestServer("pglite", {}, { worker: false });
    try {
      server.runtime.drain();
      const res = await fetch(`${server.url}/trpc/media.onProgress?input=%7B%7D`, {
        headers: { accept: "text/event-stream", "x-streamline-user": "late-user" },
      });
      const text = await res.text();
      expect(text).toMatch(/^event: connected\ndata: .*\n\n\nretry: 1000\n\n$/);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe("HSTS on the raw route (pglite)", () => {
  it("goes out for https through a trusted proxy, as Express sends it, and never otherwise", async () => {
    const server = await startTestServer(
      "pglite",
      { APP_ORIGIN: "https://studio.example", TRUST_PROXY: "1" },
      { worker: false },
    );
    try {
      const url = `${server.url}/trpc/media.onProgress?input=%7B%7D`;
      const headers = { accept: "text/event-stream", "x-streamline-user": "hsts-user" };
      const secure = await answer(url, { ...headers, "x-forwarded-proto": "https" });
      expect(secure.headers["strict-transport-security"]).toMatch(/max-age=31536000/);
      const plain = await answer(url, headers);
      expect(plain.headers["strict-transport-security"]).toBeUndefined();
      // The same rule Express applies to its own answers.
      const ready = await fetch(`${server.url}/readyz`, {
        headers: { "x-forwarded-proto": "https" },
      });
      expect(ready.headers.get("strict-transport-security")).toBe(
        secure.headers["strict-transport-security"],
      );
    } finally {
      await server.close();
    }
  }, 60_000);
});
