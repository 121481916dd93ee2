// The one storage interface the worker and the server use, plus the rules every backend shares:
// how object keys look (random, never derived from asset ids, so a URL cannot be guessed from
// another one) and how a body of any stream flavour becomes a Node stream without buffering it.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";

export type MediaBody = ReadableStream<Uint8Array> | Uint8Array | NodeJS.ReadableStream;

export interface PutObjectInput {
  body: MediaBody;
  contentType: string;
  /** Without a dot (`"mp4"`); derived from `contentType` when omitted. */
  extension?: string | undefined;
  /** A folder for the key such as `"posters"` (lowercase letters, digits, `-`, `/`). */
  prefix?: string | undefined;
  /** Cancels the upload; nothing is left behind. */
  signal?: AbortSignal | undefined;
}

export interface StoredObject {
  /** What the database keeps: pass it to `urlFor` when rendering (S3 URLs expire). */
  key: string;
  /** A URL valid right now (local: stable path; S3: presigned or public). */
  url: string;
  /** Bytes written. */
  size: number;
  contentType: string;
}

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  start: number;
  end?: number | undefined;
}

export interface OpenedObject {
  stream: Readable;
  /** Size of the whole object (for `Content-Range`). */
  size: number;
  contentType: string;
  /** The range actually served, inclusive. */
  start: number;
  end: number;
}

export interface MediaStorage {
  readonly kind: "local" | "s3";
  putObject(input: PutObjectInput): Promise<StoredObject>;
  /** Idempotent: deleting a missing object succeeds. */
  deleteObject(key: string): Promise<void>;
  urlFor(key: string): Promise<string>;
  /** The same URL without waiting, where the backend can tell it at once (local disk). */
  urlForSync?(key: string): string;
  /** Only backends the server serves itself (local disk) have it; null when there is no object. */
  openObject?(key: string, range?: ByteRange): Promise<OpenedObject | null>;
}

export type StorageErrorCode = "INVALID_KEY" | "INVALID_INPUT" | "RANGE_NOT_SATISFIABLE";

export class StorageError extends Error {
  override name = "StorageError";
  readonly code: StorageErrorCode;
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const EXTENSION_BY_CONTENT_TYPE: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "video/mp4": "mp4",
  "video/webm": "webm",
  "video/quicktime": "mov",
  "audio/mpeg": "mp3",
  "application/json": "json",
};

const CONTENT_TYPE_BY_EXTENSION: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(EXTENSION_BY_CONTENT_TYPE).map(([type, ext]) => [ext, type]),
  ),
  jpeg: "image/jpeg",
};

export function extensionForContentType(contentType: string): string | undefined {
  return EXTENSION_BY_CONTENT_TYPE[contentType.split(";")[0]?.trim().toLowerCase() ?? ""];
}

/** Local disk serves by extension, so an unknown one is sent as opaque bytes, never sniffed. */
export function contentTypeForKey(key: string): string {
  const extension = /\.([a-z0-9]+)$/.exec(key)?.[1];
  return (extension && CONTENT_TYPE_BY_EXTENSION[extension]) || "application/octet-stream";
}

const PREFIX = /^[a-z0-9][a-z0-9-]{0,62}(?:\/[a-z0-9][a-z0-9-]{0,62}){0,3}$/;
const EXTENSION = /^[a-z0-9]{1,8}$/;
/** Optional prefix folders, 22 base64url characters (128 random bits), optional extension. */
const KEY = /^(?:[a-z0-9][a-z0-9-]{0,62}\/){0,4}[A-Za-z0-9_-]{22}(?:\.[a-z0-9]{1,8})?$/;

export function isObjectKey(key: string): boolean {
  return KEY.test(key);
}

export function assertObjectKey(key: string): void {
  if (!isObjectKey(key)) throw new StorageError("INVALID_KEY", "Not a media object key.");
}

/** A fresh unguessable key: 128 random bits, base64url, plus the prefix and extension. */
export function newObjectKey(input: Pick<PutObjectInput, "contentType" | "extension" | "prefix">) {
  const extension = (
    input.extension?.replace(/^\./, "") ?? extensionForContentType(input.contentType)
  )?.toLowerCase();
  if (extension !== undefined && !EXTENSION.test(extension)) {
    throw new StorageError("INVALID_INPUT", `Unsupported file extension "${input.extension}".`);
  }
  const prefix = input.prefix?.replace(/^\/+|\/+$/g, "");
  if (prefix && !PREFIX.test(prefix)) {
    throw new StorageError("INVALID_INPUT", `Unsupported key prefix "${input.prefix}".`);
  }
  const name = randomBytes(16).toString("base64url") + (extension ? `.${extension}` : "");
  return prefix ? `${prefix}/${name}` : name;
}

/** Every body flavour as one Node stream; bytes are wrapped, streams are never read ahead. */
export function toNodeReadable(body: MediaBody): Readable {
  if (body instanceof Uint8Array) return Readable.from([body], { objectMode: false });
  if (body instanceof Readable) return body;
  if (typeof (body as ReadableStream).getReader === "function") {
    return Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  }
  return new Readable({ read() {} }).wrap(body as NodeJS.ReadableStream);
}

/**
 * Reads a stored object back in full, whatever the backend: local disk directly, S3 through a
 * fresh signed URL. For small objects only (reference photos); videos are streamed, never read whole.
 */
export async function readStoredObject(
  storage: MediaStorage,
  key: string,
  maxBytes = 32 * 1024 * 1024,
): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const take = (chunk: Uint8Array) => {
    size += chunk.byteLength;
    if (size > maxBytes)
      throw new StorageError("INVALID_INPUT", `Object ${key} is over ${maxBytes} bytes.`);
    chunks.push(chunk);
  };
  if (storage.openObject) {
    const opened = await storage.openObject(key);
    if (!opened) return null;
    for await (const chunk of opened.stream) take(chunk as Uint8Array);
  } else {
    const response = await fetch(await storage.urlFor(key));
    if (response.status === 404) return null;
    if (!response.ok || !response.body)
      throw new Error(`Reading ${key} failed: HTTP ${response.status}`);
    for await (const chunk of response.body) take(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Streams a stored object (local disk directly, S3 through a fresh signed URL). */
export async function streamStoredObject(
  storage: MediaStorage,
  key: string,
): Promise<MediaBody | null> {
  if (storage.openObject) return (await storage.openObject(key))?.stream ?? null;
  const response = await fetch(await storage.urlFor(key));
  return response.ok && response.body ? response.body : null;
}

/**
 * What a database row may keep as an object's URL: the stable local path, or for S3 an `s3://key`
 * reference (its presigned URLs expire; readers resolve the key with `urlFor` each time).
 */
export function durableUrl(
  storage: MediaStorage,
  object: Pick<StoredObject, "key" | "url">,
): string {
  return storage.kind === "local" ? object.url : `s3://${object.key}`;
}
