// What a log line knows about the work it belongs to — the HTTP call or the job, and who asked —
// carried by AsyncLocalStorage so a log call anywhere below (a provider adapter, a query) picks it up
// without being handed it. Other instrumentation (traces, metrics) may read it through
// currentContext(); this module depends on nothing but node:async_hooks.
import { AsyncLocalStorage } from "node:async_hooks";

export interface LogContext {
  /** The HTTP call's id (X-Request-Id), carried into the jobs it enqueued and their provider calls. */
  requestId: string;
  /** The signed-in user (or API-key owner), once known. */
  userId?: string | undefined;
  /** The pg-boss job being run. */
  jobId?: string | undefined;
  /** The job's queue (media-generate, social-post …). */
  queue?: string | undefined;
  /** The generation's asset, or the scheduled post, a job works on. */
  assetId?: string | undefined;
  postId?: string | undefined;
}

const storage = new AsyncLocalStorage<LogContext>();

/** The context of the work running now (undefined outside an HTTP call or a job). */
export function currentContext(): Readonly<LogContext> | undefined {
  return storage.getStore();
}

/**
 * Runs `work` with `context` (over the current one's fields, so a job started inside a call keeps
 * the call's user unless it says otherwise). Everything `work` awaits or schedules sees it.
 */
export function runWithContext<T>(context: LogContext, work: () => T): T {
  const parent = storage.getStore();
  return storage.run(parent ? { ...parent, ...withoutUndefined(context) } : context, work);
}

/**
 * Runs `work` in a context of its own, inheriting nothing: the root of an HTTP call or of a job
 * (whatever async chain happened to wake the worker up — a NOTIFY delivered during another call's
 * query — must not lend it that call's user). `context` itself is the store: what
 * setContextFields adds inside `work` is on it afterwards (the access line reads the user there).
 */
export function runInNewContext<T>(context: LogContext, work: () => T): T {
  return storage.run(context, work);
}

/**
 * Adds what became known part-way (the user, once the call is authenticated) to the current
 * context, so this call's later lines — its access line included — carry it. No-op outside one.
 */
export function setContextFields(fields: Partial<Omit<LogContext, "requestId">>): void {
  const store = storage.getStore();
  if (store) Object.assign(store, withoutUndefined(fields));
}

function withoutUndefined<T extends object>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
