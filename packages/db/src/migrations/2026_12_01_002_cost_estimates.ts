import { type Kysely, sql } from "kysely";

// The estimate made at submit and the charge the provider made are different facts: `cost_usd`
// is only set when the provider billed (a delivered result), `estimated_cost_usd` always. Rows
// written before this kept the estimate in cost_usd whatever happened; move it where it belongs.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("media_assets")
    .addColumn("estimated_cost_usd", sql`numeric(12,4)`)
    .execute();
  await sql`update media_assets set estimated_cost_usd = cost_usd`.execute(db);
  await sql`update media_assets set cost_usd = null where status <> 'succeeded'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update media_assets set cost_usd = coalesce(cost_usd, estimated_cost_usd)`.execute(db);
  await db.schema.alterTable("media_assets").dropColumn("estimated_cost_usd").execute();
}
