// A job runs in a log context of its own (@streamline/log): the request id of the call that
// enqueued it — saved in the job's data — its user, its pg-boss id and queue, and what it works on.
// Its log lines and its provider calls (X-Client-Request-Id at OpenAI) carry them.
import {
  acceptRequestId,
  currentContext,
  type LogContext,
  logger,
  newRequestId,
  runInNewContext,
} from "@streamline/log";

/** What a job's data carries from the call that enqueued it. */
export interface JobOrigin {
  /** The enqueuing HTTP call's (or job's) request id. */
  requestId?: string | undefined;
  userId?: string | undefined;
}

/** The current call's request id and user, to save in the data of a job it enqueues. */
export function jobOrigin(): JobOrigin {
  const context = currentContext();
  if (!context) return {};
  return {
    requestId: context.requestId,
    ...(context.userId ? { userId: context.userId } : {}),
  };
}

/**
 * Runs one job's work in its own context: the saved request id when it is one (else a new one,
 * e.g. a job enqueued before request ids were saved), its user, job id and queue. One line when
 * it ends (`info`; `debug` for routine ticks), a warning when it throws (pg-boss runs it again).
 */
export function runJobInContext<T>(
  job: { id: string; name?: string; data: unknown },
  subject: Pick<LogContext, "assetId" | "postId" | "queue">,
  work: () => Promise<T>,
  options: { endLevel?: "info" | "debug" } = {},
): Promise<T> {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const context: LogContext = {
    requestId: acceptRequestId(data.requestId as string | undefined) ?? newRequestId(),
    jobId: job.id,
    ...subject,
  };
  if (typeof data.userId === "string") context.userId = data.userId;
  return runInNewContext(context, async () => {
    const startedAt = performance.now();
    const ms = () => Math.round(performance.now() - startedAt);
    try {
      const result = await work();
      logger[options.endLevel ?? "info"]({ ms: ms() }, `[jobs] ${subject.queue} job ended`);
      return result;
    } catch (error) {
      logger.warn({ ms: ms(), err: error }, `[jobs] ${subject.queue} job stopped, to be run again`);
      throw error;
    }
  });
}
