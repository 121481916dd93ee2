// Every metric instrument and the tracer of the product, in one place (OpenTelemetry API only:
// packages record through it, apps/server's sdk.ts decides where it goes). Until a meter provider
// is bound (METRICS_EXPORTER=none, the default) every instrument is the API's no-op and no
// observable callback ever runs: recording costs a function call, nothing is kept.
import {
  type Attributes,
  type Context,
  type Counter,
  context,
  createNoopMeter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type ObservableGauge,
  type ObservableResult,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

/** The instrumentation scope every instrument and span is created under. */
export const TELEMETRY_SCOPE = "streamline-ai-studio";

/** The metric names (README "Observability" lists them with their attributes). */
export const METRIC = {
  /** Generations that reached a terminal status: model, status, error.type (the error code). */
  generations: "streamline.generations",
  /** One provider call (all its attempts), seconds: provider, api (shape), call.kind, outcome. */
  providerCallDuration: "streamline.provider.call.duration",
  /** Provider HTTP attempts (the first included): provider, api, call.kind, outcome. */
  providerAttempts: "streamline.provider.call.attempts",
  /** Jobs waiting per queue and state (ready, deferred, active), from pg-boss. */
  queueDepth: "streamline.queue.depth",
  /** From a job being due to a worker taking it, seconds: queue. */
  queueWait: "streamline.queue.wait",
  /** Jobs taken up again after their previous attempt stopped unfinished: queue. */
  jobTakeovers: "streamline.job.takeovers",
  /** Progress streams (SSE) open on this process. */
  sseStreams: "streamline.sse.streams.open",
  /** Posts that reached an outcome per platform: platform, outcome. */
  posts: "streamline.posts",
  /** Today's (UTC) spend, US dollars, all users: kind (generation | caption). */
  spendToday: "streamline.spend.today",
  /** HTTP server request duration (OTel semantic conventions), seconds. */
  httpDuration: "http.server.request.duration",
  /** One tRPC procedure call, seconds (OTel RPC conventions): rpc.method, rpc.response.status_code. */
  rpcDuration: "rpc.server.call.duration",
} as const;

/** Seconds buckets for latencies from a few ms (HTTP) to many minutes (a video's create). */
const SECONDS_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200,
];

function build(meter: Meter) {
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, {
      description,
      unit: "s",
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
  return {
    generations: meter.createCounter(METRIC.generations, {
      description: "Generations that reached a terminal status",
      unit: "{generation}",
    }) as Counter,
    providerCallDuration: seconds(
      METRIC.providerCallDuration,
      "One provider call, every attempt and backoff included",
    ) as Histogram,
    providerAttempts: meter.createCounter(METRIC.providerAttempts, {
      description: "Provider HTTP attempts (first tries and retries)",
      unit: "{attempt}",
    }) as Counter,
    queueDepth: meter.createObservableGauge(METRIC.queueDepth, {
      description: "Jobs in a queue by state",
      unit: "{job}",
    }) as ObservableGauge,
    queueWait: seconds(METRIC.queueWait, "Time a due job waited for a worker") as Histogram,
    jobTakeovers: meter.createCounter(METRIC.jobTakeovers, {
      description: "Jobs taken up again after their previous attempt stopped unfinished",
      unit: "{job}",
    }) as Counter,
    sseStreams: meter.createObservableUpDownCounter(METRIC.sseStreams, {
      description: "Progress streams (SSE) open on this process",
      unit: "{stream}",
    }),
    posts: meter.createCounter(METRIC.posts, {
      description: "Post platforms that reached an outcome",
      unit: "{post}",
    }) as Counter,
    spendToday: meter.createObservableGauge(METRIC.spendToday, {
      description: "Spend so far today (UTC), all users",
      unit: "USD",
    }) as ObservableGauge,
    httpDuration: seconds(METRIC.httpDuration, "Duration of HTTP server requests") as Histogram,
    rpcDuration: seconds(METRIC.rpcDuration, "Duration of tRPC procedure calls") as Histogram,
  };
}

export type Instruments = ReturnType<typeof build>;

/** What the process observes on demand (queue depth, open streams, spend): set by the runtime. */
export interface Observers {
  queueDepth?: () => Promise<{ queue: string; state: string; jobs: number }[]>;
  sseStreams?: () => number;
  spendToday?: () => Promise<{ kind: string; usd: number }[]>;
}

let instruments: Instruments = build(createNoopMeter());
const observers: Observers = {};
let unbind: (() => void) | undefined;
let metricsBound = false;
let tracingOn = false;

/** Whether anything records (a meter provider bound, or a tracer provider installed). */
export function telemetryActive(): boolean {
  return metricsBound || tracingOn;
}

/** sdk.ts says when it installed (or removed) the tracer provider. */
export function setTracingActive(on: boolean): void {
  tracingOn = on;
}

/** The instruments to record with (no-ops until `bindMeterProvider`). */
export function metrics(): Instruments {
  return instruments;
}

/**
 * Records through `provider` from now on (the SDK's, or a test's in-memory one) and starts the
 * observable callbacks; `undefined` goes back to no-ops.
 */
export function bindMeterProvider(provider: MeterProvider | undefined): void {
  unbind?.();
  unbind = undefined;
  metricsBound = provider !== undefined;
  if (!provider) {
    instruments = build(createNoopMeter());
    return;
  }
  const meter = provider.getMeter(TELEMETRY_SCOPE);
  instruments = build(meter);
  const { queueDepth, sseStreams, spendToday } = instruments;
  const onQueues = async (result: ObservableResult) => {
    for (const row of (await observers.queueDepth?.().catch(() => [])) ?? []) {
      result.observe(row.jobs, { "messaging.destination.name": row.queue, state: row.state });
    }
  };
  const onStreams = (result: ObservableResult) => {
    if (observers.sseStreams) result.observe(observers.sseStreams());
  };
  const onSpend = async (result: ObservableResult) => {
    for (const row of (await observers.spendToday?.().catch(() => [])) ?? []) {
      result.observe(row.usd, { kind: row.kind });
    }
  };
  queueDepth.addCallback(onQueues);
  sseStreams.addCallback(onStreams);
  spendToday.addCallback(onSpend);
  unbind = () => {
    queueDepth.removeCallback(onQueues);
    sseStreams.removeCallback(onStreams);
    spendToday.removeCallback(onSpend);
  };
}

/** Sets (or replaces) what observable instruments read; only read while a provider is bound. */
export function setObservers(next: Observers): void {
  Object.assign(observers, next);
}

// ---------------------------------------------------------------------------------------------
// Traces: the API's global tracer (a no-op until sdk.ts registers a provider).

const tracer = () => trace.getTracer(TELEMETRY_SCOPE);

/**
 * Runs `work` inside a new active span (a child of the active one, or of `parent`); a thrown error
 * marks the span failed. A no-op span when tracing is off.
 */
export async function inSpan<T>(
  name: string,
  options: { attributes?: Attributes; kind?: "internal" | "client" | "consumer"; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const kind =
    options.kind === "client"
      ? SpanKind.CLIENT
      : options.kind === "consumer"
        ? SpanKind.CONSUMER
        : SpanKind.INTERNAL;
  return tracer().startActiveSpan(
    name,
    { kind, attributes: options.attributes },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.name : "error",
        });
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code === "string") span.setAttribute("error.type", code);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** The active span (a no-op one when none): to add attributes or events where work happens. */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/**
 * The active trace context as W3C `traceparent`/`tracestate` strings, to carry in a job's data;
 * undefined when tracing is off (nothing is added to the job).
 */
export function traceCarrier(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length ? carrier : undefined;
}

/** The context a job's carrier names (the root context when there is none). */
export function contextFromCarrier(carrier: unknown): Context {
  if (!carrier || typeof carrier !== "object") return context.active();
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(carrier)) {
    if (typeof value === "string" && value.length < 512) clean[key] = value;
  }
  return propagation.extract(context.active(), clean);
}

/** Seconds since `startMs` (performance.now()), for histograms. */
export function secondsSince(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}

export type { Attributes, Span } from "@opentelemetry/api";
export { DiagLogLevel, diag } from "@opentelemetry/api";

/** Marks a span failed with an error type (a tRPC code, an HTTP status class). */
export function markFailed(span: Span, errorType: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
  span.setAttribute("error.type", errorType);
}

/** The routes http.server.request.duration names (a bounded set: never a raw client path). */
const HTTP_ROUTES = [
  "/trpc/media.onProgress",
  "/trpc",
  "/api/auth",
  "/media",
  "/webhooks/zernio",
  "/healthz",
  "/readyz",
] as const;

function routeOf(path: string): string {
  for (const route of HTTP_ROUTES) {
    if (path === route || path.startsWith(`${route}/`) || path.startsWith(`${route}?`))
      return route;
  }
  return "/*";
}

interface HttpRequestLike {
  method?: string | undefined;
  url?: string | undefined;
  originalUrl?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}
interface HttpResponseLike {
  statusCode: number;
  once(event: "finish" | "close", listener: () => void): unknown;
}

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/**
 * Express/Connect middleware: one SERVER span per request (continuing a W3C `traceparent` the
 * caller sent) made active for the rest of the chain, and http.server.request.duration with the
 * semantic conventions' attributes. With telemetry off it only passes the request on.
 */
export function httpTelemetry() {
  return (req: HttpRequestLike, res: HttpResponseLike, next: () => void): void => {
    if (!telemetryActive()) {
      next();
      return;
    }
    const started = performance.now();
    const route = routeOf((req.originalUrl ?? req.url ?? "/").split("?")[0] ?? "/");
    const method = KNOWN_METHODS.has(req.method ?? "") ? (req.method as string) : "_OTHER";
    const parent = propagation.extract(context.active(), req.headers, {
      get: (carrier, key) => {
        const value = carrier[key];
        return Array.isArray(value) ? value[0] : value;
      },
      keys: (carrier) => Object.keys(carrier),
    });
    const span = tracer().startSpan(
      `${method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": method, "http.route": route },
      },
      parent,
    );
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const status = res.statusCode;
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) markFailed(span, String(status));
      span.end();
      // Progress streams stay open for minutes: their duration is not a latency.
      if (route === "/trpc/media.onProgress") return;
      metrics().httpDuration.record(secondsSince(started), {
        "http.request.method": method,
        "http.route": route,
        "http.response.status_code": status,
        ...(status >= 500 ? { "error.type": String(status) } : {}),
      });
    };
    res.once("finish", finish);
    res.once("close", finish);
    context.with(trace.setSpan(parent, span), next);
  };
}
