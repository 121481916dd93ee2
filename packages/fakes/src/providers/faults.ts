// The failures real networks give, for the provider mocks (msw in process, or served over loopback
// by startMockProviderServer): queue one with `failNext(route, fault(...))` on either mock.
//   429 with retry-after · 500 · 503 · a connection reset · a hang (no answer until the client gives
//   up) · a partial body (content-length promises more than is sent, then the connection drops).

export type MockFaultName = "429" | "500" | "503" | "reset" | "hang" | "partial";

/** What both mocks' failure queues accept besides an HTTP error answer. */
export interface MockTransportFault {
  /** Drop the connection instead of answering (the SDK's connection error). */
  networkError?: boolean | undefined;
  /** Never answer: the request stays open until the client aborts it. */
  hang?: boolean | undefined;
  /**
   * Do the route's work, then send half of its answer under the full content-length and drop the
   * connection: a create is then done (and billed) although the client never read its answer.
   */
  partial?: boolean | undefined;
}

/** A fault by name; `retryAfterSeconds` is the 429's retry-after header (default 0.05 s). */
export function fault(
  name: MockFaultName,
  options: { retryAfterSeconds?: number } = {},
): MockTransportFault & { status?: number; headers?: Record<string, string> } {
  switch (name) {
    case "429":
      return { status: 429, headers: { "retry-after": String(options.retryAfterSeconds ?? 0.05) } };
    case "500":
      return { status: 500 };
    case "503":
      return { status: 503 };
    case "reset":
      return { networkError: true };
    case "hang":
      return { hang: true };
    case "partial":
      return { partial: true };
  }
}

/** What undici throws when the other side closes mid-body. */
export function connectionLost(): TypeError {
  const cause = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
  return new TypeError("terminated", { cause });
}

/** Resolves only when the request is aborted, then drops it: a server that never answers. */
export function hangUntilAborted(request: Request): Promise<Response> {
  return new Promise((resolve) => {
    const done = () => resolve(Response.error());
    if (request.signal.aborted) done();
    else request.signal.addEventListener("abort", done, { once: true });
  });
}

/** The same answer, cut in half under its full content-length, then the connection drops. */
export async function truncated(answer: Response): Promise<Response> {
  const bytes = new Uint8Array(await answer.arrayBuffer());
  const half = bytes.subarray(0, Math.max(1, Math.floor(bytes.byteLength / 2)));
  const headers = new Headers(answer.headers);
  headers.set("content-length", String(Math.max(bytes.byteLength, half.byteLength + 1)));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(half);
      setTimeout(() => controller.error(connectionLost()), 5);
    },
  });
  return new Response(body, { status: answer.status, headers });
}
