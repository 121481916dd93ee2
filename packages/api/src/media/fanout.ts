import type { IncomingMessage, ServerResponse } from "node:http";
import {
  findMediaAsset,
  latestMediaEventId,
  listMediaEventsAfter,
  type MediaEventListener,
  type MediaEventRecord,
} from "@streamline/db";
import type { MediaEventPayload } from "@streamline/jobs";
import type { PostEventPayload } from "@streamline/social";
import { TRPCError } from "@trpc/server";
import { getErrorShape, getTRPCErrorFromUnknown } from "@trpc/server/unstable-core-do-not-import";
import { type ApiContext, type ApiDeps, createContextFactory, type SessionUser } from "../context";
import { createCallerFactory, createTRPCRouter, protectedProcedure } from "../trpc";
import { onProgressInput } from "./schemas";
import { acquireStream, type CallerCheck, callerCheck, DEFAULT_STREAM_LIMITS } from "./streams";

// `media.onProgress` without a tRPC stream pipeline per connection: one fan-out per process
// (one LISTEN through the process's event listener), each event serialised once and the same
// bytes written to every stream that wants it, on a small writer over the raw response that
// speaks tRPC's SSE wire format (packages/trpc server/src/unstable-core-do-not-import/stream/sse.ts):
//   event: connected\ndata: {client options}\n\n\n      first
//   data: <serialized>\nid: <event id>\n\n\n               each tracked event
//   event: ping\ndata: \n\n\n                             after pingMs without a write
//   event: serialized-error\ndata: <error shape>\n\n\n     then the response ends
// so httpSubscriptionLink, EventSource and resume by lastEventId work unchanged. The rules are
// the procedure's: the same middlewares and input schema (run through a caller), the same asset
// check, stream cap (acquireStream) and caller re-checks (callerCheck).

const setupRouter = createTRPCRouter({
  onProgress: protectedProcedure.input(onProgressInput).query(({ ctx, input }) => ({ ctx, input })),
});
const callSetup = createCallerFactory(setupRouter);
const config = setupRouter._def._config;

/**
 * The wire's serializer: value → the text after `data: `. The one place to change when the
 * transport drops its transformer (it follows the router's `transformer.output`).
 */
export const serializeForWire = (value: unknown): string =>
  JSON.stringify(config.transformer.output.serialize(value));

const sseHeaders = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
} as const;
const CONNECTED = `event: connected\ndata: ${JSON.stringify(config.sse?.client ?? {})}\n\n\n`;
const PING = "event: ping\ndata: \n\n\n";
const PING_MS = config.sse?.ping?.enabled ? (config.sse.ping.intervalMs ?? 1000) : 0;
/** A stream whose client reads slower than this much is queued ends (it resumes by lastEventId). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

type ProgressInput = { assetId?: string | undefined; lastEventId?: string | null | undefined };

/** Where a stream's state hangs on its response (the one `close` listener is shared by all). */
const STREAM = Symbol("progressStream");
type StreamResponse = ServerResponse & { [STREAM]?: Stream };

/**
 * One open stream: small, flat state and no closures of its own (1,000 of them are what the
 * process holds beside the sockets). Its credential's re-check is shared (callerCheck).
 */
class Stream {
  lastId = 0;
  /** Events held while the stream replays its backlog or waits for its caller's re-check. */
  pending: MediaEventRecord[] | undefined = [];
  caller: CallerCheck | undefined = undefined;
  lastWrite = Date.now();
  closed = false;
  /** Whether the answer's head and `connected` went out (see `start`). */
  started = false;
  release: (() => void) | undefined = undefined;

  constructor(
    readonly fanout: ProgressFanout,
    readonly userId: string,
    readonly assetId: string | undefined,
    readonly res: StreamResponse,
    /** The answer's headers (one shared object per distinct set). */
    readonly headers: Readonly<Record<string, string>>,
  ) {
    res[STREAM] = this;
    res.once("close", onResponseClose);
  }

  /**
   * The head and tRPC's `connected` event. The client takes `connected` as "listening from now
   * on" (the studio re-reads what it shows at that moment), so it goes out only once the stream
   * hears live events and its backlog start is fixed: an event committed after the client's
   * re-read is then either in the backlog or delivered live, never in between.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (!this.res.headersSent) this.res.writeHead(200, this.headers).write(CONNECTED);
  }

  /** Writes one whole event; a shutting-down process ends the stream right after it. */
  write(chunk: string): void {
    if (this.closed) return;
    this.start();
    this.lastWrite = Date.now();
    this.res.write(chunk);
    if (this.fanout.reconnectMs !== undefined) this.endForReconnect(this.fanout.reconnectMs);
    // A client that stopped reading is let go instead of buffered without bound; it reconnects
    // with its lastEventId and replays what it missed.
    else if (this.res.writableLength > MAX_BUFFERED_BYTES) this.res.destroy();
  }

  /** Ends with tRPC's error event (UNAUTHORIZED after a failed re-check, NOT_FOUND, the cap). */
  fail(error: unknown): void {
    if (!this.closed) this.start();
    endWithError(this.res, error, undefined, undefined);
    this.end();
  }

  /**
   * Shutdown: ends at an event boundary (every write is a whole event) with a `retry:` hint and
   * no `return` event, so the client reconnects — to a server still up — after its last event id.
   */
  endForReconnect(retryMs: number): void {
    const res = this.res;
    if (!this.closed && !res.writableEnded && !res.destroyed) {
      this.start();
      res.end(`retry: ${retryMs}\n\n`);
    }
    this.end();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.res[STREAM] = undefined;
    this.fanout.remove(this);
    this.release?.();
    this.release = undefined;
  }
}

function onResponseClose(this: StreamResponse): void {
  this[STREAM]?.end();
}

/** tRPC's `serialized-error` event, then the end of the response. */
function endWithError(res: ServerResponse, error: unknown, ctx: unknown, input: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const shape = getErrorShape({
    config,
    ctx: ctx as never,
    error: getTRPCErrorFromUnknown(error),
    input,
    path: "media.onProgress",
    type: "subscription",
  });
  res.end(`event: serialized-error\ndata: ${serializeForWire(shape)}\n\n\n`);
}

const toMessage = (event: MediaEventRecord) => ({
  eventId: String(event.id),
  assetId: event.assetId,
  at: event.createdAt,
  // Generation events, and the posting job's (kind "post") for the asset's social posts.
  ...(event.payload as MediaEventPayload | PostEventPayload),
});
const dataChunk = (event: MediaEventRecord) =>
  `data: ${serializeForWire(toMessage(event))}\nid: ${event.id}\n\n\n`;

/** The streams of one process, by user, fed by one subscription to its event listener. */
export class ProgressFanout {
  private readonly byUser = new Map<string, Set<Stream>>();
  private size = 0;
  private unsubscribe: (() => void) | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  // Each live event's bytes, made once for all the streams that want it.
  private readonly chunks = new WeakMap<MediaEventRecord, string>();
  /** Serialisations made (live events): one per event, however many streams get it. */
  serialized = 0;
  /** Set once the process shuts down: the reconnect hint every stream ends with. */
  reconnectMs: number | undefined = undefined;

  constructor(
    private readonly events: MediaEventListener,
    private readonly tickMs: number,
  ) {}

  get streams(): number {
    return this.size;
  }

  /** What the streams are doing (benchmarks and tests): live, held for a replay or re-check. */
  stats(): { streams: number; holding: number; held: number; buffered: number } {
    let holding = 0;
    let held = 0;
    let buffered = 0;
    for (const set of this.byUser.values()) {
      for (const stream of set) {
        if (stream.pending) {
          holding++;
          held += stream.pending.length;
        }
        buffered += stream.res.writableLength;
      }
    }
    return { streams: this.size, holding, held, buffered };
  }

  add(stream: Stream): void {
    let set = this.byUser.get(stream.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(stream.userId, set);
    }
    set.add(stream);
    this.size++;
    this.unsubscribe ??= this.events.subscribe((event) => this.onEvent(event));
    if (!this.ticker) {
      this.ticker = setInterval(() => this.tick(), this.tickMs);
      this.ticker.unref?.();
    }
  }

  remove(stream: Stream): void {
    const set = this.byUser.get(stream.userId);
    if (!set?.delete(stream)) return;
    this.size--;
    if (set.size === 0) this.byUser.delete(stream.userId);
    if (this.size === 0) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private onEvent(event: MediaEventRecord): void {
    const set = this.byUser.get(event.userId);
    if (!set) return;
    for (const stream of set) {
      if (stream.assetId && stream.assetId !== event.assetId) continue;
      if (stream.pending) stream.pending.push(event);
      else if (stream.caller && stream.caller.msUntilDue() === 0) {
        // A re-check is due: it comes before this event.
        stream.pending = [event];
        void this.recheck(stream);
      } else this.deliver(stream, event);
    }
  }

  /** Writes a live event unless the stream has it already (ids of a user's events commit in order). */
  deliver(stream: Stream, event: MediaEventRecord): void {
    if (stream.closed || event.id <= stream.lastId) return;
    stream.lastId = event.id;
    let chunk = this.chunks.get(event);
    if (chunk === undefined) {
      chunk = dataChunk(event);
      this.chunks.set(event, chunk);
      this.serialized++;
    }
    stream.write(chunk);
  }

  /**
   * Shutdown: every stream ends now with a reconnect hint (a stream still opening ends at its
   * next write or when it goes live), and so does every stream opened from here on.
   */
  drain(reconnectMs: number): void {
    this.reconnectMs ??= reconnectMs;
    for (const set of [...this.byUser.values()]) {
      for (const stream of [...set]) stream.endForReconnect(this.reconnectMs);
    }
  }

  /** Re-checks the stream's caller (shared per credential), then delivers what it held. */
  async recheck(stream: Stream): Promise<void> {
    stream.pending ??= [];
    try {
      await stream.caller?.assertStillSignedIn();
    } catch (error) {
      stream.fail(error);
      return;
    }
    const held = stream.pending;
    stream.pending = undefined;
    for (const event of held) this.deliver(stream, event);
  }

  private tick(): void {
    const now = Date.now();
    for (const set of this.byUser.values()) {
      for (const stream of set) {
        if (stream.pending || stream.closed) continue;
        if (stream.caller && stream.caller.msUntilDue() === 0) void this.recheck(stream);
        else if (PING_MS > 0 && now - stream.lastWrite >= PING_MS) stream.write(PING);
      }
    }
  }
}

const fanouts = new WeakMap<MediaEventListener, ProgressFanout>();

/** This process's fan-out for an event listener (made on first use). */
export function progressFanoutOf(events: MediaEventListener, recheckMs: number): ProgressFanout {
  let fanout = fanouts.get(events);
  if (!fanout) {
    fanout = new ProgressFanout(events, Math.max(20, Math.min(1_000, Math.floor(recheckMs / 4))));
    fanouts.set(events, fanout);
  }
  return fanout;
}

/**
 * The input as tRPC's HTTP handler reads it for a subscription (the `input` query parameter
 * through the transformer, `Last-Event-Id` merged in); throws on what tRPC would refuse itself.
 */
function readInput(url: URL, headers: IncomingMessage["headers"]): unknown {
  const param = url.searchParams.get("input");
  let input: unknown =
    param === null ? undefined : config.transformer.input.deserialize(JSON.parse(param));
  const header = headers["last-event-id"];
  const lastEventId =
    (typeof header === "string" ? header : undefined) ??
    url.searchParams.get("lastEventId") ??
    url.searchParams.get("Last-Event-Id");
  if (lastEventId) {
    if (input !== null && typeof input === "object" && !Array.isArray(input)) {
      input = { ...input, lastEventId };
    } else input ??= { lastEventId };
  }
  return input;
}

/** What the process tells the stream handler besides the API's dependencies. */
export type ProgressStreamOptions = {
  /** Aborted when the process shuts down: open streams end with a `retry:` hint. */
  draining?: AbortSignal | undefined;
  /** The hint's milliseconds (how soon the client reconnects). */
  reconnectMs?: number;
  /**
   * Headers the stream's answer carries besides the SSE ones (the server's security headers),
   * made once: the same object for every request it applies to.
   */
  headersFor?: ((req: IncomingMessage) => Readonly<Record<string, string>>) | undefined;
};

/**
 * The Node handler for `GET /trpc/media.onProgress` (mount it before tRPC's; it reads only
 * `req.url`, `req.method` and `req.headers`, so it runs on a raw node:http request). A request it
 * does not take (a batch, input tRPC itself would refuse, a failing context) goes to `next`, so
 * tRPC answers it exactly as before.
 */
export function createProgressStreamHandler(deps: ApiDeps, options: ProgressStreamOptions = {}) {
  const createContext = createContextFactory(deps);
  const fanout = progressFanoutOf(
    deps.events,
    deps.streams?.recheckMs ?? DEFAULT_STREAM_LIMITS.recheckMs,
  );
  const { draining, reconnectMs = 1_000, headersFor } = options;
  // The answer's headers, merged once per distinct set (no per-request header object).
  const merged = new WeakMap<object, Readonly<Record<string, string>>>();
  const headersOf = (req: IncomingMessage) => {
    const extra = headersFor?.(req);
    if (!extra) return sseHeaders;
    let all = merged.get(extra);
    if (!all) {
      all = { ...extra, ...sseHeaders };
      merged.set(extra, all);
    }
    return all;
  };
  if (draining?.aborted) fanout.drain(reconnectMs);
  else draining?.addEventListener("abort", () => fanout.drain(reconnectMs), { once: true });
  return async (req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" || url.searchParams.has("batch")) return next();
    let rawInput: unknown;
    let ctx: ApiContext;
    try {
      rawInput = readInput(url, req.headers);
      ctx = await createContext({ req });
    } catch {
      return next();
    }
    let setup: { ctx: ApiContext & { user: SessionUser }; input: ProgressInput };
    try {
      setup = await callSetup(ctx).onProgress(rawInput as never);
    } catch (error) {
      res.writeHead(200, headersOf(req)).write(CONNECTED);
      return endWithError(res, error, ctx, rawInput);
    }
    // `connected` goes out once the stream listens (Stream.start), not before.
    const stream = new Stream(fanout, setup.ctx.user.id, setup.input.assetId, res, headersOf(req));
    if (fanout.reconnectMs !== undefined) return stream.endForReconnect(fanout.reconnectMs);
    await openStream(fanout, stream, setup.ctx, setup.input);
  };
}

async function openStream(
  fanout: ProgressFanout,
  stream: Stream,
  ctx: ApiContext & { user: SessionUser },
  input: ProgressInput,
): Promise<void> {
  try {
    if (
      input.assetId &&
      !(await findMediaAsset(ctx.db, { id: input.assetId, userId: ctx.user.id }))
    ) {
      throw new TRPCError({ code: "NOT_FOUND", message: "No such asset." });
    }
    if (stream.closed) return;
    const release = await acquireStream(ctx);
    if (stream.closed) return release();
    stream.release = release;
    stream.caller = callerCheck(ctx);
    // Listening before the backlog is read, so no event falls in between.
    fanout.add(stream);
    await ctx.events.ready;
    let lastId = input.lastEventId
      ? Number(input.lastEventId)
      : input.assetId
        ? 0 // one asset: everything it went through, so a late subscriber sees its state
        : await latestMediaEventId(ctx.db, ctx.user.id);
    const backlog = await listMediaEventsAfter(ctx.db, {
      userId: ctx.user.id,
      afterId: lastId,
      assetId: input.assetId,
    });
    if (stream.closed) return;
    // Listening, and the backlog read: from here the client may re-read what it shows.
    stream.start();
    for (const event of backlog) {
      lastId = event.id;
      stream.write(dataChunk(event));
    }
    stream.lastId = Math.max(stream.lastId, lastId);
    // Held events go out after the caller's check, as every live event does once one is due.
    await fanout.recheck(stream);
    // A shutdown that began while the stream opened ends it now (it may have written nothing).
    if (fanout.reconnectMs !== undefined) stream.endForReconnect(fanout.reconnectMs);
  } catch (error) {
    stream.fail(error);
  }
}
