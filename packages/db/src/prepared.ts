// Named prepared statements for the hot queries (API-key lookup, media.list, byId, the event
// backlog). A statement registered here by its SQL text is sent by node-postgres as a query config
// `{ name, text, values }`: parsed and planned once per connection, then only bound and executed.
// Kysely keeps calling `client.query(text, values)`; the pool's clients add the name (see
// `preparePooledClient`, wired in client.ts). PGlite has one connection and no named-statement
// cache of its own: there the same SQL runs as it is (extended protocol), unchanged.
import { CompiledQuery, type Kysely } from "kysely";
import type pg from "pg";

const names = new Map<string, string>();

/**
 * Registers `text` under `name` (a stable, unique name) and returns a runner for it. Same text,
 * same name: registering twice is harmless; a name reused for another text is refused.
 */
export function preparedStatement(name: string, text: string): string {
  const known = names.get(text);
  if (known && known !== name) throw new Error(`statement already prepared as ${known}`);
  for (const [other, otherName] of names) {
    if (otherName === name && other !== text) throw new Error(`${name}: another statement`);
  }
  names.set(text, name);
  return text;
}

/** The name a statement is prepared under, if it is registered. */
export function preparedNameOf(text: string): string | undefined {
  return names.get(text);
}

/** Runs registered SQL through Kysely (its connection queue, transactions), prepared on pg. */
export async function runPrepared<Row>(
  db: Pick<Kysely<never>, "executeQuery">,
  text: string,
  values: readonly unknown[],
): Promise<Row[]> {
  return (await db.executeQuery<Row>(CompiledQuery.raw(text, [...values]))).rows;
}

type Query = (...args: unknown[]) => unknown;

/** Makes a pooled client send registered statements by name (once per connection). */
export function preparePooledClient(client: pg.PoolClient | pg.Client): void {
  const original = client.query as unknown as Query;
  (client as unknown as { query: Query }).query = function (this: unknown, ...args: unknown[]) {
    const [text, values, callback] = args;
    if (typeof text === "string" && callback === undefined && typeof values !== "function") {
      const name = names.get(text);
      if (name) return original.call(this, { name, text, values: values ?? [] });
    }
    return original.apply(this, args);
  };
}
