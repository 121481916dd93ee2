import {
  captionSpendToday,
  type Database,
  generationSpendToday,
  lockUserQuota as lockUserQuotaRow,
} from "@streamline/db";
import { TRPCError } from "@trpc/server";
import type { Kysely } from "kysely";
import type { MediaLimits } from "../context";

/**
 * A caption request still 'running' after this long lost its process (the longest honest one is a
 * caption call and two shorten re-asks, each ≤ 3 attempts of CAPTION_TIMEOUT_SECONDS): it stops
 * counting against the concurrency limit, while its reserved estimate stays in today's spend.
 */
export const CAPTION_RUNNING_MAX_SECONDS = 15 * 60;

/**
 * Takes the user's quota lock for the rest of the transaction. Every check-then-write of something
 * that costs money (a generation, a retry, a caption request) runs under it, so two simultaneous
 * requests cannot both squeeze under a limit.
 */
export async function lockUserQuota(tx: Kysely<Database>, userId: string): Promise<void> {
  await lockUserQuotaRow(tx, userId);
}

/**
 * Refuses new paid work that would pass the user's concurrency limit or daily spend cap. One budget
 * and one concurrency count for everything that costs money: generations and caption requests.
 * Runs inside the transaction that writes the work, under the per-user lock.
 */
export async function assertWithinQuota(
  tx: Kysely<Database>,
  userId: string,
  estimateUsd: number,
  limits: MediaLimits,
  count = 1,
  kind: "generation" | "caption" = "generation",
): Promise<void> {
  await lockUserQuota(tx, userId);
  const { active, chargedUsd, inFlightUsd } = await mediaUsage(tx, userId);
  if (active + count > limits.maxConcurrentPerUser) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message:
        count > 1
          ? `Concurrent limit: ${active} generations or captions are in progress and ${count} more would pass the limit of ${limits.maxConcurrentPerUser}. Ask for fewer variants or wait for one to finish.`
          : `Concurrent limit reached: ${active} generations or captions are already in progress (limit ${limits.maxConcurrentPerUser}). Wait for one to finish.`,
    });
  }
  const spent = chargedUsd + inFlightUsd;
  if (spent + estimateUsd > limits.dailySpendUsd) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Daily spend cap reached: $${spent.toFixed(2)} of $${limits.dailySpendUsd.toFixed(2)} used today (charges plus generations and captions in progress), and this ${kind} is estimated at up to $${estimateUsd.toFixed(estimateUsd < 0.01 ? 4 : 2)}.`,
    });
  }
}

/**
 * Today's (UTC) usage: generations and caption requests in flight, what was charged, and what the
 * in-flight ones may cost; `captions` is the captions' share of it. Demo work counts nothing.
 */
export async function mediaUsage(
  db: Kysely<Database>,
  userId: string,
): Promise<{
  active: number;
  chargedUsd: number;
  inFlightUsd: number;
  captions: { active: number; chargedUsd: number; inFlightUsd: number };
}> {
  // One after the other: inside a transaction both run on its one connection.
  const usage = await generationSpendToday(db, userId);
  const captions = await captionSpendToday(db, userId, CAPTION_RUNNING_MAX_SECONDS);
  const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
  return {
    active: Number(usage.active) + captions.active,
    chargedUsd: round(Number(usage.charged ?? 0) + captions.chargedUsd),
    inFlightUsd: round(Number(usage.inFlight ?? 0) + captions.inFlightUsd),
    captions,
  };
}
