// The per-user posting rate (social_post_requests): schedule calls per user in a sliding window,
// counted in the database so the limit holds across server processes. The workspace's one Zernio
// key has one rate limit for every user; this keeps one user's burst from using it up.
import { sql } from "kysely";
import type { Executor } from "./media-assets";

export type PostingSlot = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Takes one of the user's `max` slots in the last `windowSeconds`, or says when the oldest one
 * frees. A per-user transaction lock makes concurrent calls count one at a time.
 */
export async function reservePostingSlot(
  db: Executor,
  values: { userId: string; max: number; windowSeconds: number },
): Promise<PostingSlot> {
  const window = sql`make_interval(secs => ${values.windowSeconds})`;
  const run = async (trx: Executor): Promise<PostingSlot> => {
    await sql`select pg_advisory_xact_lock(hashtext(${`posting-rate:${values.userId}`}))`.execute(
      trx,
    );
    const { rows } = await sql<{ seen: number; wait: number | string | null }>`
      select count(*)::int as seen,
             extract(epoch from (min(created_at) + ${window} - now())) as wait
      from social_post_requests
      where user_id = ${values.userId} and created_at > now() - ${window}`.execute(trx);
    const seen = rows[0]?.seen ?? 0;
    if (seen >= values.max) {
      const wait = Number(rows[0]?.wait ?? values.windowSeconds);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
    }
    await trx.insertInto("social_post_requests").values({ user_id: values.userId }).execute();
    return { allowed: true };
  };
  const slot = await (db.isTransaction ? run(db) : db.transaction().execute(run));
  // Now and then, forget calls long out of every window.
  if (slot.allowed && Math.random() < 0.02) {
    void sql`delete from social_post_requests where created_at < now() - ${window}`
      .execute(db)
      .catch(() => {});
  }
  return slot;
}
