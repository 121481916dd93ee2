import type { Database } from "@streamline/db";
import { TRPCError } from "@trpc/server";
import { type Kysely, sql } from "kysely";
import type { MediaLimits } from "../trpc";

/**
 * Refuses a new generation that would pass the user's concurrency limit or daily spend cap. Runs
 * inside the generate transaction under a per-user advisory lock, so two simultaneous requests
 * cannot both squeeze under the limit.
 */
export async function assertWithinQuota(
  tx: Kysely<Database>,
  userId: string,
  estimateUsd: number,
  limits: MediaLimits,
  count = 1,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`media-quota:${userId}`}))`.execute(tx);
  const { active, chargedUsd, inFlightUsd } = await mediaUsage(tx, userId);
  if (active + count > limits.maxConcurrentPerUser) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message:
        count > 1
          ? `Concurrent limit: ${active} generations are in progress and ${count} more would pass the limit of ${limits.maxConcurrentPerUser}. Ask for fewer variants or wait for one to finish.`
          : `Concurrent limit reached: ${active} generations are already in progress (limit ${limits.maxConcurrentPerUser}). Wait for one to finish.`,
    });
  }
  const spent = chargedUsd + inFlightUsd;
  if (spent + estimateUsd > limits.dailySpendUsd) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Daily spend cap reached: $${spent.toFixed(2)} of $${limits.dailySpendUsd.toFixed(2)} used today (charges plus generations in progress), and this is estimated at $${estimateUsd.toFixed(2)}.`,
    });
  }
}

/** Today's (UTC) usage: generations in flight, what was charged, what in-flight ones may cost. */
export async function mediaUsage(
  db: Kysely<Database>,
  userId: string,
): Promise<{ active: number; chargedUsd: number; inFlightUsd: number }> {
  const usage = await db
    .selectFrom("media_assets")
    .select((eb) => [
      eb.fn
        .count<number>("id")
        .filterWhere((w) =>
          w.and([w("status", "in", ["queued", "running"]), w("deleted_at", "is", null)]),
        )
        .as("active"),
      // Today's spend: what providers charged, plus the estimate of every job still in flight (it
      // may be charged any moment). By UTC day; deleting an asset does not refund what it cost.
      eb.fn
        .sum<string | null>("cost_usd")
        .filterWhere("created_at", ">=", startOfUtcDay())
        .as("charged"),
      eb.fn
        .sum<string | null>("estimated_cost_usd")
        .filterWhere((w) =>
          w.and([
            w("status", "in", ["queued", "running"]),
            w("cost_usd", "is", null),
            w("created_at", ">=", startOfUtcDay()),
          ]),
        )
        .as("inFlight"),
    ])
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return {
    active: Number(usage.active),
    chargedUsd: Number(usage.charged ?? 0),
    inFlightUsd: Number(usage.inFlight ?? 0),
  };
}

const startOfUtcDay = () =>
  sql<Date>`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`;
