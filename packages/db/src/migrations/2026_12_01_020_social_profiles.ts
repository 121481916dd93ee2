import { type Kysely, sql } from "kysely";

// Per-user Zernio profiles: each studio user posts only to the accounts connected into their own
// Zernio profile (issue: one shared ZERNIO_API_KEY must not let a user see or post to another's
// accounts). Creating a profile at Zernio is not idempotent by itself, so the row is claimed first
// (status 'creating', a claim key sent as the create's Idempotency-Key) and completed with Zernio's
// profile id; see packages/api/src/social/profiles.ts for the claim, the wait and crash recovery.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("social_profiles")
    .addColumn("user_id", "text", (c) => c.primaryKey())
    // Null while the claim is 'creating'; unique once known (PostgreSQL allows many nulls).
    .addColumn("zernio_profile_id", "text", (c) => c.unique())
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("creating").check(sql`status in ('creating', 'ready')`),
    )
    // The claim: who holds it and since when (a stale one is taken over), and the Idempotency-Key.
    .addColumn("claim_key", "text", (c) => c.notNull())
    .addColumn("claimed_by", "text")
    .addColumn("claimed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      "social_profiles_ready_has_id",
      sql`status <> 'ready' or zernio_profile_id is not null`,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("social_profiles").ifExists().execute();
}
