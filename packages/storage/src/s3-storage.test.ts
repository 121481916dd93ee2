import { Readable } from "node:stream";
import { createFakeS3 } from "@streamline/fakes/storage";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createS3Storage } from "./s3-storage";
import { storageFromEnv } from "./storage-from-env";

const s3 = createFakeS3("http://s3.test");
const server = setupServer(s3.handler);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterAll(() => server.close());
beforeEach(() => {
  s3.objects.clear();
  s3.requests.length = 0;
});

const MiB = 1024 * 1024;

function minio(overrides: Partial<Parameters<typeof createS3Storage>[0]> = {}) {
  return createS3Storage({
    bucket: "studio-media",
    region: "us-east-1",
    endpoint: "http://s3.test",
    forcePathStyle: true,
    accessKeyId: "test-access-key",
    secretAccessKey: "test-secret-key",
    signedUrlSeconds: 120,
    // msw cannot answer `Expect: 100-continue`, so the SDK would wait its 6 s fallback per part.
    clientConfig: { expectContinueHeader: false },
    ...overrides,
  });
}

describe("S3 media storage", () => {
  it("uploads a small image with one signed PutObject: bucket, key, type and bytes arrive", async () => {
    const storage = minio();
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const stored = await storage.putObject({
      body: bytes,
      contentType: "image/png",
      prefix: "images",
    });

    expect(stored.key).toMatch(/^images\/[A-Za-z0-9_-]{22}\.png$/);
    expect(stored).toMatchObject({ size: 7, contentType: "image/png" });
    expect(s3.requests).toEqual([
      {
        method: "PUT",
        bucket: "studio-media",
        key: stored.key,
        operation: "PutObject",
        signed: true,
      },
    ]);
    const object = s3.objects.get(`studio-media/${stored.key}`);
    expect(object?.contentType).toBe("image/png");
    expect(object?.cacheControl).toContain("immutable");
    expect(object?.body).toEqual(bytes);
  });

  it("streams a large video as a multipart upload, part by part", async () => {
    const storage = minio({ partSizeBytes: 5 * MiB });
    const totalChunks = 176; // 11 MiB in 64 KiB chunks → parts of 5 + 5 + 1 MiB
    let produced = 0;
    async function* lazyVideo() {
      for (; produced < totalChunks; produced++) yield Buffer.alloc(64 * 1024, produced % 251);
    }
    const stored = await storage.putObject({
      body: Readable.from(lazyVideo()),
      contentType: "video/mp4",
    });

    expect(stored.size).toBe(11 * MiB);
    expect(s3.requests.map((request) => request.operation)).toEqual([
      "CreateMultipartUpload",
      "UploadPart",
      "UploadPart",
      "UploadPart",
      "CompleteMultipartUpload",
    ]);
    expect(
      s3.requests.every((request) => request.signed && request.bucket === "studio-media"),
    ).toBe(true);
    const object = s3.objects.get(`studio-media/${stored.key}`);
    expect(object?.contentType).toBe("video/mp4");
    expect(object?.body.length).toBe(11 * MiB);
    for (const chunk of [0, 80, 175]) expect(object?.body[chunk * 64 * 1024 + 7]).toBe(chunk % 251);
  });

  it("fails the upload and leaves no object when the source stream breaks", async () => {
    const storage = minio({ partSizeBytes: 5 * MiB });
    async function* brokenVideo() {
      for (let i = 0; i < 100; i++) yield Buffer.alloc(64 * 1024);
      throw new Error("provider connection reset");
    }
    await expect(
      storage.putObject({ body: Readable.from(brokenVideo()), contentType: "video/mp4" }),
    ).rejects.toThrow("provider connection reset");
    expect(s3.objects.size).toBe(0);
    // The part already sent is discarded, not left to be billed.
    expect(s3.requests.map((request) => request.operation)).toContain("AbortMultipartUpload");
    expect(s3.uploads.size).toBe(0);
  });

  it("hands out presigned GET URLs that expire per config and fetch the object", async () => {
    const storage = minio();
    const stored = await storage.putObject({
      body: new Uint8Array([1, 2, 3]),
      contentType: "image/webp",
    });
    const url = new URL(await storage.urlFor(stored.key));

    expect(`${url.origin}${url.pathname}`).toBe(`http://s3.test/studio-media/${stored.key}`);
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("120");
    expect(url.searchParams.get("X-Amz-Credential")).toContain("test-access-key");
    expect(stored.url).toContain("X-Amz-Signature=");
    const response = await fetch(url);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("uses plain URLs under a public base URL", async () => {
    const storage = minio({ publicBaseUrl: "https://cdn.studio.example/" });
    const stored = await storage.putObject({
      body: new Uint8Array([1]),
      contentType: "image/jpeg",
    });
    expect(stored.url).toBe(`https://cdn.studio.example/${stored.key}`);
  });

  it("deletes idempotently and refuses non-keys", async () => {
    const storage = minio();
    const stored = await storage.putObject({ body: new Uint8Array([1]), contentType: "image/png" });
    await storage.deleteObject(stored.key);
    await storage.deleteObject(stored.key);
    expect(s3.objects.size).toBe(0);
    expect(s3.requests.filter((request) => request.operation === "DeleteObject")).toHaveLength(2);
    await expect(storage.deleteObject("../other-bucket/x")).rejects.toThrow(/not a media/i);
  });
});

describe("storageFromEnv", () => {
  const defaults = { mediaDir: "/srv/studio/.data/media" };

  it("uses the local disk unless S3_BUCKET is set", () => {
    const local = storageFromEnv({}, defaults);
    expect(local).toMatchObject({ kind: "local", rootDir: "/srv/studio/.data/media" });
    expect(storageFromEnv({ MEDIA_DIR: "/var/media" }, defaults)).toMatchObject({
      rootDir: "/var/media",
    });
  });

  it("builds S3 storage from the S3_* variables", async () => {
    const storage = storageFromEnv(
      {
        S3_BUCKET: "studio-media",
        S3_ENDPOINT: "http://s3.test",
        S3_FORCE_PATH_STYLE: "true",
        S3_ACCESS_KEY_ID: "env-key",
        S3_SECRET_ACCESS_KEY: "env-secret",
        S3_SIGNED_URL_SECONDS: "60",
      },
      defaults,
    );
    expect(storage.kind).toBe("s3");
    const stored = await storage.putObject({ body: new Uint8Array([9]), contentType: "image/png" });
    expect(s3.objects.get(`studio-media/${stored.key}`)?.body).toEqual(new Uint8Array([9]));
    const url = new URL(await storage.urlFor(stored.key));
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^env-key\/\d{8}\/auto\/s3\//);
  });

  it("rejects incomplete S3 configuration at start-up", () => {
    expect(() => storageFromEnv({ S3_BUCKET: "b" }, defaults)).toThrow(/S3_REGION/);
    expect(() =>
      storageFromEnv({ S3_BUCKET: "b", S3_REGION: "eu-west-1", S3_ACCESS_KEY_ID: "k" }, defaults),
    ).toThrow(/S3_SECRET_ACCESS_KEY/);
    expect(() =>
      storageFromEnv(
        { S3_BUCKET: "b", S3_REGION: "eu-west-1", S3_FORCE_PATH_STYLE: "maybe" },
        defaults,
      ),
    ).toThrow(/S3_FORCE_PATH_STYLE/);
  });
});
