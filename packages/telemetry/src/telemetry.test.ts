// Off means off (no reader, no observable callback, no trace context in jobs); on, the instruments
// record through the bound provider and traces propagate through a job's carrier.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  contextFromCarrier,
  inSpan,
  METRIC,
  metrics,
  setObservers,
  telemetryActive,
  traceCarrier,
} from "./index";
import { installTestTelemetry, total } from "./testing";

describe("telemetry", () => {
  let uninstall: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await uninstall?.();
    uninstall = undefined;
  });

  it("is a no-op until a provider is bound: nothing observed, no trace context", async () => {
    const queueDepth = vi.fn(async () => [{ queue: "q", state: "ready", jobs: 1 }]);
    setObservers({ queueDepth });
    expect(telemetryActive()).toBe(false);
    metrics().generations.add(1, { status: "succeeded" });
    await inSpan("work", {}, async () => {
      expect(traceCarrier()).toBeUndefined();
    });
    expect(queueDepth).not.toHaveBeenCalled();
    // What was recorded while off is not there once a provider is bound.
    const otel = await installTestTelemetry();
    uninstall = otel.uninstall;
    const points = await otel.collect();
    expect(total(points, METRIC.generations)).toBe(0);
    expect(queueDepth).toHaveBeenCalledTimes(1);
    expect(total(points, METRIC.queueDepth, { "messaging.destination.name": "q" })).toBe(1);
  });

  it("records through the bound provider and continues a trace from a job's carrier", async () => {
    const otel = await installTestTelemetry();
    uninstall = otel.uninstall;
    expect(telemetryActive()).toBe(true);
    metrics().generations.add(2, { status: "failed", "error.type": "TIMEOUT" });
    let carrier: Record<string, string> | undefined;
    await inSpan("enqueue", {}, async () => {
      carrier = traceCarrier();
    });
    expect(carrier?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await inSpan("job", { parent: contextFromCarrier(carrier) }, async () => {});
    await expect(
      inSpan("fails", {}, async () => {
        throw Object.assign(new Error("no"), { code: "TIMEOUT" });
      }),
    ).rejects.toThrow("no");
    const points = await otel.collect();
    expect(total(points, METRIC.generations, { "error.type": "TIMEOUT" })).toBe(2);
    const spans = otel.spans();
    const enqueue = spans.find((s) => s.name === "enqueue");
    const job = spans.find((s) => s.name === "job");
    expect(job?.spanContext().traceId).toBe(enqueue?.spanContext().traceId);
    expect(job?.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId);
    expect(spans.find((s) => s.name === "fails")?.attributes["error.type"]).toBe("TIMEOUT");
  });
});
