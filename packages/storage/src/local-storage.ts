// Media on the local disk, served by the app server under `/media/<key>`. The default for one
// process on one machine; several servers need S3 (they would not share a disk).
//
// Content type: derived from the key's extension when serving (no sidecar file). The extension is
// chosen from the upload's content type, so the two agree, and a single rename publishes an
// object atomically; an unknown extension is served as application/octet-stream.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  assertObjectKey,
  type ByteRange,
  contentTypeForKey,
  isObjectKey,
  type MediaStorage,
  newObjectKey,
  type OpenedObject,
  type PutObjectInput,
  StorageError,
  type StoredObject,
  toNodeReadable,
} from "./media-storage";

export interface LocalStorageOptions {
  /** Absolute folder; the app passes `<workspace root>/.data/media` unless MEDIA_DIR is set. */
  rootDir: string;
  /** Where the server mounts the folder. */
  publicBaseUrl?: string | undefined;
}

export interface LocalMediaStorage extends MediaStorage {
  readonly kind: "local";
  readonly rootDir: string;
  /** The file behind a key; throws INVALID_KEY for anything that is not a key (e.g. `../x`). */
  resolveKey(key: string): string;
  /** Deletes half-written uploads a crashed process left behind; call it at start-up. */
  removeStaleUploads(olderThanMs?: number): Promise<number>;
  /** Destroy the returned stream when not reading it (HEAD requests), or its file stays open. */
  openObject(key: string, range?: ByteRange): Promise<OpenedObject | null>;
}

/** Uploads land here first; the leading dot keeps them outside the key space, so never served. */
const INCOMING_DIR = ".incoming";

export function createLocalStorage(options: LocalStorageOptions): LocalMediaStorage {
  const rootDir = resolve(options.rootDir);
  const publicBaseUrl = (options.publicBaseUrl ?? "/media").replace(/\/+$/, "");

  function resolveKey(key: string): string {
    assertObjectKey(key);
    const path = resolve(rootDir, key);
    // The key format already excludes `..` and absolute paths; this is the second lock.
    if (!path.startsWith(rootDir + sep)) throw new StorageError("INVALID_KEY", "Not a media key.");
    return path;
  }

  async function putObject(input: PutObjectInput): Promise<StoredObject> {
    const key = newObjectKey(input);
    const finalPath = resolveKey(key);
    const incoming = join(rootDir, INCOMING_DIR);
    const tempPath = join(incoming, `${randomBytes(12).toString("hex")}.part`);
    await mkdir(incoming, { recursive: true });
    let size = 0;
    const countBytes = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      // pipeline applies backpressure end to end: memory stays at a few chunks whatever the size.
      await pipeline(
        toNodeReadable(input.body),
        countBytes,
        createWriteStream(tempPath, { flags: "wx" }),
        input.signal ? { signal: input.signal } : {},
      );
      await mkdir(dirname(finalPath), { recursive: true });
      await rename(tempPath, finalPath);
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
    return { key, url: `${publicBaseUrl}/${key}`, size, contentType: input.contentType };
  }

  async function deleteObject(key: string): Promise<void> {
    await rm(resolveKey(key), { force: true });
  }

  async function openObject(key: string, range?: ByteRange): Promise<OpenedObject | null> {
    if (!isObjectKey(key)) return null;
    let handle: FileHandle;
    try {
      handle = await open(resolveKey(key), "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    // Size and bytes come from the same open file, so a concurrent delete cannot split them.
    const info = await handle.stat().catch(async (error) => {
      await handle.close();
      throw error;
    });
    const { size } = info;
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const unsatisfiable =
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      start >= size ||
      end < start;
    if (!info.isFile() || (range && unsatisfiable)) {
      await handle.close();
      if (!info.isFile()) return null;
      throw new StorageError("RANGE_NOT_SATISFIABLE", `Range not satisfiable (size ${size}).`);
    }
    if (size === 0) {
      await handle.close();
      return {
        stream: Readable.from([]),
        size,
        contentType: contentTypeForKey(key),
        start,
        end: 0,
      };
    }
    // The stream owns the handle from here and closes it when done or destroyed.
    const stream = handle.createReadStream({ start, end });
    return { stream, size, contentType: contentTypeForKey(key), start, end };
  }

  async function removeStaleUploads(olderThanMs = 60 * 60 * 1000): Promise<number> {
    const incoming = join(rootDir, INCOMING_DIR);
    const names = await readdir(incoming).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const path = join(incoming, name);
      const info = await stat(path).catch(() => null);
      // Only old ones: a younger file may belong to an upload still running in another process.
      if (info && Date.now() - info.mtimeMs > olderThanMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  return {
    kind: "local",
    removeStaleUploads,
    rootDir,
    resolveKey,
    putObject,
    deleteObject,
    urlFor: async (key) => {
      assertObjectKey(key);
      return `${publicBaseUrl}/${key}`;
    },
    urlForSync: (key) => {
      assertObjectKey(key);
      return `${publicBaseUrl}/${key}`;
    },
    openObject,
  };
}
