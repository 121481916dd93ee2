import pg from "pg";
import { ApiKeyCache, type ApiKeyRevocation } from "./api-key-cache";
import type { DbHandle } from "./client";
import {
  findMediaEvent,
  MEDIA_EVENTS_CHANNEL,
  type MediaEventRecord,
} from "./queries/media-events";

export interface MediaEventListener {
  /**
   * Calls `onEvent` for every event any process publishes from now on — only for one user's events
   * with `{ userId }` (looked up by user, so a thousand streams cost one call per event each of
   * them wants, not one per stream per event). Returns the unsubscribe.
   */
  subscribe(
    onEvent: (event: MediaEventRecord) => void,
    filter?: { userId?: string | undefined },
  ): () => void;
  /** Resolves once LISTEN is in place (events published after this are heard). */
  ready: Promise<void>;
  /**
   * This process's API-key cache: emptied on every revocation NOTIFY and whenever LISTEN is not
   * connected (a reconnect may have missed one), so a revoked key is refused at once everywhere.
   */
  apiKeys?: ApiKeyCache | undefined;
  close(): Promise<void>;
}

/**
 * One LISTEN per process, fanned out to every subscriber in it. On PostgreSQL it holds a dedicated
 * connection outside the pool (a pooled or PgBouncer connection would drop the subscription) and
 * reconnects with backoff; on embedded PGlite it uses PGlite's in-process LISTEN, so both run the
 * same publish path (INSERT + pg_notify).
 */
export function createMediaEventListener(handle: DbHandle): MediaEventListener {
  const subscribers = new Set<(event: MediaEventRecord) => void>();
  const byUser = new Map<string, Set<(event: MediaEventRecord) => void>>();
  let closed = false;
  let stop: (() => Promise<void>) | undefined;
  let listening = false;
  const apiKeys = new ApiKeyCache(() => listening);

  const revokes = (message: ApiKeyRevocation) => {
    if (message.kind === "api-key-revoked") apiKeys.dropKey(message.keyId);
    else if (message.kind === "api-keys-revoked") apiKeys.dropUser(message.userId);
    else return false;
    return true;
  };

  const deliver = async (payload: string | undefined) => {
    if (!payload) return;
    let event: MediaEventRecord | undefined;
    try {
      const parsed = JSON.parse(payload) as Partial<MediaEventRecord> & { id: number };
      if (revokes(parsed as unknown as ApiKeyRevocation)) return;
      event = parsed.payload
        ? ({
            ...parsed,
            createdAt: new Date(parsed.createdAt as unknown as string),
          } as MediaEventRecord)
        : await findMediaEvent(handle.db, Number(parsed.id));
    } catch {
      return;
    }
    if (!event) return;
    for (const subscriber of subscribers) subscriber(event);
    const mine = byUser.get(event.userId);
    if (mine) for (const subscriber of mine) subscriber(event);
  };

  const listenPglite = async () => {
    if (handle.kind !== "pglite") return;
    // LISTEN goes through Kysely's connection queue so it never lands inside someone's transaction.
    const unlisten = await handle.db
      .connection()
      .execute(() => handle.pglite.listen(MEDIA_EVENTS_CHANNEL, (p) => void deliver(p)));
    listening = true;
    stop = async () => {
      listening = false;
      await unlisten();
    };
  };

  const listenPostgres = async (attempt = 0): Promise<void> => {
    if (handle.kind !== "postgres" || closed) return;
    const client = new pg.Client(handle.pool.options);
    try {
      await client.connect();
      client.on("notification", (message) => void deliver(message.payload));
      client.on("error", () => {
        listening = false;
        apiKeys.clear();
        void client.end().catch(() => {});
        if (!closed) setTimeout(() => void listenPostgres(attempt + 1), backoff(attempt));
      });
      await client.query(`listen ${MEDIA_EVENTS_CHANNEL}`);
      apiKeys.clear();
      listening = true;
      stop = () => {
        listening = false;
        return client.end();
      };
    } catch (error) {
      await client.end().catch(() => {});
      if (attempt === 0) throw error;
      if (!closed) setTimeout(() => void listenPostgres(attempt + 1), backoff(attempt));
    }
  };

  const ready = handle.kind === "pglite" ? listenPglite() : listenPostgres();

  return {
    ready,
    apiKeys,
    subscribe(onEvent, filter) {
      const userId = filter?.userId;
      if (userId === undefined) {
        subscribers.add(onEvent);
        return () => subscribers.delete(onEvent);
      }
      let set = byUser.get(userId);
      if (!set) {
        set = new Set();
        byUser.set(userId, set);
      }
      set.add(onEvent);
      return () => {
        const current = byUser.get(userId);
        if (!current) return;
        current.delete(onEvent);
        if (current.size === 0) byUser.delete(userId);
      };
    },
    async close() {
      closed = true;
      subscribers.clear();
      byUser.clear();
      await ready.catch(() => {});
      await stop?.().catch(() => {});
    },
  };
}

function backoff(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** attempt);
}
