import type { MediaEventListener } from "@streamline/db";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../trpc";

export const DEFAULT_STREAM_LIMITS = { maxPerUser: 20, recheckMs: 30_000 } as const;

// Open streams per user in this process, kept beside the process's one event listener. (Each
// server process counts its own; a user spread over N processes may hold N × the limit.)
const openStreams = new WeakMap<MediaEventListener, Map<string, number>>();

/**
 * Takes one of the user's stream slots, or refuses with TOO_MANY_REQUESTS when all are taken.
 * Returns the release function (call it exactly once, in `finally`).
 */
export function acquireStream(ctx: ApiContext & { user: SessionUser }): () => void {
  const max = ctx.streams?.maxPerUser ?? DEFAULT_STREAM_LIMITS.maxPerUser;
  let counts = openStreams.get(ctx.events);
  if (!counts) {
    counts = new Map();
    openStreams.set(ctx.events, counts);
  }
  const open = counts.get(ctx.user.id) ?? 0;
  if (open >= max) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Too many live progress streams: ${open} are open for your account (limit ${max}). Close a studio tab or an idle client first.`,
    });
  }
  counts.set(ctx.user.id, open + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const now = (counts.get(ctx.user.id) ?? 1) - 1;
    if (now <= 0) counts.delete(ctx.user.id);
    else counts.set(ctx.user.id, now);
  };
}

/**
 * A stream outlives the request that opened it, so the credential it was opened with is checked
 * again while it runs: after sign-out or key revocation the stream ends with UNAUTHORIZED.
 */
export function callerCheck(ctx: ApiContext & { user: SessionUser }) {
  const every = ctx.streams?.recheckMs ?? DEFAULT_STREAM_LIMITS.recheckMs;
  let due = Date.now() + every;
  return {
    /** Milliseconds until the next check is due (a waiting stream wakes up for it). */
    msUntilDue: () => Math.max(0, due - Date.now()),
    async assertStillSignedIn(): Promise<void> {
      if (Date.now() < due) return;
      const caller = await ctx.resolveUser({ headers: ctx.headers });
      if (!caller || caller.id !== ctx.user.id) {
        throw new TRPCError({
          code: "UNAUTHORIZED",
          message: "Your session ended (signed out, expired or key revoked). Sign in again.",
        });
      }
      due = Date.now() + every;
    },
  };
}
