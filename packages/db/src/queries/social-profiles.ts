// Per-user Zernio profiles (social_profiles). A profile is claimed before Zernio is asked to make
// one: the claim row's primary key (user_id) lets exactly one of several concurrent first requests
// create it; the others wait for the row to turn 'ready'. A claim whose holder died (claimed_at
// older than the stale time) is taken over by one later request, keeping the same claim_key.
import { sql } from "kysely";
import type { SocialProfileRow } from "../schema";
import type { Executor } from "./media-assets";

export async function findSocialProfile(
  db: Executor,
  userId: string,
): Promise<SocialProfileRow | undefined> {
  return db
    .selectFrom("social_profiles")
    .selectAll()
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** The user whose row holds this Zernio profile, if any (a profile is never shared by two). */
export async function findSocialProfileOwner(
  db: Executor,
  zernioProfileId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("social_profiles")
    .select("user_id")
    .where("zernio_profile_id", "=", zernioProfileId)
    .executeTakeFirst();
  return row?.user_id;
}

/** Inserts the 'creating' claim; undefined when the user already has a row (ready or claimed). */
export async function claimSocialProfile(
  db: Executor,
  values: { userId: string; claimKey: string; claimedBy: string },
): Promise<SocialProfileRow | undefined> {
  return db
    .insertInto("social_profiles")
    .values({
      user_id: values.userId,
      status: "creating",
      claim_key: values.claimKey,
      claimed_by: values.claimedBy,
    })
    .onConflict((oc) => oc.column("user_id").doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * Takes over a claim still 'creating' after `staleAfterMs` (its holder crashed or hung). One
 * statement decides, so one caller wins; the claim_key (the Idempotency-Key) is kept.
 */
export async function takeOverSocialProfileClaim(
  db: Executor,
  values: { userId: string; claimedBy: string; staleAfterMs: number },
): Promise<SocialProfileRow | undefined> {
  return db
    .updateTable("social_profiles")
    .set({ claimed_by: values.claimedBy, claimed_at: sql<Date>`now()` })
    .where("user_id", "=", values.userId)
    .where("status", "=", "creating")
    .where("claimed_at", "<", sql<Date>`now() - ${values.staleAfterMs} * interval '1 millisecond'`)
    .returningAll()
    .executeTakeFirst();
}

/** Records Zernio's profile id, only while this caller still holds the claim. */
export async function completeSocialProfile(
  db: Executor,
  values: { userId: string; claimedBy: string; zernioProfileId: string },
): Promise<SocialProfileRow | undefined> {
  return db
    .updateTable("social_profiles")
    .set({
      status: "ready",
      zernio_profile_id: values.zernioProfileId,
      claimed_by: null,
    })
    .where("user_id", "=", values.userId)
    .where("status", "=", "creating")
    .where("claimed_by", "=", values.claimedBy)
    .returningAll()
    .executeTakeFirst();
}

/** Drops this caller's claim after Zernio refused the create, so a later request tries again. */
export async function releaseSocialProfileClaim(
  db: Executor,
  values: { userId: string; claimedBy: string },
): Promise<void> {
  await db
    .deleteFrom("social_profiles")
    .where("user_id", "=", values.userId)
    .where("status", "=", "creating")
    .where("claimed_by", "=", values.claimedBy)
    .execute();
}
