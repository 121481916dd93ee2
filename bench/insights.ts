// Insights over 100,000 snapshots for one user: `analytics.insights` through the caller (the
// procedure, Kysely, the statistics over every dimension) against the same SQL sent by a bare `pg`
// client (no tRPC, no Kysely, no statistics), alternated, median of RUNS each.
// Part of `pnpm bench` (BENCH_ONLY=insights); alone: TEST_DATABASE_URL=postgres://… pnpm --filter
// @streamline/bench exec tsx insights.ts (PGlite when it is unset: the bare side then goes through
// the same PGlite).
import { performance } from "node:perf_hooks";
import { createCaller } from "@streamline/api";
import { ensureUserRow } from "@streamline/db";
import { createTestDb } from "@streamline/db/testing";
import { sql } from "kysely";
import pg from "pg";
import { type Backend, postgresAdminUrl } from "./lib/child";
import type { Section } from "./lib/results";

const USER = "bench-insights";
const POSTS = 5_000;
const PLATFORMS = ["instagram", "tiktok", "x", "threads"];
const SLOTS = 5; // 5,000 × 4 × 5 = 100,000 snapshots
const RUNS = Number(process.env.RUNS ?? 15);

export async function insightsBench(backend: Backend, out: Pick<Section, "line">): Promise<void> {
  if (backend === "postgres") process.env.TEST_DATABASE_URL ??= postgresAdminUrl();
  const t = await createTestDb(backend);
  try {
    await ensureUserRow(t.db, USER);
    const seedStart = performance.now();
    await sql`insert into media_assets (user_id, provider, type, model, prompt, status, width, height)
  select ${USER}, 'openai', case when i % 3 = 0 then 'video' else 'image' end,
         case when i % 3 = 0 then 'sora-2' else 'gpt-image-2' end, 'p', 'succeeded',
         case when i % 2 = 0 then 1080 else 1024 end, case when i % 2 = 0 then 1920 else 1024 end
  from generate_series(1, 1000) i`.execute(t.db);
    await sql`insert into scheduled_posts (asset_id, user_id, status, idempotency_key, targets, results,
           zernio_post_id, timezone, completed_at)
  select (select id from media_assets where user_id = ${USER} order by id offset (i % 1000) limit 1),
         ${USER}, 'published', 'k' || i, '[]'::jsonb, '[]'::jsonb, 'z' || i, 'Europe/Berlin',
         now() - make_interval(hours => i % 2000)
  from generate_series(1, ${POSTS}) i`.execute(t.db);
    await sql`insert into post_analytics_targets (post_id, platform, user_id, account_id, published_at,
           status, step, next_refresh_at)
  select sp.id, p, ${USER}, 'acc_' || p, sp.completed_at, 'active', ${SLOTS}, now() + interval '1 day'
  from scheduled_posts sp cross join unnest(${sql.val(PLATFORMS)}::text[]) p
  where sp.user_id = ${USER}`.execute(t.db);
    await sql`insert into post_metric_snapshots (post_id, platform, user_id, slot, taken_at, impressions,
           reach, views, likes, comments, shares, saves, clicks, engagement_rate)
  select t.post_id, t.platform, t.user_id, s, t.published_at + make_interval(hours => s * 6),
         1000 + s * 100, 800, 900 + s * 90, 40 + (hashtext(t.post_id) & 63), 5, 3, 2, 7,
         ((40 + (hashtext(t.post_id) & 63)) / 10.0)
  from post_analytics_targets t cross join generate_series(0, ${SLOTS - 1}) s
  where t.user_id = ${USER}`.execute(t.db);
    // The pairs' latest_* figures, as insertSnapshot leaves them (the highest slot of each pair).
    await sql`update post_analytics_targets t
  set latest_slot = s.slot, latest_taken_at = s.taken_at, latest_impressions = s.impressions,
      latest_reach = s.reach, latest_views = s.views, latest_likes = s.likes,
      latest_comments = s.comments, latest_shares = s.shares, latest_saves = s.saves,
      latest_clicks = s.clicks, latest_engagement_rate = s.engagement_rate
  from post_metric_snapshots s
  where s.post_id = t.post_id and s.platform = t.platform and s.slot = ${SLOTS - 1}
    and t.user_id = ${USER}`.execute(t.db);
    await sql`analyze`.execute(t.db);
    const seeded = await sql<{
      n: number;
    }>`select count(*)::int as n from post_metric_snapshots`.execute(t.db);
    out.line(
      `${backend}: seeded ${seeded.rows[0]?.n} snapshots in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const caller = createCaller({
      db: t.db,
      user: { id: USER, method: "api-key" },
      headers: new Headers(),
      trustedOrigins: [],
    } as never);

    // The same statement insightRows sends, for the bare client.
    const from = new Date(Date.now() - 90 * 86_400_000);
    const to = new Date(Date.now() + 1);
    const compiled = await (async () => {
      let captured: { sql: string; parameters: readonly unknown[] } | undefined;
      const { insightRows } = await import("@streamline/db");
      const spy = t.db.withPlugin({
        transformQuery: (args) => args.node,
        transformResult: async (args) => args.result,
      });
      const original = spy.getExecutor().executeQuery.bind(spy.getExecutor());
      spy.getExecutor().executeQuery = async (query, id) => {
        captured ??= { sql: query.sql, parameters: query.parameters };
        return original(query, id);
      };
      await insightRows(spy, { userId: USER, from, to });
      if (!captured) throw new Error("No statement captured");
      return captured;
    })();

    const bare =
      backend === "postgres" ? new pg.Client({ connectionString: t.databaseUrl }) : undefined;
    await bare?.connect();
    async function runBare(): Promise<number> {
      if (bare)
        return (await bare.query(compiled.sql, compiled.parameters as unknown[])).rowCount ?? 0;
      if (t.kind !== "pglite") throw new Error("unreachable");
      return (await t.pglite.query(compiled.sql, compiled.parameters as unknown[])).rows.length;
    }

    const ours: number[] = [];
    const base: number[] = [];
    let pairs = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      let start = performance.now();
      const result = await caller.analytics.insights({});
      const a = performance.now() - start;
      start = performance.now();
      const rows = await runBare();
      const b = performance.now() - start;
      pairs = result.pairs;
      if (rows !== result.pairs)
        throw new Error(`bare read ${rows} rows, insights ${result.pairs}`);
      if (i >= 2) {
        ours.push(a);
        base.push(b);
      }
    }
    const median = (v: number[]) =>
      [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)] ?? Number.NaN;
    out.line(
      `${backend}: analytics.insights over ${pairs} pairs (latest of 100,000 snapshots): median ${median(ours).toFixed(0)} ms; bare SQL ${median(base).toFixed(0)} ms; ratio ${(median(ours) / median(base)).toFixed(2)}×`,
    );
    await bare?.end();
  } finally {
    await t.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await insightsBench(process.env.TEST_DATABASE_URL ? "postgres" : "pglite", {
    line: (text = "") => console.log(text),
  });
}
