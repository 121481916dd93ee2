import { type Kysely, sql } from "kysely";

// Failed sign-ins per account (e-mail), whatever address they came from: the per-account limit
// that a botnet of client IPs cannot spread out. In the database so it holds across processes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sign_in_failures")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("sign_in_failures_email_created_at_idx")
    .on("sign_in_failures")
    .columns(["email", "created_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sign_in_failures").execute();
}
