// The API-key cache across processes on one PostgreSQL: two servers (this test process and a child
// `main` process) each cache a key after its first call; a revocation reaches both at once through
// the NOTIFY channel they listen on, and `last_used_at` is written in the background. The calls are
// plain JSON over HTTP (the wire any language can speak).
import { createApiKey, ensureUserRow, revokeApiKey } from "@streamline/db";
import { createTestDb, type TestDb } from "@streamline/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";
import { type ChildRun, startProcess, stopProcess, waitFor } from "./processes";

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("API-key cache on two processes", () => {
  let db: TestDb;
  let serverA: TestServer;
  let serverB: ChildRun;

  beforeAll(async () => {
    db = await createTestDb("postgres");
    const env = { NODE_ENV: "test", DATABASE_URL: db.databaseUrl as string, GEMINI_API_KEY: "" };
    serverA = await startTestServer("postgres", env, { worker: false, db });
    serverB = await startProcess("main", { ...env, PORT: "0" }, /API on (http:\/\/[^\s]+)/);
  }, 120_000);
  afterAll(async () => {
    await stopProcess(serverB, "SIGKILL");
    await serverA?.close();
    await db?.close();
  });

  const list = async (url: string, key: string) => {
    const input = encodeURIComponent(JSON.stringify({ limit: 5 }));
    const response = await fetch(`${url}/trpc/media.list?input=${input}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it("serves a cached key on both servers and refuses it on both as soon as it is revoked", async () => {
    await ensureUserRow(db.db, "cache-user");
    const { key, apiKey } = await createApiKey(db.db, { userId: "cache-user", name: "cache" });
    const cache = serverA.runtime.api.events.apiKeys;
    expect(cache).toBeDefined();
    for (const url of [serverA.url, serverB.url as string]) {
      const answer = await list(url, key);
      expect(answer.status).toBe(200);
      // Plain JSON: the page itself, no transformer envelope.
      expect(answer.body.result.data).toEqual({ items: [], nextCursor: null });
    }
    expect(cache?.size).toBe(1);
    // Used once: last_used_at is written in the background, not on every call.
    await waitFor(
      async () =>
        (
          await db.db
            .selectFrom("api_keys")
            .select("last_used_at")
            .where("id", "=", apiKey.id)
            .executeTakeFirstOrThrow()
        ).last_used_at !== null,
      10_000,
    );
    // Now served from the cache: the key row is not even read (a second key in the table stays
    // unread too). Revoke it straight in the database, as any process would.
    const heard = cache?.heard(apiKey.id, 5_000);
    expect(await revokeApiKey(db.db, { userId: "cache-user", id: apiKey.id })).toBe(true);
    await heard;
    expect(cache?.size).toBe(0);
    const [a, b] = await Promise.all([list(serverA.url, key), list(serverB.url as string, key)]);
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.error.data.code).toBe("UNAUTHORIZED");
  }, 60_000);

  it("drops a deleted account's keys on both servers", async () => {
    await ensureUserRow(db.db, "gone-user");
    const { key } = await createApiKey(db.db, { userId: "gone-user", name: "gone" });
    expect((await list(serverA.url, key)).status).toBe(200);
    expect((await list(serverB.url as string, key)).status).toBe(200);
    const cache = serverA.runtime.api.events.apiKeys;
    const before = cache?.epoch ?? 0;
    await db.db.transaction().execute(async (tx) => {
      const { deleteUserRow } = await import("@streamline/db");
      await deleteUserRow(tx, "gone-user");
    });
    await waitFor(async () => (cache?.epoch ?? 0) > before, 5_000);
    expect((await list(serverA.url, key)).status).toBe(401);
    expect((await list(serverB.url as string, key)).status).toBe(401);
  }, 60_000);
});
