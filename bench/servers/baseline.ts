// The list-throughput baseline: a bare node:http server answering `GET /trpc/media.list` for an
// API key with the SAME SQL the product runs (compiled from its own Kysely query), as prepared
// statements, and the rows JSON.stringify'd in one write. No framework, no DTO mapping, no
// transformer: the floor the product's list is compared against.
//
// `tsx bench/servers/baseline.ts` with DATABASE_URL runs it on PostgreSQL (node-postgres pool,
// named statements); on PGlite the product child starts it in its own process (see product.ts).
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { listMediaAssetsQuery } from "@streamline/db";
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from "kysely";
import pg from "pg";
import { postsListAnswer } from "./posts-route";

type Query = (name: string, text: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

// A compile-only Kysely (no connection): the product's list query as SQL text.
const compiler = new Kysely<never>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const PAGE = 24;
const FIRST_PAGE_SQL = listMediaAssetsQuery(compiler as never, {
  userId: "u",
  limit: PAGE,
}).compile().sql;
const CURSOR_SQL = listMediaAssetsQuery(compiler as never, {
  userId: "u",
  limit: PAGE,
  cursor: { createdAt: new Date(0), id: "00000000-0000-0000-0000-000000000000" },
}).compile().sql;
const KEY_SQL = "select user_id from api_keys where key_hash = $1 and revoked_at is null";

export async function startBaselineServer(query: Query, port = 0) {
  const server = createServer(async (req, res) => {
    const answer = (status: number, body: string) => {
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    };
    try {
      const url = new URL(req.url ?? "/", "http://x");
      const posts = url.pathname === "/trpc/social.list";
      if (url.pathname !== "/trpc/media.list" && !posts) return answer(404, "{}");
      const auth = req.headers.authorization ?? "";
      const hash = createHash("sha256").update(auth.slice(7)).digest("hex");
      const [key] = await query("key", KEY_SQL, [hash]);
      if (!key) return answer(401, '{"error":"UNAUTHORIZED"}');
      const input = JSON.parse(url.searchParams.get("input") ?? "{}");
      // The posts page's list (bench/posts.ts).
      if (posts) {
        const body = await postsListAnswer(compiler, query, key.user_id as string, input);
        return answer(200, JSON.stringify(body));
      }
      const cursor = input.cursor
        ? Buffer.from(String(input.cursor), "base64url").toString("utf8").split("|")
        : null;
      const rows = cursor
        ? await query("list_cursor", CURSOR_SQL, [key.user_id, cursor[0], cursor[1], PAGE + 1])
        : await query("list_first", FIRST_PAGE_SQL, [key.user_id, PAGE + 1]);
      const items = rows.slice(0, PAGE);
      const last = items.at(-1);
      const nextCursor =
        rows.length > PAGE && last
          ? Buffer.from(`${(last.created_at as Date).toISOString()}|${last.id as string}`).toString(
              "base64url",
            )
          : null;
      answer(200, JSON.stringify({ result: { data: { items, nextCursor } } }));
    } catch (error) {
      answer(500, JSON.stringify({ error: String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const { url } = await startBaselineServer(
    async (name, text, values) => (await pool.query({ name, text, values })).rows,
  );
  process.send?.({ ready: true, url, pid: process.pid, kind: "postgres" });
  process.on("message", async (message: { id: number; cmd: string }) => {
    if (message.cmd === "usage")
      process.send?.({
        id: message.id,
        result: { memory: process.memoryUsage(), cpu: process.cpuUsage() },
      });
    if (message.cmd === "exit") {
      process.send?.({ id: message.id, result: true });
      await pool.end();
      process.exit(0);
    }
  });
  process.on("disconnect", () => process.exit(0));
}
