import { type Kysely, sql } from "kysely";

// Migrations are written against Kysely<any>: they describe the schema as it was on their date,
// not as the current `Database` type says it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("media_assets")
    .addColumn("id", "text", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()::text`))
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in ('image', 'video')`))
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("prompt", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("queued")
        .check(sql`status in ('queued', 'running', 'succeeded', 'failed', 'canceled')`),
    )
    .addColumn("progress", "integer", (c) =>
      c.notNull().defaultTo(0).check(sql`progress between 0 and 100`),
    )
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("provider_job_id", "text")
    .addColumn("params", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("reference_image_url", "text")
    .addColumn("result_url", "text")
    .addColumn("thumbnail_url", "text")
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("duration_seconds", "double precision")
    .addColumn("cost_usd", sql`numeric(12, 4)`)
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("idempotency_key", "text")
    // Millisecond precision: keyset cursors travel through JavaScript Dates, which cannot hold
    // Postgres' microseconds; a truncated column makes `(created_at, id) < cursor` exact.
    .addColumn("created_at", "timestamptz", (c) =>
      c.notNull().defaultTo(sql`date_trunc('milliseconds', now())`),
    )
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("completed_at", "timestamptz")
    .addColumn("deleted_at", "timestamptz")
    .addUniqueConstraint("media_assets_user_idempotency_key", ["user_id", "idempotency_key"])
    .execute();

  // A user's library, newest first, paged by (created_at, id); soft-deleted rows never show.
  await sql`
    create index media_assets_user_newest
      on media_assets (user_id, created_at desc, id desc)
      where deleted_at is null
  `.execute(db);
  // Workers and quotas look up a user's in-flight jobs.
  await sql`
    create index media_assets_user_active
      on media_assets (user_id)
      where status in ('queued', 'running')
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("media_assets").execute();
}
