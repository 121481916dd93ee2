// Tests: an in-memory metric reader and span exporter installed through the same startTelemetry
// the processes use, and the collected points flattened to { name, attributes, value }.
import { type DataPoint, DataPointType, MetricReader } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { startTelemetry, type TelemetryConfig } from "./sdk";

/** A reader that only collects when asked (tests read it). */
class PullReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface MetricPoint {
  name: string;
  attributes: Record<string, unknown>;
  /** A counter's or gauge's value; a histogram's count. */
  value: number;
  /** A histogram's sum. */
  sum?: number | undefined;
}

export async function installTestTelemetry(config: Partial<TelemetryConfig> = {}) {
  const reader = new PullReader();
  const spans = new InMemorySpanExporter();
  const telemetry = await startTelemetry({
    metrics: "none",
    traces: "none",
    serviceName: "streamline-test",
    ...config,
    metricReaders: [reader],
    spanExporter: spans,
  });
  return {
    telemetry,
    async collect(): Promise<MetricPoint[]> {
      const { resourceMetrics } = await reader.collect();
      const points: MetricPoint[] = [];
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          for (const point of metric.dataPoints as DataPoint<unknown>[]) {
            const value = point.value as number | { count: number; sum?: number };
            const histogram = metric.dataPointType === DataPointType.HISTOGRAM;
            points.push({
              name: metric.descriptor.name,
              attributes: { ...point.attributes },
              value: histogram ? (value as { count: number }).count : (value as number),
              sum: histogram ? (value as { sum?: number }).sum : undefined,
            });
          }
        }
      }
      return points;
    },
    spans: (): ReadableSpan[] => spans.getFinishedSpans(),
    uninstall: () => telemetry.shutdown(),
  };
}

/** Sums the points of `name` whose attributes include `where`. */
export function total(
  points: MetricPoint[],
  name: string,
  where: Record<string, unknown> = {},
): number {
  return points
    .filter(
      (p) => p.name === name && Object.entries(where).every(([k, v]) => p.attributes[k] === v),
    )
    .reduce((sum, p) => sum + p.value, 0);
}
