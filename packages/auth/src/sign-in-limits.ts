// The per-account sign-in limit: failed sign-ins per e-mail across every client address, so a
// botnet cannot brute-force one account by spreading attempts over many IPs. Rows live in the
// database (`sign_in_failures`), so the limit holds across server processes.
import type { Database } from "@streamline/db";
import { type Kysely, sql } from "kysely";

export interface AccountLimit {
  /** Failed sign-ins one e-mail may have inside the window (default 10). */
  maxFailures: number;
  /** The window, seconds (default 15 minutes). */
  windowSeconds: number;
}

export const DEFAULT_ACCOUNT_LIMIT: AccountLimit = { maxFailures: 10, windowSeconds: 15 * 60 };

export type AttemptTicket =
  | { allowed: true; id: string }
  | { allowed: false; retryAfterSeconds: number };

/**
 * Reserves an attempt for `email` before the password is checked: the reservation counts as a
 * failure until `settleAttempt` says otherwise, so concurrent attempts cannot all slip past the
 * count. Refused (and not recorded) once the account has `maxFailures` inside the window.
 */
export async function reserveSignInAttempt(
  db: Kysely<Database>,
  email: string,
  limit: AccountLimit,
): Promise<AttemptTicket> {
  const window = sql`make_interval(secs => ${limit.windowSeconds})`;
  const ticket = await db.transaction().execute(async (trx): Promise<AttemptTicket> => {
    // One e-mail's attempts are counted one at a time, so concurrent ones cannot all pass.
    await sql`select pg_advisory_xact_lock(hashtext(${`sign-in:${email}`}))`.execute(trx);
    const { rows } = await sql<{ seen: number; oldest: Date | string | null }>`
      select count(*)::int as seen, min(created_at) as oldest from sign_in_failures
      where email = ${email} and created_at > now() - ${window}`.execute(trx);
    const seen = rows[0]?.seen ?? 0;
    if (seen >= limit.maxFailures) {
      const oldest = rows[0]?.oldest ? new Date(rows[0].oldest).getTime() : Date.now();
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((oldest + limit.windowSeconds * 1000 - Date.now()) / 1000),
      );
      return { allowed: false, retryAfterSeconds };
    }
    const inserted = await sql<{ id: string }>`
      insert into sign_in_failures (email) values (${email}) returning id::text as id`.execute(trx);
    return { allowed: true, id: (inserted.rows[0] as { id: string }).id };
  });
  if (ticket.allowed && Math.random() < 0.02) void pruneSignInFailures(db, limit).catch(() => {});
  return ticket;
}

/** A wrong password keeps the reservation as a failure; anything else (success, refusal) drops it. */
export async function settleSignInAttempt(
  db: Kysely<Database>,
  ticket: { id: string },
  outcome: "failed" | "succeeded" | "not-checked",
  email: string,
): Promise<void> {
  if (outcome === "failed") return;
  if (outcome === "succeeded") {
    // The owner got in: earlier failures no longer count against them.
    await sql`delete from sign_in_failures where email = ${email}`.execute(db);
    return;
  }
  await sql`delete from sign_in_failures where id = ${ticket.id}::bigint`.execute(db);
}

async function pruneSignInFailures(db: Kysely<Database>, limit: AccountLimit): Promise<void> {
  await sql`delete from sign_in_failures
    where created_at < now() - make_interval(secs => ${limit.windowSeconds})`.execute(db);
}

/** How an e-mail is keyed: the way better-auth stores it (trimmed, lower case). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
