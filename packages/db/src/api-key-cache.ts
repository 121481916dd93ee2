// The API keys this process has seen, by hash: a request with a cached key costs no round trip.
// Revocations drop entries at once: every revoke (and account deletion) NOTIFYs on the media
// events channel, which every process already LISTENs to (listen.ts), and the listener calls
// `drop…` here. While that listener is not connected (a reconnect may have missed a revocation)
// the cache is emptied and not used.

type Entry = { userId: string; keyId: string; touchedAt: number };

export class ApiKeyCache {
  readonly #byHash = new Map<string, Entry>();
  #epoch = 0;
  #usable: () => boolean;
  constructor(
    /** Whether revocations are being heard right now (the LISTEN connection is up). */
    usable: () => boolean = () => true,
    readonly maxEntries = 10_000,
  ) {
    this.#usable = usable;
  }

  get size(): number {
    return this.#byHash.size;
  }

  /** A counter that moves on every drop: a lookup started before one must not fill the cache. */
  get epoch(): number {
    return this.#epoch;
  }

  get(hash: string): Entry | undefined {
    if (!this.#usable()) {
      this.clear();
      return undefined;
    }
    return this.#byHash.get(hash);
  }

  /** Caches what a lookup found, unless something was dropped since it started (`epoch`). */
  set(hash: string, entry: Entry, epoch: number): void {
    if (epoch !== this.#epoch || !this.#usable()) return;
    if (this.#byHash.size >= this.maxEntries) this.#byHash.clear();
    this.#byHash.set(hash, entry);
  }

  dropKey(keyId: string): void {
    this.#epoch++;
    for (const [hash, entry] of this.#byHash) if (entry.keyId === keyId) this.#byHash.delete(hash);
    for (const done of this.#waiters.get(keyId) ?? []) done();
  }

  readonly #waiters = new Map<string, Set<() => void>>();

  /**
   * Resolves when this process hears a key's revocation (or after `timeoutMs`). Asked before the
   * revoke commits, awaited after: PostgreSQL sends a NOTIFY to every listening process at once, so
   * when the revoking process has it, the others have it too.
   */
  heard(keyId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiters.get(keyId);
      if (!set) {
        set = new Set();
        this.#waiters.set(keyId, set);
      }
      const waiters = set;
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.#waiters.delete(keyId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
    });
  }

  dropUser(userId: string): void {
    this.#epoch++;
    for (const [hash, entry] of this.#byHash)
      if (entry.userId === userId) this.#byHash.delete(hash);
  }

  clear(): void {
    this.#epoch++;
    this.#byHash.clear();
  }
}

/** A NOTIFY payload that says keys were revoked (one key, or every key of a user). */
export type ApiKeyRevocation =
  | { kind: "api-key-revoked"; keyId: string }
  | { kind: "api-keys-revoked"; userId: string };
