// What a taken job records: its wait once due, a takeover when an earlier attempt stopped
// unfinished, and a span continuing the enqueuer's trace.
import { inSpan, METRIC } from "@streamline/telemetry";
import { installTestTelemetry, total } from "@streamline/telemetry/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runTakenJob, traceData } from "./job-telemetry";

let otel: Awaited<ReturnType<typeof installTestTelemetry>>;
beforeAll(async () => {
  otel = await installTestTelemetry();
});
afterAll(() => otel.uninstall());

it("records the wait, counts a takeover and continues the enqueuer's trace", async () => {
  let data: ReturnType<typeof traceData> = {};
  await inSpan("enqueue", {}, async () => {
    data = traceData();
  });
  const due = new Date("2026-12-07T10:00:00Z");
  const first = { id: "job-1", retryCount: 0, startAfter: due, data };
  const again = {
    id: "job-1",
    retryCount: 1,
    startAfter: due,
    startedOn: new Date(due.getTime() + 2_500),
    data,
  };
  await runTakenJob(
    "media-generate",
    { ...first, startedOn: new Date(due.getTime() + 500) },
    {},
    async () => {},
  );
  await runTakenJob("media-generate", again, { "streamline.asset.id": "a1" }, async () => {});
  const points = await otel.collect();
  const queue = { "messaging.destination.name": "media-generate" };
  expect(total(points, METRIC.jobTakeovers, queue)).toBe(1);
  const wait = points.find((p) => p.name === METRIC.queueWait);
  expect(wait).toMatchObject({ value: 2, sum: 3 });
  const spans = otel.spans();
  const enqueue = spans.find((s) => s.name === "enqueue");
  const jobs = spans.filter((s) => s.name === "media-generate process");
  expect(jobs).toHaveLength(2);
  for (const job of jobs) {
    expect(job.spanContext().traceId).toBe(enqueue?.spanContext().traceId);
    expect(job.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId);
  }
});
