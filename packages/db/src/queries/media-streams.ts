import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";
import type { Executor } from "./media-assets";

const leaseEnd = (leaseMs: number) =>
  sql<Date>`now() + (${leaseMs}::float8 * interval '1 millisecond')`;

/**
 * Takes one of the user's live stream slots, counted across every server process: expired leases
 * (a process that died) are dropped first, then the open ones are counted and, under `max`, a new
 * lease is written. A per-user transaction lock makes concurrent opens count one after another.
 * Returns the new lease's id, or how many are open when all slots are taken.
 */
export async function claimMediaStream(
  db: Kysely<Database>,
  claim: { userId: string; max: number; leaseMs: number },
): Promise<{ id: string } | { open: number }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`media-streams:${claim.userId}`}))`.execute(
      trx,
    );
    await trx
      .deleteFrom("media_streams")
      .where("user_id", "=", claim.userId)
      .where("expires_at", "<=", sql<Date>`now()`)
      .execute();
    const { open } = await trx
      .selectFrom("media_streams")
      .select((eb) => eb.fn.countAll<string>().as("open"))
      .where("user_id", "=", claim.userId)
      .executeTakeFirstOrThrow();
    if (Number(open) >= claim.max) return { open: Number(open) };
    const row = await trx
      .insertInto("media_streams")
      .values({ user_id: claim.userId, expires_at: leaseEnd(claim.leaseMs) })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: row.id };
  });
}

/** Extends the leases of a process's open streams: one statement for all of them. */
export async function renewMediaStreams(
  db: Executor,
  ids: readonly string[],
  leaseMs: number,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("media_streams")
    .set({ expires_at: leaseEnd(leaseMs) })
    .where("id", "in", ids)
    .execute();
}

/** A stream ended: its slot is free at once. */
export async function releaseMediaStream(db: Executor, id: string): Promise<void> {
  await db.deleteFrom("media_streams").where("id", "=", id).execute();
}

/** Live leases of one user (tests, diagnostics). */
export async function countMediaStreams(db: Executor, userId: string): Promise<number> {
  const { open } = await db
    .selectFrom("media_streams")
    .select((eb) => eb.fn.countAll<string>().as("open"))
    .where("user_id", "=", userId)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirstOrThrow();
  return Number(open);
}
