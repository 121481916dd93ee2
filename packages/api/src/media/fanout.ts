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
import { acquireStream, callerCheck, DEFAULT_STREAM_LIMITS } from "./streams";

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

type Stream = {
  userId: string;
  assetId: string | undefined;
  res: ServerResponse;
  lastId: number;
  /** Events held while the stream replays its backlog or waits for its caller's re-check. */
  pending: MediaEventRecord[] | undefined;
  caller: ReturnType<typeof callerCheck> | undefined;
  fail(error: unknown): void;
  lastWrite: number;
  closed: boolean;
  release: (() => void) | undefined;
};

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
    write(stream, chunk);
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
        else if (PING_MS > 0 && now - stream.lastWrite >= PING_MS) write(stream, PING);
      }
    }
  }
}

function write(stream: Stream, chunk: string): void {
  stream.lastWrite = Date.now();
  stream.res.write(chunk);
  // A client that stopped reading is let go instead of buffered without bound; it reconnects
  // with its lastEventId and replays what it missed.
  if (stream.res.writableLength > MAX_BUFFERED_BYTES) stream.res.destroy();
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

/**
 * The Node handler for `GET /trpc/media.onProgress` (mount it before tRPC's). A request it does
 * not take (a batch, input tRPC itself would refuse, a failing context) goes to `next`, so tRPC
 * answers it exactly as before.
 */
export function createProgressStreamHandler(deps: ApiDeps) {
  const createContext = createContextFactory(deps);
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
    const fail = (error: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      const shape = getErrorShape({
        config,
        ctx,
        error: getTRPCErrorFromUnknown(error),
        input: rawInput,
        path: "media.onProgress",
        type: "subscription",
      });
      res.end(`event: serialized-error\ndata: ${serializeForWire(shape)}\n\n\n`);
    };
    let setup: { ctx: ApiContext & { user: SessionUser }; input: ProgressInput };
    try {
      setup = await callSetup(ctx).onProgress(rawInput as never);
    } catch (error) {
      res.writeHead(200, sseHeaders).write(CONNECTED);
      return fail(error);
    }
    res.writeHead(200, sseHeaders).write(CONNECTED);
    await openStream(setup.ctx, setup.input, res, fail);
  };
}

async function openStream(
  ctx: ApiContext & { user: SessionUser },
  input: ProgressInput,
  res: ServerResponse,
  fail: (error: unknown) => void,
): Promise<void> {
  const fanout = progressFanoutOf(
    ctx.events,
    ctx.streams?.recheckMs ?? DEFAULT_STREAM_LIMITS.recheckMs,
  );
  const stream: Stream = {
    userId: ctx.user.id,
    assetId: input.assetId,
    res,
    lastId: 0,
    pending: [],
    caller: undefined,
    fail: (error) => {
      fail(error);
      end();
    },
    lastWrite: Date.now(),
    closed: false,
    release: undefined,
  };
  const end = () => {
    if (stream.closed) return;
    stream.closed = true;
    fanout.remove(stream);
    stream.release?.();
  };
  res.once("close", end);
  try {
    if (
      input.assetId &&
      !(await findMediaAsset(ctx.db, { id: input.assetId, userId: ctx.user.id }))
    ) {
      throw new TRPCError({ code: "NOT_FOUND", message: "No such asset." });
    }
    if (stream.closed) return;
    stream.release = await acquireStream(ctx);
    if (stream.closed) return stream.release();
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
    for (const event of backlog) {
      lastId = event.id;
      write(stream, dataChunk(event));
    }
    stream.lastId = Math.max(stream.lastId, lastId);
    // Held events go out after the caller's check, as every live event does once one is due.
    await fanout.recheck(stream);
  } catch (error) {
    stream.fail(error);
  }
}
