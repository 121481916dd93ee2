// The OpenTelemetry SDK for a server or worker process, chosen by configuration: metrics to a
// Prometheus scrape endpoint on its own port or pushed over OTLP/HTTP, traces over OTLP/HTTP, or
// nothing (the default: no SDK object is even created, every instrument stays the API's no-op).
// The OTLP exporters read OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS and their
// per-signal variants from the environment themselves.
import { randomUUID } from "node:crypto";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  MeterProvider,
  type MetricReader,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { bindMeterProvider, setTracingActive } from "./index";

export type MetricsExporter = "none" | "prometheus" | "otlp";
export type TracesExporter = "none" | "otlp";

export interface TelemetryConfig {
  metrics: MetricsExporter;
  traces: TracesExporter;
  /** service.name (OTEL_SERVICE_NAME wins when set). */
  serviceName: string;
  /** METRICS_EXPORTER=prometheus: where the scrape endpoint listens (its own port). */
  prometheus?: { host: string; port: number } | undefined;
  /** METRICS_EXPORTER=otlp: how often metrics are pushed (OTEL_METRIC_EXPORT_INTERVAL), ms. */
  exportIntervalMs?: number | undefined;
  /** Tests: more readers (an in-memory one) and a span exporter exported span by span. */
  metricReaders?: MetricReader[] | undefined;
  spanExporter?: SpanExporter | undefined;
}

export interface Telemetry {
  /** The Prometheus scrape URL when that exporter runs. */
  readonly prometheusUrl: string | undefined;
  /** Pushes what is pending (OTLP) and stops the exporters. */
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/** Starts the configured exporters (nothing at all for none/none) and binds the instruments. */
export async function startTelemetry(config: TelemetryConfig): Promise<Telemetry> {
  const resource = resourceFromAttributes({
    "service.name": process.env.OTEL_SERVICE_NAME || config.serviceName,
    "service.instance.id": randomUUID(),
  });
  const readers: MetricReader[] = [...(config.metricReaders ?? [])];
  let prometheus: PrometheusExporter | undefined;
  let prometheusUrl: string | undefined;
  if (config.metrics === "prometheus") {
    const { host, port } = config.prometheus ?? { host: "127.0.0.1", port: 9464 };
    prometheus = new PrometheusExporter({
      host,
      port,
      endpoint: "/metrics",
      preventServerStart: true,
    });
    await prometheus.startServer();
    const address = (
      prometheus as unknown as { _server?: { address(): unknown } }
    )._server?.address();
    const bound =
      typeof address === "object" && address ? (address as { port: number }).port : port;
    prometheusUrl = `http://${host.includes(":") ? `[${host}]` : host}:${bound}/metrics`;
    readers.push(prometheus);
  } else if (config.metrics === "otlp") {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: config.exportIntervalMs ?? 60_000,
      }),
    );
  }
  const meterProvider = readers.length ? new MeterProvider({ resource, readers }) : undefined;
  bindMeterProvider(meterProvider);

  let tracerProvider: TracerProvider | undefined;
  const spanProcessors = [
    ...(config.traces === "otlp"
      ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })]
      : []),
    ...(config.spanExporter ? [new SimpleSpanProcessor({ exporter: config.spanExporter })] : []),
  ];
  if (spanProcessors.length) {
    tracerProvider = new TracerProvider({ resource, spanProcessors });
    // One global tracer provider, context manager and propagator per process (tests re-install).
    trace.disable();
    context.disable();
    propagation.disable();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracerProvider);
    setTracingActive(true);
  }

  return {
    prometheusUrl,
    async forceFlush() {
      await meterProvider?.forceFlush().catch(() => {});
      await tracerProvider?.forceFlush().catch(() => {});
    },
    async shutdown() {
      bindMeterProvider(undefined);
      await meterProvider?.shutdown().catch(() => {});
      if (tracerProvider) {
        await tracerProvider.shutdown().catch(() => {});
        trace.disable();
        context.disable();
        propagation.disable();
        setTracingActive(false);
      }
    },
  };
}
