import {
  claimMediaStream,
  type MediaEventListener,
  releaseMediaStream,
  renewMediaStreams,
} from "@streamline/db";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../context";

export const DEFAULT_STREAM_LIMITS = { maxPerUser: 20, recheckMs: 30_000 } as const;

/**
 * A stream's lease outlives three missed renewals, so a busy event loop never drops a live
 * stream, and a process that dies frees its users' slots within that time.
 */
export const streamLeaseMs = (recheckMs: number) => Math.max(3 * recheckMs, 1_000);

type Leases = { ids: Set<string>; timer?: ReturnType<typeof setInterval> | undefined };

// This process's open stream leases, kept beside its one event listener and renewed together:
// one UPDATE per re-check interval for all of them, however many streams are open.
const processLeases = new WeakMap<MediaEventListener, Leases>();

/**
 * Takes one of the user's stream slots — counted in the database across every server process —
 * or refuses with TOO_MANY_REQUESTS when all are taken. Returns the release function (call it
 * exactly once, in `finally`).
 */
/** Progress streams open on this process (the streamline.sse.streams.open gauge). */
export function openStreamsOf(events: ApiContext["events"]): number {
  return processLeases.get(events)?.ids.size ?? 0;
}

export async function acquireStream(ctx: ApiContext & { user: SessionUser }): Promise<() => void> {
  const max = ctx.streams?.maxPerUser ?? DEFAULT_STREAM_LIMITS.maxPerUser;
  const recheckMs = ctx.streams?.recheckMs ?? DEFAULT_STREAM_LIMITS.recheckMs;
  const leaseMs = streamLeaseMs(recheckMs);
  const claim = await claimMediaStream(ctx.db, { userId: ctx.user.id, max, leaseMs });
  if (!("id" in claim)) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Too many live progress streams: ${claim.open} are open for your account (limit ${max}, across all of the studio's servers). Close a studio tab or an idle client first.`,
    });
  }
  let leases = processLeases.get(ctx.events);
  if (!leases) {
    leases = { ids: new Set() };
    processLeases.set(ctx.events, leases);
  }
  leases.ids.add(claim.id);
  if (!leases.timer) leases.timer = renewEvery(ctx.db, leases, recheckMs, leaseMs);
  return releaser(ctx.db, leases, claim.id);
}

// The two closures below are made apart from acquireStream so that they hold the database handle
// and the lease alone, not the request's context (its headers and user) for the stream's life.

function renewEvery(
  db: ApiContext["db"],
  leases: Leases,
  recheckMs: number,
  leaseMs: number,
): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    // A failed renewal is retried next time; the lease has room for two more.
    renewMediaStreams(db, [...leases.ids], leaseMs).catch(() => {});
  }, recheckMs);
  timer.unref?.();
  return timer;
}

function releaser(db: ApiContext["db"], leases: Leases, id: string): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    leases.ids.delete(id);
    if (leases.ids.size === 0 && leases.timer) {
      clearInterval(leases.timer);
      leases.timer = undefined;
    }
    // Not awaited: the stream is over either way; an undeleted lease expires by itself.
    releaseMediaStream(db, id).catch(() => {});
  };
}

/** Refused for good: the stream's credential no longer signs this user in. */
const refusal = () =>
  new TRPCError({
    code: "UNAUTHORIZED",
    message: "Your session ended (signed out, expired or key revoked). Sign in again.",
  });

/**
 * One credential's re-check (user + Authorization + Cookie), shared by every stream opened with it
 * in this process: a stream holds this object alone (no closure, no request context of its own).
 */
class SharedCheck {
  /** When the next check of this credential is due. */
  due: number;
  /** The check in flight, shared by every stream that reaches it. */
  running: Promise<boolean> | undefined = undefined;
  /** Once refused, refused for good: every stream on it ends. */
  refused = false;
  lastUsed: number;

  constructor(
    /** The first stream's context: its headers stand for the credential's. */
    private readonly ctx: ApiContext & { user: SessionUser },
    private readonly every: number,
    now: number,
  ) {
    this.due = now + every;
    this.lastUsed = now;
  }

  /** Milliseconds until the next check is due (a waiting stream wakes up for it). */
  msUntilDue(): number {
    return Math.max(0, this.due - Date.now());
  }

  async assertStillSignedIn(): Promise<void> {
    this.lastUsed = Date.now();
    if (this.refused) throw refusal();
    if (Date.now() < this.due) return;
    this.running ??= this.ctx
      .resolveUser({ headers: this.ctx.headers })
      .then((caller) => Boolean(caller && caller.id === this.ctx.user.id))
      .finally(() => {
        this.running = undefined;
      });
    const ok = await this.running;
    if (!ok) {
      this.refused = true;
      throw refusal();
    }
    this.due = Math.max(this.due, Date.now() + this.every);
  }
}

export type CallerCheck = Pick<SharedCheck, "msUntilDue" | "assertStillSignedIn">;

// One re-check per credential and interval, shared by all the streams opened with it in this
// process: a studio with 10 tabs, or an app with 10 streams on one key, costs one lookup per
// interval instead of ten. Kept beside the process's event listener.
const sharedChecks = new WeakMap<MediaEventListener, Map<string, SharedCheck>>();

/**
 * A stream outlives the request that opened it, so the credential it was opened with is checked
 * again while it runs: after sign-out or key revocation the stream ends with UNAUTHORIZED. Every
 * stream is re-checked at least every `recheckMs`; streams on the same credential share the check
 * (the same object: the first stream's headers are the credential's, the key says they are equal).
 */
export function callerCheck(ctx: ApiContext & { user: SessionUser }): CallerCheck {
  const every = ctx.streams?.recheckMs ?? DEFAULT_STREAM_LIMITS.recheckMs;
  let checks = sharedChecks.get(ctx.events);
  if (!checks) {
    checks = new Map();
    sharedChecks.set(ctx.events, checks);
  }
  const now = Date.now();
  // Forget credentials no stream has touched for a while (a live stream touches its entry at
  // least once per interval, when it wakes up for the check).
  for (const [key, entry] of checks) if (now - entry.lastUsed > 3 * every) checks.delete(key);
  const key = [
    ctx.user.id,
    ctx.headers.get("authorization") ?? "",
    ctx.headers.get("cookie") ?? "",
  ].join("\n");
  let shared = checks.get(key);
  if (!shared) {
    // The first stream's context stands for the credential (the key says its parts are equal);
    // later streams keep no request context of their own.
    shared = new SharedCheck(ctx, every, now);
    checks.set(key, shared);
  }
  shared.lastUsed = now;
  return shared;
}
