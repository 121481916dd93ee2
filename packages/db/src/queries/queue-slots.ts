// Queue slots and their bookings (issue 19). Booking is one INSERT … ON CONFLICT DO UPDATE … WHERE:
// a slot is taken by inserting its (account, instant) row, or by taking over a row whose post no
// longer holds it (cancelled, failed, moved elsewhere, or never written). Two concurrent bookings
// of one slot: PostgreSQL makes the second wait for the first's commit, then its WHERE fails and
// it books nothing — the caller moves on to the next slot.
import { sql } from "kysely";
import type { QueueSlotRow } from "../schema";
import type { Executor } from "./media-assets";

export async function listQueueSlots(
  db: Executor,
  where: { userId: string; accountId?: string | undefined },
): Promise<QueueSlotRow[]> {
  let q = db.selectFrom("queue_slots").selectAll().where("user_id", "=", where.userId);
  if (where.accountId) q = q.where("account_id", "=", where.accountId);
  return q.orderBy("account_id").orderBy("weekday").orderBy("local_time").execute();
}

/** Replaces an account's weekly slots (one timezone for all of them). */
export async function replaceQueueSlots(
  db: Executor,
  input: {
    userId: string;
    accountId: string;
    timezone: string;
    slots: ReadonlyArray<{ weekday: number; time: string }>;
  },
): Promise<QueueSlotRow[]> {
  const run = async (tx: Executor) => {
    await tx
      .deleteFrom("queue_slots")
      .where("user_id", "=", input.userId)
      .where("account_id", "=", input.accountId)
      .execute();
    if (input.slots.length) {
      await tx
        .insertInto("queue_slots")
        .values(
          input.slots.map((s) => ({
            user_id: input.userId,
            account_id: input.accountId,
            weekday: s.weekday,
            local_time: s.time,
            timezone: input.timezone,
          })),
        )
        .execute();
    }
    return listQueueSlots(tx, { userId: input.userId, accountId: input.accountId });
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * Books `slotAt` on the account for `postId`; false when a live post holds it (another booking
 * committed first). A post holds its booking while it exists, is not cancelled or failed, and is
 * still scheduled for that instant.
 */
export async function bookQueueSlot(
  db: Executor,
  booking: { accountId: string; slotAt: Date; userId: string; postId: string },
): Promise<boolean> {
  const row = await db
    .insertInto("queue_bookings")
    .values({
      account_id: booking.accountId,
      slot_at: booking.slotAt,
      user_id: booking.userId,
      post_id: booking.postId,
    })
    .onConflict((oc) =>
      oc
        .columns(["account_id", "slot_at"])
        .doUpdateSet({
          post_id: booking.postId,
          user_id: booking.userId,
          created_at: sql`now()`,
        })
        // Free again: its post was cancelled, failed or moved — or was never written and the
        // booking is older than a post's creation can take (a crash between booking and insert).
        .where(
          sql<boolean>`exists (select 1 from scheduled_posts p
              where p.id = queue_bookings.post_id
                and (p.status in ('cancelled', 'failed')
                  or p.scheduled_for is distinct from queue_bookings.slot_at))
            or (not exists (select 1 from scheduled_posts p where p.id = queue_bookings.post_id)
              and queue_bookings.created_at < now() - interval '5 minutes')`,
        ),
    )
    .returning("post_id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives a booking up (the post it was for was refused before it was written). */
export async function releaseQueueSlot(
  db: Executor,
  booking: { accountId: string; slotAt: Date; postId: string },
): Promise<void> {
  await db
    .deleteFrom("queue_bookings")
    .where("account_id", "=", booking.accountId)
    .where("slot_at", "=", booking.slotAt)
    .where("post_id", "=", booking.postId)
    .execute();
}

/** The instants in [from, to) that a live post (or a booking being written) holds on the account. */
export async function heldQueueSlots(
  db: Executor,
  where: { accountId: string; from: Date; to: Date },
): Promise<Date[]> {
  const rows = await db
    .selectFrom("queue_bookings as b")
    .leftJoin("scheduled_posts as p", "p.id", "b.post_id")
    .select("b.slot_at")
    .where("b.account_id", "=", where.accountId)
    .where("b.slot_at", ">=", where.from)
    .where("b.slot_at", "<", where.to)
    .where(
      sql<boolean>`(p.id is not null and p.status not in ('cancelled', 'failed')
        and p.scheduled_for = b.slot_at)
        or (p.id is null and b.created_at >= now() - interval '5 minutes')`,
    )
    .execute();
  return rows.map((r) => new Date(r.slot_at));
}
