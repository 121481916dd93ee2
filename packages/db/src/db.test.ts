import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "./migrate";
import { migrations } from "./migrations";
import {
  decodeCursor,
  encodeCursor,
  findMediaAsset,
  insertMediaAsset,
  insertMediaAssetOnce,
  listMediaAssets,
  updateMediaAsset,
} from "./queries/media-assets";
import { ensureUserRow } from "./queries/users";
import type { NewMediaAsset } from "./schema";
import { createTestDb, type TestDb, testBackends } from "./testing";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function asset(overrides: Partial<NewMediaAsset> = {}): NewMediaAsset {
  return {
    user_id: "user-a",
    provider: "openai",
    type: "image",
    model: "gpt-image-2",
    prompt: "Stylized product photo of creatine gummies in gym bag",
    ...overrides,
  };
}

describe.each(testBackends())("database on %s", (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend, { migrate: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("migrates up from empty, and a second run is a no-op", async () => {
    const first = await migrateToLatest(t.db);
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual(
      Object.keys(migrations).map((name) => [name, "Success"]),
    );
    const again = await migrateToLatest(t.db);
    expect(again.results).toEqual([]);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public'
    `.execute(t.db);
    expect(tables.rows.map((r) => r.table_name)).toContain("media_assets");
  });

  it("runs concurrent migrations to one result", async () => {
    const [a, b] = await Promise.all([migrateToLatest(t.db), migrateToLatest(t.db)]);
    expect(a.error ?? b.error).toBeUndefined();
  });

  it("inserts, selects and updates an asset with jsonb and timestamps", async () => {
    // Every asset belongs to a user row (foreign key): the users these tests write for.
    for (const id of ["user-a", "user-b", "pager", "filters"]) await ensureUserRow(t.db, id);
    const created = await insertMediaAsset(
      t.db,
      asset({ params: { size: "1024x1024", quality: "high" }, metadata: { tags: ["gym"] } }),
    );
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.status).toBe("queued");
    expect(created.progress).toBe(0);
    expect(created.attempts).toBe(0);
    expect(created.params).toEqual({ size: "1024x1024", quality: "high" });
    expect(created.created_at).toBeInstanceOf(Date);
    expect(Math.abs(created.created_at.getTime() - Date.now())).toBeLessThan(60_000);

    const completedAt = new Date("2026-11-25T12:00:00.123Z");
    const updated = await updateMediaAsset(t.db, created.id, {
      status: "succeeded",
      progress: 100,
      result_url: "/media/abc.png",
      width: 1024,
      height: 1024,
      duration_seconds: 8.5,
      cost_usd: "0.0420",
      metadata: { tags: ["gym"], nested: { ok: true } },
      completed_at: completedAt,
    });
    expect(updated?.status).toBe("succeeded");
    expect(updated?.updated_at.getTime()).toBeGreaterThanOrEqual(created.updated_at.getTime());

    const found = await findMediaAsset(t.db, { id: created.id, userId: "user-a" });
    expect(found).toMatchObject({
      result_url: "/media/abc.png",
      duration_seconds: 8.5,
      metadata: { tags: ["gym"], nested: { ok: true } },
    });
    expect(Number(found?.cost_usd)).toBe(0.042);
    expect(found?.completed_at?.toISOString()).toBe(completedAt.toISOString());
    // Another user's id lookup and a soft-deleted row both come back empty.
    expect(await findMediaAsset(t.db, { id: created.id, userId: "user-b" })).toBeUndefined();
    await updateMediaAsset(t.db, created.id, { deleted_at: new Date() });
    expect(await findMediaAsset(t.db, { id: created.id, userId: "user-a" })).toBeUndefined();
  });

  it("rejects values the schema forbids", async () => {
    await expect(insertMediaAsset(t.db, asset({ status: "done" as never }))).rejects.toThrow();
    await expect(insertMediaAsset(t.db, asset({ progress: 101 }))).rejects.toThrow();
    await expect(insertMediaAsset(t.db, asset({ type: "audio" as never }))).rejects.toThrow();
  });

  it("pages newest first by keyset, stable while new rows arrive", async () => {
    const userId = "pager";
    const base = Date.parse("2026-11-01T00:00:00.000Z");
    const ids: string[] = [];
    // 25 rows, several sharing a timestamp so the id tie-break matters.
    for (let i = 0; i < 25; i++) {
      const row = await insertMediaAsset(
        t.db,
        asset({ user_id: userId, created_at: new Date(base + Math.floor(i / 3) * 1000) }),
      );
      ids.push(row.id);
    }
    const expected = (
      await t.db
        .selectFrom("media_assets")
        .select(["id", "created_at"])
        .where("user_id", "=", userId)
        .execute()
    )
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : -1))
      .map((r) => r.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listMediaAssets(t.db, {
        userId,
        limit: 10,
        cursor: cursor ? decodeCursor(cursor) : null,
      });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ? encodeCursor(page.nextCursor) : null;
      pages++;
      // A newer row arriving mid-scroll must neither shift nor repeat the pages after it.
      if (pages === 1) await insertMediaAsset(t.db, asset({ user_id: userId }));
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(25);
  });

  it("filters a listing by type, model and status", async () => {
    const userId = "filters";
    await insertMediaAsset(t.db, asset({ user_id: userId, type: "video", model: "sora-2" }));
    await insertMediaAsset(t.db, asset({ user_id: userId, status: "failed" }));
    await insertMediaAsset(t.db, asset({ user_id: userId }));
    const videos = await listMediaAssets(t.db, { userId, limit: 10, type: "video" });
    expect(videos.items.map((r) => r.model)).toEqual(["sora-2"]);
    const failed = await listMediaAssets(t.db, { userId, limit: 10, status: ["failed"] });
    expect(failed.items).toHaveLength(1);
    const byModel = await listMediaAssets(t.db, { userId, limit: 10, model: "gpt-image-2" });
    expect(byModel.items).toHaveLength(2);
  });

  it("keeps idempotency keys unique per user", async () => {
    const first = await insertMediaAssetOnce(t.db, { ...asset(), idempotency_key: "req-1" });
    const again = await insertMediaAssetOnce(t.db, { ...asset(), idempotency_key: "req-1" });
    expect(first.created).toBe(true);
    expect(again).toEqual({ asset: first.asset, created: false });
    const otherUser = await insertMediaAssetOnce(t.db, {
      ...asset({ user_id: "user-b" }),
      idempotency_key: "req-1",
    });
    expect(otherUser.created).toBe(true);
    await expect(insertMediaAsset(t.db, asset({ idempotency_key: "req-1" }))).rejects.toThrow(
      /unique|duplicate/i,
    );
    const count = await t.db
      .selectFrom("media_assets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("idempotency_key", "=", "req-1")
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
  });

  it.runIf(backend === "postgres")(
    "migrates safely from two processes at once",
    async () => {
      const fresh = await createTestDb("postgres", { migrate: false });
      try {
        const runs = await Promise.all([
          runMigrateCli(fresh.databaseUrl),
          runMigrateCli(fresh.databaseUrl),
        ]);
        expect(runs.map((r) => r.code)).toEqual([0, 0]);
        const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(
          fresh.db,
        );
        expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations));
        // Exactly one of the two applied the migrations; the other found them done.
        expect(runs.filter((r) => r.stdout.includes("Migrated postgres database"))).toHaveLength(1);
      } finally {
        await fresh.close();
      }
    },
    60_000,
  );
});

describe("an unreachable DATABASE_URL", () => {
  it("fails with one line naming the variable and the host", async () => {
    const run = await runMigrateCli("postgres://streamline:secret@127.0.0.1:1/nowhere");
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^DATABASE_URL: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere/,
    );
    expect(run.stderr).not.toContain("secret");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

function runMigrateCli(
  databaseUrl: string | undefined,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(packageDir, "src/cli/migrate.ts")],
      { cwd: packageDir, env: { ...process.env, DATABASE_URL: databaseUrl ?? "" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
