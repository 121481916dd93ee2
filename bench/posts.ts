// The posts page's list (issue 19): `social.list` (pages of 20 as the page asks: the upcoming
// queue, the history, and the history's next page through its cursor) with 10,000 posts over 100
// users (log-normal activity; a third are carousels of 3), under autocannon at 50 and at 2
// connections, against the bare baseline server sending the same SQL as prepared statements
// (bench/servers/posts-route.ts) — the list benchmark's method (bench/list.ts), alternated rounds.
import { type Backend, type BenchChild, startChild, startProduct } from "./lib/child";
import type { Section } from "./lib/results";
import { logNormalCounts, random } from "./lib/seed";
import { fmt, median, postgresCpuSeconds, processCpuSeconds, sleep } from "./lib/stats";
import { cannon, preciseLatency, type Run, type Variant } from "./list";

const USERS = 100;
const POSTS = 10_000;
const REQUESTS = 300;
const PAGE = 20;

const listPath = (input: Record<string, unknown>) =>
  `/trpc/social.list?input=${encodeURIComponent(JSON.stringify({ limit: PAGE, ...input }))}`;

/**
 * Each user's posts: 40 % scheduled ahead (the next 60 days), the rest in the past 300 days —
 * published mostly, some partial, failed or cancelled; one or two platforms; a third carousels.
 */
const SEED_POSTS = `
  with u as (select * from jsonb_to_recordset($1::jsonb) as u(id text, count int)),
  a as (select id, user_id, row_number() over (partition by user_id order by id) as rn,
               count(*) over (partition by user_id) as n
        from media_assets where status = 'succeeded' and user_id in (select id from u)),
  p as (
    select u.id as user_id, g,
      case when g % 10 < 4 then 'scheduled' when g % 10 < 8 then 'published'
           when g % 10 = 8 then (case when g % 20 = 8 then 'partial' else 'failed' end)
           else 'cancelled' end as status,
      case when g % 10 < 4 then now() + make_interval(mins => 60 + (g * 37) % 86400)
           else now() - make_interval(mins => 60 + (g * 41) % 432000) end as at
    from u, generate_series(1, u.count) g)
  insert into scheduled_posts (asset_id, user_id, status, targets, captions, publish_now,
    scheduled_for, scheduled_local, timezone, zernio_post_id, results, idempotency_key,
    created_at, completed_at)
  select (select id from a where a.user_id = p.user_id and a.rn = 1 + (p.g % a.n)),
    p.user_id, p.status,
    case when p.g % 2 = 0
      then '[{"accountId":"acc_instagram_1","platform":"instagram"},{"accountId":"acc_twitter_1","platform":"x"}]'::jsonb
      else '[{"accountId":"acc_twitter_1","platform":"x"}]'::jsonb end,
    jsonb_build_object('x', jsonb_build_object('text', 'Creatine gummies, batch ' || p.g || ' #fitness'),
                       'instagram', jsonb_build_object('text', 'Post-workout gummies ' || p.g)),
    false, p.at, to_char(p.at at time zone 'Europe/Berlin', 'YYYY-MM-DD"T"HH24:MI'), 'Europe/Berlin',
    case when p.status <> 'queued' then 'zp_' || md5(p.user_id || p.g) end,
    case when p.status in ('published', 'partial') then
      '[{"platform":"x","accountId":"acc_twitter_1","status":"published","url":"https://x.com/i/status/1"}]'::jsonb
      else '[]'::jsonb end,
    'bench-' || p.user_id || '-' || p.g, p.at - interval '1 day',
    case when p.status in ('published', 'partial', 'failed') then p.at end
  from p`;

const SEED_MEDIA = `
  insert into post_media (post_id, position, asset_id)
  select sp.id, 0, sp.asset_id from scheduled_posts sp where sp.idempotency_key like 'bench-%'
  union all
  select sp.id, x.k, x.id from scheduled_posts sp,
    lateral (select m.id, (row_number() over (order by m.id))::int as k from media_assets m
             where m.user_id = sp.user_id and m.status = 'succeeded' and m.id <> sp.asset_id
             order by m.id limit 2) x
  where sp.idempotency_key like 'bench-%' and hashtext(sp.id::text) % 3 = 0`;

async function seedPosts(product: BenchChild) {
  const counts = logNormalCounts(USERS, POSTS, 5);
  const { users } = await product.call<{ users: { id: string; count: number }[] }>("seed", {
    users: USERS,
    assets: USERS * 20,
    prefix: "poster",
  });
  const posters = users.map((u, i) => ({ id: u.id, count: counts[i] as number }));
  await product.call("sql", { text: SEED_POSTS, values: [JSON.stringify(posters)] });
  await product.call("sql", { text: SEED_MEDIA });
  await product.call("sql", { text: "analyze scheduled_posts" });
  await product.call("sql", { text: "analyze post_media" });
  const [row] = await product.call<{ n: number; carousels: number }[]>("sql", {
    text: `select (select count(*)::int from scheduled_posts) as n,
      (select count(distinct post_id)::int from post_media where position > 0) as carousels`,
  });
  return { posters, posts: row?.n ?? 0, carousels: row?.carousels ?? 0 };
}

type Answer = { result: { data: { items: { id: string }[]; nextCursor: string | null } } };

/** Callers in proportion to their posts: upcoming, history, and the history's second page. */
async function requestMix(
  productUrl: string,
  posters: { id: string; count: number }[],
  keyOf: Map<string, string>,
): Promise<Variant[]> {
  const next = random(19);
  const pick = () => {
    let r = next() * POSTS;
    for (const u of posters) {
      r -= u.count;
      if (r < 0) return u;
    }
    return posters.at(-1) as (typeof posters)[number];
  };
  const variants: Variant[] = [];
  while (variants.length < REQUESTS) {
    const user = pick();
    const authorization = `Bearer ${keyOf.get(user.id)}`;
    const kind = variants.length % 3;
    if (kind < 2) {
      variants.push({
        path: listPath({ view: kind === 0 ? "upcoming" : "history" }),
        authorization,
      });
      continue;
    }
    const first = (await (
      await fetch(`${productUrl}${listPath({ view: "history" })}`, { headers: { authorization } })
    ).json()) as Answer;
    const cursor = first.result.data.nextCursor;
    if (cursor) variants.push({ path: listPath({ view: "history", cursor }), authorization });
  }
  return variants;
}

async function assertSameAnswers(urls: string[], variants: Variant[]) {
  for (const v of variants.slice(0, 9)) {
    const [a, b] = await Promise.all(
      urls.map(async (u) => {
        const body = (await (
          await fetch(`${u}${v.path}`, { headers: { authorization: v.authorization } })
        ).json()) as Answer;
        return `${body.result.data.items.map((i) => i.id).join()}|${body.result.data.nextCursor}`;
      }),
    );
    if (a !== b || !a) throw new Error(`product and baseline disagree on ${v.path}:\n${a}\n${b}`);
  }
}

export async function postsBench(
  backend: Backend,
  out: Section,
  options: { seconds?: number; rounds?: number } = {},
): Promise<{ ratio50: number; ratio2: number; p99Ratio2: number }> {
  const seconds = options.seconds ?? 5;
  const rounds = options.rounds ?? 2;
  const product = await startProduct(backend, { BENCH_WORKER: "0" });
  let baseline: BenchChild | undefined;
  try {
    const seeded = await seedPosts(product);
    const keys = await product.call<{ userId: string; key: string }[]>("keys", {
      users: seeded.posters.map((u) => u.id),
    });
    const keyOf = new Map(keys.map((k) => [k.userId, k.key]));
    if (backend === "postgres") {
      baseline = await startChild("servers/baseline.ts", { DATABASE_URL: product.databaseUrl });
    }
    const baselineUrl = baseline?.url ?? (await product.call<string>("baseline"));
    const variants = await requestMix(product.url, seeded.posters, keyOf);
    await assertSameAnswers([product.url, baselineUrl], variants);

    const dbName = product.databaseUrl ? new URL(product.databaseUrl).pathname.slice(1) : "";
    const pgCpu = () => (dbName ? postgresCpuSeconds(dbName) : 0);
    const zero = () => 0;
    await cannon(product.url, variants, 10, 2, zero, zero);
    await cannon(baselineUrl, variants, 10, 2, zero, zero);
    const contenders: Array<{ name: string; url: string; pid: number; child?: BenchChild }> = [
      { name: "product", url: product.url, pid: product.pid, child: product },
      { name: "baseline", url: baselineUrl, pid: baseline?.pid ?? product.pid },
    ];
    const statementsOf = (child: BenchChild) => async () =>
      (await child.call<{ statements: number }>("usage")).statements;
    const runs: Record<string, Run[]> = {};
    const precise: Record<string, { p50: number; p99: number }[]> = {};
    for (let round = 0; round < rounds; round++) {
      for (const connections of [50, 2]) {
        const order = round % 2 === 0 ? contenders : [...contenders].reverse();
        for (const who of order) {
          const cpu = () => processCpuSeconds(who.pid);
          const statements = who.child ? statementsOf(who.child) : undefined;
          const run = await cannon(who.url, variants, connections, seconds, cpu, pgCpu, statements);
          const key = `${who.name}@${connections}`;
          runs[key] = [...(runs[key] ?? []), run];
          await sleep(300);
          if (connections === 2)
            precise[key] = [
              ...(precise[key] ?? []),
              await preciseLatency(who.url, variants, 2, 300),
            ];
        }
      }
    }
    const med = (key: string, f: (r: Run) => number) => median((runs[key] ?? []).map(f));
    const fine = (key: string, f: (r: { p50: number; p99: number }) => number) =>
      median((precise[key] ?? []).map(f));
    const ratio = (c: number) =>
      med(`product@${c}`, (r) => r.rps) / med(`baseline@${c}`, (r) => r.rps);
    const result = {
      ratio50: ratio(50),
      ratio2: ratio(2),
      p99Ratio2: fine("product@2", (r) => r.p99) / fine("baseline@2", (r) => r.p99),
    };
    const errors = Object.values(runs)
      .flat()
      .reduce((a, r) => a + r.errors, 0);
    out.line(
      `**${backend}**: ${seeded.posts.toLocaleString("en")} posts (${seeded.carousels.toLocaleString("en")} carousels of 3) over ${USERS} users, ${variants.length} distinct requests (a third each: upcoming, history, the history's next page through its cursor; ${PAGE} a page), ${rounds} alternated round(s) of ${seconds} s per setting; medians. Baseline: bare node:http + ${backend === "postgres" ? "node-postgres" : "PGlite (same process)"} sending the product's SQL (page, media items, assets) as prepared statements.${errors ? ` **${errors} errors/non-2xx**` : ""}`,
    );
    out.line();
    const rows: string[][] = [];
    for (const c of [50, 2]) {
      for (const who of contenders) {
        const key = `${who.name}@${c}`;
        rows.push([
          `${who.name} @ ${c}`,
          fmt(
            med(key, (r) => r.rps),
            0,
          ),
          who.name === "baseline" ? "1" : fmt(ratio(c), 2),
          c === 2
            ? `${fmt(
                fine(key, (r) => r.p50),
                2,
              )} / ${fmt(
                fine(key, (r) => r.p99),
                2,
              )}`
            : `${fmt(
                med(key, (r) => r.p50),
                0,
              )} / ${fmt(
                med(key, (r) => r.p99),
                0,
              )}`,
          fmt(
            med(key, (r) => r.cpuMsPerReq),
            2,
          ),
          dbName
            ? fmt(
                med(key, (r) => r.pgMsPerReq),
                2,
              )
            : "(in process)",
          who.child
            ? fmt(
                med(key, (r) => r.statementsPerReq),
                2,
              )
            : "4 (prepared)",
        ]);
      }
    }
    out.table(
      [
        "server @ connections",
        "req/s",
        "× baseline",
        "p50 / p99 ms",
        "server CPU ms/req",
        "PostgreSQL CPU ms/req",
        "SQL statements/req",
      ],
      rows,
    );
    out.line(
      `Ratios: throughput **${fmt(result.ratio50, 2)}×** the baseline at 50 connections, **${fmt(result.ratio2, 2)}×** at 2; p99 at 2 connections **${fmt(result.p99Ratio2, 1)}×** the baseline's (precise µs-resolution run, 2 × 300 requests). CPU per request at 50: product **${fmt(med("product@50", (r) => r.cpuMsPerReq) / med("baseline@50", (r) => r.cpuMsPerReq), 1)}×** the baseline's (server)${dbName ? `, **${fmt(med("product@50", (r) => r.pgMsPerReq) / med("baseline@50", (r) => r.pgMsPerReq), 1)}×** (PostgreSQL)` : ""}.`,
    );
    out.line();
    return result;
  } finally {
    await baseline?.stop();
    await product.stop();
  }
}
