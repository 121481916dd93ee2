// SIGTERM soak (PostgreSQL): the crash soak's shape with graceful stops instead of kills — a deploy
// that restarts workers again and again. ~60 generations (images and videos, creates slowed so
// some are in flight at every stop) and posts run by three worker processes while a worker is sent
// SIGTERM every few seconds and restarted. Afterwards: every asset succeeded (none lost, none
// interrupted mid-submit), one provider create per asset, every post published once, each worker
// exited on its own (code 0) within its grace period.
import { delay, http } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresStack, startPostgresStack } from "../test/pg-stack";
import { type ChildRun, startProcess, stopProcess, waitFor } from "../test/processes";
import { makeAsset } from "../test/social-helpers";
import { recordFigures, SENTINEL, SOAK_WORKER_ENV, sleep } from "./helpers";

const GENERATIONS = Number(process.env.SOAK_SIGTERM_GENERATIONS ?? 60);
const POSTS = Number(process.env.SOAK_SIGTERM_POSTS ?? 12);
const STOPS = Number(process.env.SOAK_SIGTERM_STOPS ?? 8);
const WORKERS = 3;
const GRACE_SECONDS = 15;

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("SIGTERM soak on PostgreSQL", () => {
  let stack: PostgresStack;
  const workers: (ChildRun | undefined)[] = [];
  const retired: ChildRun[] = [];

  beforeAll(async () => {
    const slow = async () => {
      await delay(800 + Math.random() * 1_200);
      return undefined;
    };
    stack = await startPostgresStack({
      name: "soak-sigterm",
      openai: { apiKey: SENTINEL.openai, videoPollsToComplete: 16 },
      zernio: { publishDurationMs: 3_000 },
      before: (url) => [
        http.post(`${url}/v1/videos`, slow),
        http.post(`${url}/v1/images/generations`, slow),
      ],
      env: {
        ...SOAK_WORKER_ENV,
        POST_POLL_MIN_MS: "250",
        POST_POLL_MAX_MS: "500",
        SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      },
      accountsFor: "sigterm-soak",
    });
    for (let i = 0; i < WORKERS; i++) {
      workers.push(await startProcess("worker", stack.env, /generation worker started/));
    }
  }, 180_000);

  afterAll(async () => {
    for (const w of [...workers, ...retired]) await stopProcess(w, "SIGKILL");
    await stack?.close();
  });

  it(`${GENERATIONS} generations and ${POSTS} posts survive ${STOPS} worker SIGTERMs`, async () => {
    const { api, db, env, openai, zernio } = stack;
    const client = api.client("sigterm-soak");
    const assetIds: string[] = [];
    const postIds: string[] = [];
    const startedAt = Date.now();
    const submit = (async () => {
      for (let i = 0; i < GENERATIONS; i++) {
        const video = i % 5 < 2;
        const { asset } = await client.media.generate.mutate(
          video
            ? {
                type: "video",
                model: "sora-2",
                prompt: `SIGTERM soak #${i}`,
                options: { seconds: 4 },
              }
            : { type: "image", model: "gpt-image-2", prompt: `SIGTERM soak #${i}` },
        );
        assetIds.push(asset.id);
        if (i % Math.max(1, Math.floor(GENERATIONS / POSTS)) === 0 && postIds.length < POSTS) {
          const image = await makeAsset(api, "sigterm-soak", {
            type: "image",
            width: 1080,
            height: 1350,
          });
          const post = await client.social.schedule.mutate({
            assetId: image.id,
            targets: [{ accountId: "acc_instagram_1", platform: "instagram" }],
            captions: { instagram: { text: `SIGTERM soak post #${postIds.length}` } },
            publishNow: true,
            idempotencyKey: `sigterm-soak-${i}`,
          });
          postIds.push(post.id);
        }
        await sleep(300 + Math.random() * 200);
      }
    })();
    const stops: { exitMs: number; code: number | null }[] = [];
    const stopper = (async () => {
      await sleep(3_000);
      for (let k = 0; k < STOPS; k++) {
        const index = k % WORKERS;
        const victim = workers[index];
        if (victim) {
          const at = Date.now();
          await stopProcess(victim, "SIGTERM");
          stops.push({ exitMs: Date.now() - at, code: victim.child.exitCode });
          retired.push(victim);
          workers[index] = undefined;
        }
        workers[index] = await startProcess("worker", env, /generation worker started/);
        await sleep(2_000 + Math.random() * 3_000);
      }
    })();
    await Promise.all([submit, stopper]);

    type Row = { id: string; status: string; prompt: string; error_message: string | null };
    let rows: Row[] = [];
    await waitFor(async () => {
      rows = await db.db
        .selectFrom("media_assets")
        .select(["id", "status", "prompt", "error_message"])
        .where("id", "in", assetIds)
        .execute();
      return rows.every((r) => ["succeeded", "failed", "canceled"].includes(r.status));
    }, 240_000);
    let posts: { id: string; status: string }[] = [];
    await waitFor(async () => {
      posts = await db.db
        .selectFrom("scheduled_posts")
        .select(["id", "status"])
        .where("id", "in", postIds)
        .execute();
      return posts.every((p) => ["published", "failed", "partial", "cancelled"].includes(p.status));
    }, 120_000);

    const creates = new Map<string, number>();
    for (const route of ["images.generate", "videos.create"] as const) {
      for (const r of openai.requestsTo(route)) {
        const prompt = String(
          (r.json as { prompt?: string } | undefined)?.prompt ?? r.fields?.prompt ?? "",
        );
        creates.set(prompt, (creates.get(prompt) ?? 0) + 1);
      }
    }
    const zernioPosts = zernio.listPosts();
    const figures = {
      generations: rows.length,
      succeeded: rows.filter((r) => r.status === "succeeded").length,
      notSucceeded: rows.filter((r) => r.status !== "succeeded").length,
      assetsWithTwoCreates: rows.filter((r) => (creates.get(r.prompt) ?? 0) > 1).length,
      posts: posts.length,
      published: posts.filter((p) => p.status === "published").length,
      zernioPosts: zernioPosts.length,
      stops: stops.length,
      exitSeconds: {
        max: Math.max(...stops.map((s) => s.exitMs)) / 1000,
        median:
          ([...stops.map((s) => s.exitMs)].sort((a, b) => a - b)[Math.floor(stops.length / 2)] ??
            0) / 1000,
      },
      wallSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
    recordFigures("sigterm", figures);

    expect(rows).toHaveLength(GENERATIONS);
    expect(rows.filter((r) => r.status !== "succeeded")).toEqual([]);
    expect(rows.filter((r) => creates.get(r.prompt) !== 1).map((r) => r.prompt)).toEqual([]);
    expect(posts.filter((p) => p.status !== "published")).toEqual([]);
    expect(new Set(zernioPosts.map((p) => p.content)).size).toBe(zernioPosts.length);
    expect(stops.map((s) => s.code)).toEqual(stops.map(() => 0));
    expect(Math.max(...stops.map((s) => s.exitMs))).toBeLessThan((GRACE_SECONDS + 5) * 1000);
  }, 600_000);
});
