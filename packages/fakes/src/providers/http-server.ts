// Serves msw handlers from a real HTTP server on loopback, so that other processes (a worker being
// killed and restarted, a second server) talk to one provider mock that keeps its state.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { getResponse, type RequestHandler } from "msw";

export interface MockProviderServer {
  /** e.g. http://127.0.0.1:41234 — append the API's own path prefix (/v1, …) for a base URL. */
  url: string;
  close(): Promise<void>;
}

export async function startMockProviderServer(
  handlers: readonly RequestHandler[],
  options: { port?: number } = {},
): Promise<MockProviderServer> {
  const server = createServer(async (req, res) => {
    // A client that gives up (timeout, abort) aborts the request, so a hanging mock stops waiting.
    const closed = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) closed.abort();
    });
    try {
      const request = toFetchRequest(
        req,
        `http://${req.headers.host ?? "127.0.0.1"}`,
        closed.signal,
      );
      const response = await getResponse([...handlers], request);
      // HttpResponse.error(): a connection reset, as a real server's crash would give.
      if (response?.type === "error") {
        req.socket.destroy();
        return;
      }
      if (!response) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `No mock for ${req.method} ${req.url}` } }));
        return;
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      res.writeHead(response.status, headers);
      if (response.body) {
        const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
        // A body that errors mid-way (a partial answer) drops the connection, short of content-length.
        body.on("error", () => req.socket.destroy());
        body.pipe(res);
      } else res.end();
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function toFetchRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method,
    headers,
    signal,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    // Required by undici for streamed request bodies.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}
