import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer, text } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalStorage, type LocalMediaStorage } from "./local-storage";
import { isObjectKey } from "./media-storage";

let rootDir: string;
let storage: LocalMediaStorage;

beforeEach(async () => {
  rootDir = await mkdtemp(join(tmpdir(), "streamline-media-"));
  storage = createLocalStorage({ rootDir });
});
afterEach(async () => {
  await rm(rootDir, { recursive: true, force: true });
});

/** All files below the root, relative, so a test can prove nothing was left behind. */
async function filesOnDisk(): Promise<string[]> {
  const entries = await readdir(rootDir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

function webStreamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

describe("local media storage", () => {
  it("stores a web stream and reads the same bytes back", async () => {
    const stored = await storage.putObject({
      body: webStreamOf("hello ", "media ", "world"),
      contentType: "video/mp4",
    });
    expect(stored.size).toBe(17);
    expect(stored.contentType).toBe("video/mp4");
    expect(stored.key).toMatch(/^[A-Za-z0-9_-]{22}\.mp4$/);
    expect(stored.url).toBe(`/media/${stored.key}`);
    expect(await storage.urlFor(stored.key)).toBe(stored.url);
    expect(await readFile(storage.resolveKey(stored.key), "utf8")).toBe("hello media world");

    const opened = await storage.openObject(stored.key);
    expect(opened).toMatchObject({ size: 17, contentType: "video/mp4", start: 0, end: 16 });
    expect(await text(opened?.stream ?? Readable.from([]))).toBe("hello media world");
  });

  it("accepts bytes and Node streams, with a prefix and a custom base URL", async () => {
    const cdn = createLocalStorage({ rootDir, publicBaseUrl: "https://studio.example/media/" });
    const fromBytes = await cdn.putObject({
      body: new Uint8Array([1, 2, 3]),
      contentType: "image/png",
      prefix: "posters",
    });
    expect(fromBytes.key).toMatch(/^posters\/[A-Za-z0-9_-]{22}\.png$/);
    expect(fromBytes.url).toBe(`https://studio.example/media/${fromBytes.key}`);
    const fromNode = await cdn.putObject({
      body: Readable.from([Buffer.from("ab"), Buffer.from("cd")]),
      contentType: "application/x-unknown",
      extension: ".BIN",
    });
    expect(fromNode.key).toMatch(/\.bin$/);
    expect(fromNode.size).toBe(4);
    // Served by extension; an unknown one is opaque bytes, never sniffed by a browser.
    const opened = await cdn.openObject(fromNode.key);
    opened?.stream.destroy();
    expect(opened?.contentType).toBe("application/octet-stream");
  });

  it("makes unguessable, distinct keys unrelated to anything the caller knows", async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { key } = await storage.putObject({
        body: new Uint8Array([i]),
        contentType: "image/png",
      });
      keys.add(key);
    }
    expect(keys.size).toBe(50);
    for (const key of keys) expect(isObjectKey(key)).toBe(true);
  });

  it("rejects path traversal and anything that is not a key", async () => {
    const { key } = await storage.putObject({
      body: new Uint8Array([1]),
      contentType: "image/png",
    });
    const attempts = [
      "../etc/passwd",
      "../../secret.png",
      `${key}/../../x`,
      `/${key}`,
      "/etc/passwd",
      `posters/../${key}`,
      ".incoming/abc.part",
      `${key}\0`,
      "a%2F..%2Fb",
      "",
    ];
    for (const attempt of attempts) {
      expect(() => storage.resolveKey(attempt), attempt).toThrow(/not a media/i);
      expect(await storage.openObject(attempt)).toBeNull();
      await expect(storage.deleteObject(attempt)).rejects.toThrow(/not a media/i);
      await expect(storage.urlFor(attempt)).rejects.toThrow(/not a media/i);
    }
    await expect(
      storage.putObject({ body: new Uint8Array(), contentType: "image/png", prefix: "../up" }),
    ).rejects.toThrow(/prefix/);
    await expect(
      storage.putObject({ body: new Uint8Array(), contentType: "image/png", extension: "p/ng" }),
    ).rejects.toThrow(/extension/);
  });

  it("leaves nothing behind when the stream fails midway", async () => {
    async function* failingVideo() {
      yield Buffer.alloc(64 * 1024, 1);
      yield Buffer.alloc(64 * 1024, 2);
      throw new Error("provider connection reset");
    }
    await expect(
      storage.putObject({ body: Readable.from(failingVideo()), contentType: "video/mp4" }),
    ).rejects.toThrow("provider connection reset");
    expect(await filesOnDisk()).toEqual([]);
  });

  it("sweeps half-written uploads left by a crashed process, sparing recent ones", async () => {
    await storage.putObject({ body: new Uint8Array([1]), contentType: "image/png" });
    const incoming = join(rootDir, ".incoming");
    await writeFile(join(incoming, "crashed.part"), "partial");
    await utimes(join(incoming, "crashed.part"), new Date(0), new Date(0));
    await writeFile(join(incoming, "running.part"), "partial");
    expect(await storage.removeStaleUploads()).toBe(1);
    expect(await readdir(incoming)).toEqual(["running.part"]);
  });

  it("leaves nothing behind when the upload is cancelled", async () => {
    const controller = new AbortController();
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(16 * 1024));
        controller.abort();
      },
    });
    await expect(
      storage.putObject({ body: endless, contentType: "video/mp4", signal: controller.signal }),
    ).rejects.toThrow(/abort/i);
    expect(await filesOnDisk()).toEqual([]);
  });

  it("deletes idempotently", async () => {
    const { key } = await storage.putObject({
      body: new Uint8Array([1]),
      contentType: "image/png",
    });
    await storage.deleteObject(key);
    expect(existsSync(storage.resolveKey(key))).toBe(false);
    await storage.deleteObject(key);
    expect(await storage.openObject(key)).toBeNull();
  });

  it("serves byte ranges for video seeking", async () => {
    const { key } = await storage.putObject({
      body: new TextEncoder().encode("0123456789"),
      contentType: "video/mp4",
    });
    const middle = await storage.openObject(key, { start: 2, end: 5 });
    expect(middle).toMatchObject({ size: 10, start: 2, end: 5 });
    expect(await text(middle?.stream ?? Readable.from([]))).toBe("2345");
    const tail = await storage.openObject(key, { start: 7 });
    expect(await text(tail?.stream ?? Readable.from([]))).toBe("789");
    const clamped = await storage.openObject(key, { start: 8, end: 99 });
    expect(clamped).toMatchObject({ start: 8, end: 9 });
    clamped?.stream.destroy();
    await expect(storage.openObject(key, { start: 10 })).rejects.toMatchObject({
      code: "RANGE_NOT_SATISFIABLE",
    });
    await expect(storage.openObject(key, { start: 5, end: 4 })).rejects.toMatchObject({
      code: "RANGE_NOT_SATISFIABLE",
    });
  });

  it("streams a 20 MB video to disk while it is still being generated", async () => {
    const chunkSize = 64 * 1024;
    const totalChunks = 320; // 20 MiB
    let maxAhead = 0;
    // Generated lazily: a chunk exists only when the writer pulls it. Every so often, compare what
    // was produced with what already reached the disk; a buffering implementation would have
    // written nothing until the end.
    async function* lazyVideo() {
      for (let produced = 0; produced < totalChunks; produced++) {
        if (produced % 16 === 0 && produced > 0) {
          const [part] = await readdir(join(rootDir, ".incoming"));
          const onDisk = part ? (await stat(join(rootDir, ".incoming", part))).size : 0;
          maxAhead = Math.max(maxAhead, produced * chunkSize - onDisk);
        }
        yield Buffer.alloc(chunkSize, produced % 256);
      }
    }
    const stored = await storage.putObject({
      body: Readable.from(lazyVideo()),
      contentType: "video/mp4",
    });
    expect(stored.size).toBe(totalChunks * chunkSize);
    expect(maxAhead).toBeLessThan(2 * 1024 * 1024);
    expect(await filesOnDisk()).toEqual([stored.key]);
    const opened = await storage.openObject(stored.key, {
      start: 5 * chunkSize,
      end: 5 * chunkSize,
    });
    expect((await buffer(opened?.stream ?? Readable.from([])))[0]).toBe(5);
  });
});
