import { type Kysely, sql } from "kysely";

// Stars, prompt search and variant groups for the studio's history.
// - starred_at: a user's favourite (null = not starred), filtered with its own partial index.
// - prompt_search: the prompt as a 'simple' text-search vector (no stemming: prompts are short,
//   multilingual product descriptions), kept by PostgreSQL itself and searched through a GIN index.
// - group_id: the assets made by one submission with several variants share it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("media_assets")
    .addColumn("starred_at", "timestamptz")
    .addColumn("group_id", "uuid")
    .execute();
  await sql`alter table media_assets add column prompt_search tsvector
    generated always as (to_tsvector('simple', prompt)) stored`.execute(db);
  await sql`create index media_assets_prompt_search on media_assets using gin (prompt_search)`.execute(
    db,
  );
  await sql`create index media_assets_user_starred on media_assets (user_id, created_at desc, id desc)
    where starred_at is not null and deleted_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists media_assets_user_starred`.execute(db);
  await sql`drop index if exists media_assets_prompt_search`.execute(db);
  await db.schema
    .alterTable("media_assets")
    .dropColumn("prompt_search")
    .dropColumn("group_id")
    .dropColumn("starred_at")
    .execute();
}
