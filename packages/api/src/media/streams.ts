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
  const own = leases;
  own.ids.add(claim.id);
  if (!own.timer) {
    own.timer = setInterval(() => {
      // A failed renewal is retried next time; the lease has room for two more.
      renewMediaStreams(ctx.db, [...own.ids], leaseMs).catch(() => {});
    }, recheckMs);
    own.timer.unref?.();
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    own.ids.delete(claim.id);
    if (own.ids.size === 0 && own.timer) {
      clearInterval(own.timer);
      own.timer = undefined;
    }
    // Not awaited: the stream is over either way; an undeleted lease expires by itself.
    releaseMediaStream(ctx.db, claim.id).catch(() => {});
  };
}

type SharedCheck = {
  /** When the next check of this credential is due. */
  due: number;
  /** The check in flight, shared by every stream that reaches it. */
  running?: Promise<boolean> | undefined;
  /** Once refused, refused for good: every stream on it ends. */
  refused: boolean;
  lastUsed: number;
};

// One re-check per credential (user + Authorization + Cookie) and interval, shared by all the
// streams opened with it in this process: a studio with 10 tabs, or an app with 10 streams on one
// key, costs one lookup per interval instead of ten. Kept beside the process's event listener.
const sharedChecks = new WeakMap<MediaEventListener, Map<string, SharedCheck>>();

/**
 * A stream outlives the request that opened it, so the credential it was opened with is checked
 * again while it runs: after sign-out or key revocation the stream ends with UNAUTHORIZED. Every
 * stream is re-checked at least every `recheckMs`; streams on the same credential share the check.
 */
export function callerCheck(ctx: ApiContext & { user: SessionUser }) {
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
    shared = { due: now + every, refused: false, lastUsed: now };
    checks.set(key, shared);
  }
  const entry = shared;
  const refuse = () =>
    new TRPCError({
      code: "UNAUTHORIZED",
      message: "Your session ended (signed out, expired or key revoked). Sign in again.",
    });
  return {
    /** Milliseconds until the next check is due (a waiting stream wakes up for it). */
    msUntilDue: () => Math.max(0, entry.due - Date.now()),
    async assertStillSignedIn(): Promise<void> {
      entry.lastUsed = Date.now();
      if (entry.refused) throw refuse();
      if (Date.now() < entry.due) return;
      entry.running ??= ctx
        .resolveUser({ headers: ctx.headers })
        .then((caller) => Boolean(caller && caller.id === ctx.user.id))
        .finally(() => {
          entry.running = undefined;
        });
      const ok = await entry.running;
      if (!ok) {
        entry.refused = true;
        throw refuse();
      }
      entry.due = Math.max(entry.due, Date.now() + every);
    },
  };
}
