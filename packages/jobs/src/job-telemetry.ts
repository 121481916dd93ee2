// What every queue's handler records about a job it takes (README "Observability"): how long the
// job waited once due (streamline.queue.wait), whether it is a takeover (streamline.job.takeovers:
// its previous attempt stopped unfinished — a dead or stopped worker, or a throw), and its span,
// continued from the trace context the enqueuer put in the job's data.
import { contextFromCarrier, inSpan, metrics, traceCarrier } from "@streamline/telemetry";

/** The pg-boss job fields this reads (`includeMetadata: true`). */
export interface TakenJob {
  id: string;
  retryCount: number;
  startAfter?: Date | undefined;
  startedOn?: Date | undefined;
  data: { trace?: Record<string, string> | undefined };
}

/** Trace context to put in a job's data: nothing when tracing is off. */
export function traceData(): { trace?: Record<string, string> } {
  const trace = traceCarrier();
  return trace ? { trace } : {};
}

/** Runs a job's work inside its span, after recording its wait and takeover. */
export function runTakenJob<T>(
  queue: string,
  job: TakenJob,
  attributes: Record<string, string>,
  work: () => Promise<T>,
): Promise<T> {
  const queueAttributes = { "messaging.destination.name": queue };
  if (job.startAfter && job.startedOn) {
    const waited = Math.max(0, job.startedOn.getTime() - job.startAfter.getTime()) / 1000;
    metrics().queueWait.record(waited, queueAttributes);
  }
  if (job.retryCount > 0) metrics().jobTakeovers.add(1, queueAttributes);
  return inSpan(
    `${queue} process`,
    {
      kind: "consumer",
      parent: contextFromCarrier(job.data.trace),
      attributes: {
        ...queueAttributes,
        "messaging.message.id": job.id,
        "streamline.job.retry_count": job.retryCount,
        ...attributes,
      },
    },
    work,
  );
}
