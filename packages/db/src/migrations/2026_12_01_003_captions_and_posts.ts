import { type Kysely, sql } from "kysely";

// Captions and posting (issue 11). Every caption generated or edited is a new `captions` row (the
// studio shows the latest per asset and platform, and the history). A caption request is claimed
// in `caption_requests` by its idempotency key before the provider is called, so a double submit
// makes one billed call. A post is a `scheduled_posts` row written before anything goes to Zernio;
// its id is Zernio's x-request-id. Webhook deliveries are deduplicated by their event id.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("caption_requests")
    .addColumn("id", "text", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()::text`))
    .addColumn("asset_id", "text", (c) =>
      c.notNull().references("media_assets.id").onDelete("cascade"),
    )
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("running").check(sql`status in ('running', 'succeeded', 'failed')`),
    )
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("platforms", "jsonb", (c) => c.notNull())
    .addColumn("options", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("cost_usd", sql`numeric(12, 6)`)
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("completed_at", "timestamptz")
    .addUniqueConstraint("caption_requests_user_idempotency_key", ["user_id", "idempotency_key"])
    .execute();

  await db.schema
    .createTable("captions")
    .addColumn("id", "text", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()::text`))
    .addColumn("asset_id", "text", (c) =>
      c.notNull().references("media_assets.id").onDelete("cascade"),
    )
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("request_id", "text", (c) =>
      c.references("caption_requests.id").onDelete("set null"),
    )
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("title", "text")
    .addColumn("hashtags", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("model", "text")
    .addColumn("tone", "text")
    .addColumn("language", "text")
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('ai', 'edited')`))
    .addColumn("length", "integer", (c) => c.notNull())
    .addColumn("limit", "integer", (c) => c.notNull())
    .addColumn("over_limit", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("shortened", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("cost_usd", sql`numeric(12, 6)`)
    // Millisecond precision, like media_assets: versions are ordered by (created_at, id).
    .addColumn("created_at", "timestamptz", (c) =>
      c.notNull().defaultTo(sql`date_trunc('milliseconds', clock_timestamp())`),
    )
    .execute();
  await db.schema
    .createIndex("captions_asset_platform_newest")
    .on("captions")
    .columns(["asset_id", "platform", "created_at desc", "id desc"])
    .execute();

  await db.schema
    .createTable("scheduled_posts")
    .addColumn("id", "text", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()::text`))
    .addColumn("asset_id", "text", (c) =>
      c.notNull().references("media_assets.id").onDelete("cascade"),
    )
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("queued")
        .check(
          sql`status in ('queued', 'sending', 'scheduled', 'publishing', 'published', 'partial', 'failed', 'cancelled')`,
        ),
    )
    /** [{ accountId, platform }] with our platform ids (x, not twitter). */
    .addColumn("targets", "jsonb", (c) => c.notNull())
    /** { [platform]: { captionId, text, title } }: the caption version each platform posts. */
    .addColumn("captions", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("publish_now", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("scheduled_for", "timestamptz")
    /** What the user picked, as typed: "YYYY-MM-DDTHH:mm" in `timezone`. */
    .addColumn("scheduled_local", "text")
    .addColumn("timezone", "text")
    .addColumn("zernio_post_id", "text")
    /** Zernio's publicUrl of the uploaded media, so a re-run never uploads twice. */
    .addColumn("media_url", "text")
    .addColumn("results", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    /** A worker's lease on the row while it sends or follows the post (one runner at a time). */
    .addColumn("locked_by", "text")
    .addColumn("locked_until", "timestamptz")
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) =>
      c.notNull().defaultTo(sql`date_trunc('milliseconds', now())`),
    )
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("completed_at", "timestamptz")
    .addUniqueConstraint("scheduled_posts_user_idempotency_key", ["user_id", "idempotency_key"])
    .execute();
  await db.schema
    .createIndex("scheduled_posts_user_newest")
    .on("scheduled_posts")
    .columns(["user_id", "created_at desc", "id desc"])
    .execute();
  await db.schema
    .createIndex("scheduled_posts_zernio_post_id")
    .on("scheduled_posts")
    .column("zernio_post_id")
    .execute();

  await db.schema
    .createTable("zernio_webhook_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("post_id", "text")
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("zernio_webhook_events").execute();
  await db.schema.dropTable("scheduled_posts").execute();
  await db.schema.dropTable("captions").execute();
  await db.schema.dropTable("caption_requests").execute();
}
