// The shared SSE fan-out for media.onProgress (packages/api/src/media/fanout.ts): 1,000 raw SSE
// streams on one process — order, one serialisation per event, the per-user stream cap, resume by
// Last-Event-Id and the caller re-checks — and byte-for-byte the wire tRPC's own stream writes.
import { type ClientRequest, request } from "node:http";
import { progressFanoutOf } from "@streamline/api";
import {
  countMediaStreams,
  createApiKey,
  type Database,
  ensureUserRow,
  insertMediaAsset,
  type MediaAsset,
  revokeApiKey,
} from "@streamline/db";
import { createTestDb, type TestDb } from "@streamline/db/testing";
import { changeAsset } from "@streamline/jobs";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";

type SseEvent = { event: string | undefined; data: string; id: string | undefined; at: number };
type Sse = {
  events: SseEvent[];
  raw: string[];
  request: ClientRequest;
  ended: boolean;
  connected: Promise<void>;
};

function openSse(
  url: string,
  input: Record<string, unknown>,
  headers: Record<string, string>,
): Sse {
  const query = encodeURIComponent(JSON.stringify(input));
  const sse: Sse = {
    events: [],
    raw: [],
    ended: false,
    connected: undefined as unknown as Promise<void>,
    request: request(`${url}/trpc/media.onProgress?input=${query}`, {
      headers: { accept: "text/event-stream", ...headers },
      agent: false,
    }),
  };
  sse.connected = new Promise((resolve, reject) => {
    let buffer = "";
    sse.request.on("response", (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        sse.raw.push(chunk);
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2).replace(/^\n/, "");
          const field = (name: string) =>
            new RegExp(`^${name}: ?(.*)$`, "m").exec(message)?.[1] ?? undefined;
          const event = { event: field("event"), data: field("data") ?? "", id: field("id") };
          sse.events.push({ ...event, at: Date.now() });
          if (event.event === "connected") resolve();
          end = buffer.indexOf("\n\n");
        }
      });
      res.on("end", () => {
        sse.ended = true;
      });
    });
    sse.request.on("error", reject);
  });
  sse.request.end();
  return sse;
}

const unwrap = (data: string) => {
  const parsed = JSON.parse(data) as { json?: unknown };
  return (parsed.json ?? parsed) as Record<string, unknown> & {
    data?: { code?: string };
  };
};
const progressOf = (sse: Sse) =>
  sse.events.filter((e) => e.id !== undefined).map((e) => unwrap(e.data).progress as number);
const idsOf = (sse: Sse) => sse.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
const errorOf = (sse: Sse) => {
  const error = sse.events.find((e) => e.event === "serialized-error");
  return error ? unwrap(error.data) : undefined;
};

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

type Db = Kysely<Database>;

/** A running image of `user`'s (the events below are published for it). */
const runningImage = (db: Db, user: string, prompt: string) =>
  insertMediaAsset(db, {
    user_id: user,
    provider: "openai",
    type: "image",
    model: "gpt-image-2",
    prompt,
    status: "running",
    progress: 1,
  });

/** Moves the asset's progress, publishing its progress event in the same transaction. */
const publishProgress = (db: Db, asset: MediaAsset, progress: number) =>
  changeAsset(
    db,
    asset,
    { progress },
    { kind: "progress", status: "running", phase: "generating", progress, estimated: false },
  );

const USERS = 100;
const PER_USER = 10;

describe("media.onProgress on the shared fan-out, 1,000 streams (pglite)", () => {
  let server: TestServer;
  const users: { id: string; key: string; keyId: string; asset: MediaAsset; other: MediaAsset }[] =
    [];
  const streams = new Map<string, Sse[]>();

  beforeAll(async () => {
    server = await startTestServer(
      "pglite",
      { MEDIA_MAX_STREAMS_PER_USER: String(PER_USER), MEDIA_STREAM_RECHECK_SECONDS: "1" },
      { worker: false },
    );
    const db = server.runtime.handle.db;
    for (let i = 0; i < USERS; i++) {
      const id = `fan-${String(i).padStart(3, "0")}`;
      await ensureUserRow(db, id);
      const { key, apiKey } = await createApiKey(db, { userId: id, name: "fan" });
      const asset = (kind: string) => runningImage(db, id, `fan-out ${kind}`);
      users.push({ id, key, keyId: apiKey.id, asset: await asset("a"), other: await asset("b") });
    }
  }, 120_000);
  afterAll(async () => {
    for (const list of streams.values()) for (const s of list) s.request.destroy();
    await server?.close();
  });

  const publish = async (progress: number, which: "asset" | "other" = "asset") => {
    await server.runtime.handle.db.transaction().execute(async (tx) => {
      for (const user of users) await publishProgress(tx, user[which], progress);
    });
  };
  const open = (user: (typeof users)[number], input: Record<string, unknown>, extra = {}) =>
    openSse(server.url, input, { authorization: `Bearer ${user.key}`, ...extra });

  it("delivers every event to each of the 1,000 streams that wants it, in order, serialised once per event", async () => {
    for (const user of users) {
      const list: Sse[] = [];
      for (let i = 0; i < PER_USER; i++) {
        list.push(open(user, i % 2 === 0 ? { assetId: user.asset.id } : {}));
      }
      streams.set(user.id, list);
      // A user's streams at a time (tabs and clients open over a moment, not in one burst).
      await Promise.all(list.map((s) => s.connected));
    }
    const all = [...streams.values()].flat();
    const fanout = progressFanoutOf(server.runtime.api.events, 1_000);
    await until(() => fanout.streams === USERS * PER_USER, "1,000 live streams");
    // A first change reaches everyone (every replay is over), then the measured rounds.
    await publish(2);
    await until(() => all.every((s) => progressOf(s).includes(2)), "the first change everywhere");
    const serialized = fanout.serialized;
    for (let progress = 10; progress < 15; progress++) await publish(progress);
    await publish(50, "other"); // user-wide streams only
    await publish(20);
    await until(() => all.every((s) => progressOf(s).includes(20)), "the last change everywhere");
    // 7 publishes of one event per user: 700 serialisations for 6,000+ deliveries.
    expect(fanout.serialized - serialized).toBe(7 * USERS);
    for (const list of streams.values()) {
      list.forEach((s, i) => {
        const tail = progressOf(s).slice(progressOf(s).indexOf(2));
        expect(tail).toEqual(
          i % 2 === 0 ? [2, 10, 11, 12, 13, 14, 20] : [2, 10, 11, 12, 13, 14, 50, 20],
        );
        const ids = idsOf(s);
        expect([...ids].sort((a, b) => a - b)).toEqual(ids);
        expect(new Set(ids).size).toBe(ids.length);
        expect(s.ended).toBe(false);
        expect(errorOf(s)).toBeUndefined();
      });
    }
  }, 180_000);

  it("refuses a stream over the user's cap with TOO_MANY_REQUESTS", async () => {
    const user = users[0] as (typeof users)[number];
    const over = open(user, {});
    await until(() => over.ended, "the refusal");
    expect(over.events[0]?.event).toBe("connected");
    expect(errorOf(over)?.data?.code).toBe("TOO_MANY_REQUESTS");
  });

  it("resumes after Last-Event-Id with exactly what followed, then live events", async () => {
    const user = users[1] as (typeof users)[number];
    const [first, ...rest] = streams.get(user.id) as Sse[];
    const seen = idsOf(first as Sse);
    first?.request.destroy();
    streams.set(user.id, rest);
    await until(
      async () => (await countMediaStreams(server.runtime.handle.db, user.id)) < PER_USER,
      "the closed stream's slot",
    );
    const from = seen[2] as number;
    const resumed = open(user, { assetId: user.asset.id }, { "last-event-id": String(from) });
    await resumed.connected;
    await until(() => idsOf(resumed).length >= seen.length - 3, "the replay");
    expect(idsOf(resumed)).toEqual(seen.slice(3));
    await publish(30);
    await until(() => progressOf(resumed).includes(30), "a live event after the replay");
    expect(progressOf(resumed).at(-1)).toBe(30);
    rest.push(resumed);
  });

  it("ends every stream of a revoked key with UNAUTHORIZED at its next re-check; the others go on", async () => {
    const revoked = users[2] as (typeof users)[number];
    const kept = users[3] as (typeof users)[number];
    await revokeApiKey(server.runtime.handle.db, { userId: revoked.id, id: revoked.keyId });
    const gone = streams.get(revoked.id) as Sse[];
    await until(() => gone.every((s) => s.ended), "the revoked key's streams to end", 10_000);
    for (const s of gone) expect(errorOf(s)?.data?.code).toBe("UNAUTHORIZED");
    await publish(40);
    const alive = streams.get(kept.id) as Sse[];
    await until(() => alive.every((s) => progressOf(s).includes(40)), "the kept user's event");
    for (const s of gone) expect(progressOf(s)).not.toContain(40);
    await until(
      async () => (await countMediaStreams(server.runtime.handle.db, revoked.id)) === 0,
      "the revoked streams' slots",
    );
  });
});

describe("the fan-out writes tRPC's own SSE wire (pglite)", () => {
  let db: TestDb;
  let fanout: TestServer;
  let trpc: TestServer;
  beforeAll(async () => {
    db = await createTestDb("pglite");
    fanout = await startTestServer("pglite", {}, { worker: false, db });
    trpc = await startTestServer("pglite", { MEDIA_SSE_FANOUT: "0" }, { worker: false, db });
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([fanout?.close(), trpc?.close()]);
    await db?.close().catch(() => {});
  });

  /** The bytes of a stream until `done`, pings left out (they depend on timing). */
  async function bytes(server: TestServer, input: Record<string, unknown>, headers = {}) {
    const sse = openSse(server.url, input, headers);
    await sse.connected;
    await until(
      () => sse.ended || sse.events.filter((e) => e.id !== undefined).length >= 3,
      "the stream",
    );
    sse.request.destroy();
    return sse.raw.join("").replaceAll("event: ping\ndata: \n\n\n", "");
  }

  it("answers the same bytes for a replay, a refusal and a missing credential", async () => {
    const user = "wire-user";
    await ensureUserRow(db.db, user);
    const asset = await runningImage(db.db, user, "wire");
    for (const progress of [5, 6, 7]) await publishProgress(db.db, asset, progress);
    const me = { "x-streamline-user": user };
    const replay = await bytes(fanout, { assetId: asset.id }, me);
    expect(replay).toMatch(/^event: connected\ndata: \{.*\}\n\n\ndata: .*\nid: \d+\n\n\n/);
    expect(replay).toBe(await bytes(trpc, { assetId: asset.id }, me));
    const foreign = { "x-streamline-user": "someone-else" };
    const notFound = await bytes(fanout, { assetId: asset.id }, foreign);
    expect(notFound).toContain("event: serialized-error");
    expect(notFound).toBe(await bytes(trpc, { assetId: asset.id }, foreign));
    const anonymous = await bytes(fanout, {});
    expect(anonymous).toContain("UNAUTHORIZED");
    expect(anonymous).toBe(await bytes(trpc, {}));
    const badInput = await bytes(fanout, { assetId: 42 }, me);
    expect(badInput).toContain("BAD_REQUEST");
    expect(badInput).toBe(await bytes(trpc, { assetId: 42 }, me));
  });
});

const STREAM_PATHS: { path: string; env: Record<string, string> }[] = [
  { path: "the fan-out", env: {} },
  { path: "tRPC's own stream (MEDIA_SSE_FANOUT=0)", env: { MEDIA_SSE_FANOUT: "0" } },
];

describe.runIf(Boolean(process.env.TEST_DATABASE_URL)).each(STREAM_PATHS)(
  "$path says `connected` only once it listens (postgres)",
  ({ env }) => {
    let db: TestDb;
    let server: TestServer;
    beforeAll(async () => {
      db = await createTestDb("postgres");
      server = await startTestServer("postgres", env, { worker: false, db });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await db?.close().catch(() => {});
    });

    it("never loses an event committed right after `connected`, however slow the stream's set-up", async () => {
      // The studio re-reads what it shows on `connected` (a first connection has no lastEventId to
      // replay from), so every event committed after that moment must come down the stream. The
      // stream's set-up is held up here (its slot claim waits on the per-user lock, as on a busy
      // database); an event published the moment `connected` is heard must still arrive. Before
      // the fix, `connected` went out first and that event was neither replayed nor delivered.
      const user = "first-connection";
      await ensureUserRow(db.db, user);
      const asset = await runningImage(db.db, user, "first connection");
      if (db.kind !== "postgres") throw new Error("a PostgreSQL test database");
      const lock = await db.pool.connect();
      try {
        await lock.query("select pg_advisory_lock(hashtext($1))", [`media-streams:${user}`]);
        const sse = openSse(server.url, {}, { "x-streamline-user": user });
        const onConnected = sse.connected.then(() => publishProgress(db.db, asset, 42));
        await new Promise((resolve) => setTimeout(resolve, 500));
        await lock.query("select pg_advisory_unlock(hashtext($1))", [`media-streams:${user}`]);
        await onConnected;
        await until(
          () => progressOf(sse).includes(42),
          "the event published after `connected`",
          10_000,
        );
        sse.request.destroy();
      } finally {
        lock.release();
      }
    });
  },
);
