// A tRPC answer that is not a stream leaves in one socket write with a Content-Length; batch
// streams (jsonl) and SSE subscriptions still go out chunk by chunk.
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { startTestServer, type TestServer } from "./harness";

describe("one socket write per tRPC answer", () => {
  let test: TestServer;
  let server: Server;
  let url: string;
  const writes = new Map<number, number>();
  beforeAll(async () => {
    test = await startTestServer("pglite", {}, { worker: false });
    server = createApp(test.runtime).listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Count what reaches the socket per connection (one _writeGeneric call = one write/writev).
    server.on("connection", (socket: Socket) => {
      const port = socket.remotePort ?? 0;
      const inner = socket as unknown as { _writeGeneric: (...args: unknown[]) => unknown };
      const original = inner._writeGeneric.bind(socket);
      inner._writeGeneric = (...args: unknown[]) => {
        writes.set(port, (writes.get(port) ?? 0) + 1);
        return original(...args);
      };
    });
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await test?.close();
  });

  async function get(path: string, headers: Record<string, string> = {}) {
    const { request } = await import("node:http");
    return new Promise<{
      status: number;
      headers: Record<string, unknown>;
      body: string;
      writes: number;
    }>((resolve, reject) => {
      const req = request(
        `${url}${path}`,
        { headers: { connection: "close", ...headers } },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            body += c;
          });
          res.on("end", () =>
            setTimeout(() => {
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body,
                writes: writes.get(localPort) ?? 0,
              });
            }, 20),
          );
        },
      );
      let localPort = -1;
      req.on("socket", (socket) =>
        socket.once("connect", () => {
          localPort = socket.localPort ?? -1;
        }),
      );
      req.on("error", reject);
      req.end();
    });
  }

  it("answers a query with a Content-Length in a single write", async () => {
    const answer = await get("/trpc/media.limits", { "x-streamline-user": "one-write" });
    expect(answer.status).toBe(200);
    expect(answer.headers["transfer-encoding"]).toBeUndefined();
    expect(Number(answer.headers["content-length"])).toBe(Buffer.byteLength(answer.body));
    expect(JSON.parse(answer.body).result.data.promptMaxLength).toBeGreaterThan(0);
    expect(answer.writes).toBe(1);

    const refused = await get("/trpc/media.list");
    expect(refused.status).toBe(401);
    expect(Number(refused.headers["content-length"])).toBe(Buffer.byteLength(refused.body));
    expect(refused.writes).toBe(1);
  });

  it("leaves batch streams chunked", async () => {
    const answer = await get("/trpc/media.limits,health?batch=1&input=%7B%7D", {
      "trpc-accept": "application/jsonl",
    });
    expect(answer.status).toBe(200);
    expect(answer.headers["transfer-encoding"]).toBe("chunked");
    expect(answer.body).toContain("promptMaxLength");
  });
});
