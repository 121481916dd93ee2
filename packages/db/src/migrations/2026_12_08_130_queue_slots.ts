import { type Kysely, sql } from "kysely";

// Queue slots (issue 19, Buffer's habit): each account's weekly posting times (ISO weekday 1–7 =
// Mon–Sun, a local "HH:mm", an IANA timezone). "Add to queue" books the next free slot: a booking
// is one row per (account, instant), so two concurrent adds can never book the same slot — the
// primary key decides. A booking whose post was cancelled, failed, moved or never written is free
// again (taken over in the same statement that books it).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("queue_slots")
    .addColumn("id", "text", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()::text`))
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("weekday", "smallint", (c) => c.notNull().check(sql`weekday between 1 and 7`))
    .addColumn("local_time", "text", (c) =>
      c.notNull().check(sql`local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
    )
    .addColumn("timezone", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("queue_slots_user_account_slot", [
      "user_id",
      "account_id",
      "weekday",
      "local_time",
    ])
    .execute();
  await db.schema
    .createTable("queue_bookings")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("slot_at", "timestamptz", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("post_id", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("queue_bookings_pkey", ["account_id", "slot_at"])
    .execute();
  await db.schema
    .createIndex("queue_bookings_post")
    .on("queue_bookings")
    .column("post_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("queue_bookings").ifExists().execute();
  await db.schema.dropTable("queue_slots").ifExists().execute();
}
