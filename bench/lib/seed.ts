// Benchmark data: users with API keys, and a media library spread over them log-normally (a few
// heavy users, a long tail of light ones), written in one INSERT … SELECT per call.
import { createApiKey, type Database } from "@streamline/db";
import { CompiledQuery, type Kysely } from "kysely";

/** A seeded pseudo-random stream (mulberry32), so every run builds the same library. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per-user counts drawn log-normally (σ = 1.2), scaled to add up to `total`, each at least 1. */
export function logNormalCounts(users: number, total: number, seed = 1): number[] {
  const next = random(seed);
  const weights = Array.from({ length: users }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    return Math.exp(1.2 * z);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / sum) * total)));
  let missing = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; missing !== 0; i = (i + 1) % users) {
    const count = counts[i] as number;
    const step = missing > 0 ? 1 : count > 1 ? -1 : 0;
    counts[i] = count + step;
    missing -= step;
  }
  return counts;
}

export async function ensureUsers(db: Kysely<Database>, ids: string[]): Promise<void> {
  await db.executeQuery(
    CompiledQuery.raw(
      `insert into "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
       select u.id, u.id, u.id || '@bench.example', true, now(), now()
       from jsonb_to_recordset($1::jsonb) as u(id text)
       on conflict (id) do nothing`,
      [JSON.stringify(ids.map((id) => ({ id })))],
    ),
  );
}

/** One API key per user (users are created when missing). */
export async function createKeys(
  db: Kysely<Database>,
  users: string[],
): Promise<{ userId: string; key: string }[]> {
  await ensureUsers(db, users);
  const keys: { userId: string; key: string }[] = [];
  for (const userId of users) {
    const { key } = await createApiKey(db, { userId, name: "bench" });
    keys.push({ userId, key });
  }
  return keys;
}

/**
 * `assets` media assets over `users` users (log-normal activity): mostly succeeded images and
 * videos with stored keys, some failed and canceled, created over 300 days.
 */
export async function seedLibrary(
  db: Kysely<Database>,
  options: { users: number; assets: number; prefix?: string; seed?: number },
): Promise<{ users: { id: string; count: number }[] }> {
  const prefix = options.prefix ?? "lib";
  const counts = logNormalCounts(options.users, options.assets, options.seed ?? 7);
  const users = counts.map((count, i) => ({
    id: `${prefix}-${String(i).padStart(4, "0")}`,
    count,
  }));
  await ensureUsers(
    db,
    users.map((u) => u.id),
  );
  // In slices, so one statement never holds the whole library in memory (PGlite).
  for (let start = 0; start < users.length; start += 100) {
    await db.executeQuery(
      CompiledQuery.raw(
        `insert into media_assets (user_id, provider, type, model, prompt, status, progress,
           error_code, error_message, attempts, provider_job_id, params, width, height,
           duration_seconds, cost_usd, estimated_cost_usd, metadata, created_at, updated_at, completed_at)
         select u.id,
           case when g % 4 = 0 then 'google' else 'openai' end,
           case when g % 5 = 0 then 'video' else 'image' end,
           case when g % 5 = 0 then 'gemini-omni-1.1-flash' when g % 4 = 0 then 'gemini-3.1-flash-image' else 'gpt-image-2' end,
           'Stylized product photo of creatine gummies in a gym bag, soft daylight, variant ' || g,
           s.status, case when s.status = 'succeeded' then 100 else 40 end,
           case when s.status = 'failed' then 'PROVIDER_UNAVAILABLE' end,
           case when s.status = 'failed' then 'The provider did not answer. Try again.' end,
           1, 'job_' || md5(u.id || g),
           '{"size": "1024x1536", "quality": "auto"}'::jsonb,
           case when s.status = 'succeeded' then 1024 end,
           case when s.status = 'succeeded' then 1536 end,
           case when g % 5 = 0 and s.status = 'succeeded' then 8 end,
           case when s.status = 'succeeded' then 0.042 end, 0.042,
           jsonb_build_object(
             'storage', jsonb_build_object(
               'resultKey', case when s.status = 'succeeded' then 'image/' || left(md5(u.id || g), 22) || '.png' end,
               'thumbnailKey', case when g % 5 = 0 and s.status = 'succeeded' then 'thumb/' || left(md5(g || u.id), 22) || '.jpg' end,
               'referenceKey', null),
             'mimeType', 'image/png', 'bytes', 1234567, 'providerJob', 'ended',
             'submittedAt', '2026-01-01T00:00:00.000Z'),
           c.at, c.at + interval '40 seconds', c.at + interval '40 seconds'
         from jsonb_to_recordset($1::jsonb) as u(id text, count int),
           generate_series(1, u.count) g,
           lateral (select timestamptz '2026-01-01' + (g * interval '7 minutes')
                      + (hashtext(u.id) % 1000) * interval '1 second' as at) c,
           lateral (select case when g % 25 = 0 then 'failed' when g % 33 = 0 then 'canceled'
                                else 'succeeded' end as status) s`,
        [JSON.stringify(users.slice(start, start + 100))],
      ),
    );
  }
  await db.executeQuery(CompiledQuery.raw("analyze media_assets"));
  return { users };
}
