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
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`media-quota:${userId}`}))`.execute(tx);
  const usage = await tx
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
        .sum<string | null>(
          sql`case when status in ('queued', 'running') then coalesce(cost_usd, estimated_cost_usd) else cost_usd end`,
        )
        .filterWhere(
          "created_at",
          ">=",
          sql<Date>`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`,
        )
        .as("spent"),
    ])
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  const active = Number(usage.active);
  if (active >= limits.maxConcurrentPerUser) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Concurrent limit reached: ${active} generations are already in progress (limit ${limits.maxConcurrentPerUser}). Wait for one to finish.`,
    });
  }
  const spent = Number(usage.spent ?? 0);
  if (spent + estimateUsd > limits.dailySpendUsd) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Daily spend cap reached: $${spent.toFixed(2)} of $${limits.dailySpendUsd.toFixed(2)} used today, and this generation is estimated at $${estimateUsd.toFixed(2)}.`,
    });
  }
}
