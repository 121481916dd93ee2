// Media in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO): what every server and worker
// process shares once the app runs on more than one machine. Objects stay private (no ACL is
// sent: buckets with "Object Ownership: bucket owner enforced" reject ACLs); readers get a
// short-lived presigned GET URL unless a public base URL (a CDN or an R2 public domain) is set.

import { pipeline, Transform } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  assertObjectKey,
  type MediaStorage,
  newObjectKey,
  type PutObjectInput,
  type StoredObject,
  toNodeReadable,
} from "./media-storage";

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** For R2 / MinIO / LocalStack, e.g. `https://<account>.r2.cloudflarestorage.com`. */
  endpoint?: string | undefined;
  /** MinIO and most self-hosted servers need path-style URLs (`<endpoint>/<bucket>/<key>`). */
  forcePathStyle?: boolean | undefined;
  /** Both or neither; without them the SDK's default chain (env, profile, IAM role) applies. */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** Lifetime of presigned GET URLs. */
  signedUrlSeconds?: number | undefined;
  /** Public origin serving the bucket; when set, URLs are `${publicBaseUrl}/${key}`, unsigned. */
  publicBaseUrl?: string | undefined;
  /** Multipart part size; S3's minimum is 5 MiB. Memory in flight is at most 2 parts. */
  partSizeBytes?: number | undefined;
  /** Extra S3Client settings (request handler, logger, retry strategy …). */
  clientConfig?: Partial<S3ClientConfig> | undefined;
}

export interface S3MediaStorage extends MediaStorage {
  readonly kind: "s3";
  readonly client: S3Client;
  readonly bucket: string;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

export function createS3Storage(options: S3StorageOptions): S3MediaStorage {
  const { bucket } = options;
  const signedUrlSeconds = options.signedUrlSeconds ?? 900;
  const publicBaseUrl = options.publicBaseUrl?.replace(/\/+$/, "");
  const partSize = Math.max(options.partSizeBytes ?? 8 * 1024 * 1024, MIN_PART_SIZE);
  const client = new S3Client({ ...clientConfig(options), ...options.clientConfig });

  async function putObject(input: PutObjectInput): Promise<StoredObject> {
    const key = newObjectKey(input);
    let size = 0;
    const countBytes = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        callback(null, chunk);
      },
    });
    // pipeline (not .pipe) so a failing source fails the upload instead of hanging it.
    const body = pipeline(toNodeReadable(input.body), countBytes, () => {});
    // Upload sends one PutObject for small bodies and a multipart upload for large ones,
    // reading the stream part by part; a failed multipart upload is aborted (no orphan parts).
    const upload = new Upload({
      client,
      params: {
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: input.contentType,
        // Keys are never rewritten, so any cache may keep an object forever.
        CacheControl: "public, max-age=31536000, immutable",
      },
      partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort().catch(() => {});
    input.signal?.addEventListener("abort", abort, { once: true });
    try {
      input.signal?.throwIfAborted();
      await upload.done();
    } finally {
      input.signal?.removeEventListener("abort", abort);
      body.destroy();
    }
    return { key, url: await urlFor(key), size, contentType: input.contentType };
  }

  async function urlFor(key: string): Promise<string> {
    assertObjectKey(key);
    if (publicBaseUrl) return `${publicBaseUrl}/${key}`;
    return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: signedUrlSeconds,
    });
  }

  async function deleteObject(key: string): Promise<void> {
    assertObjectKey(key);
    // S3 answers 204 for a missing key too, so this is idempotent by itself.
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  return { kind: "s3", client, bucket, putObject, deleteObject, urlFor };
}

function clientConfig(options: S3StorageOptions): S3ClientConfig {
  const config: S3ClientConfig = { region: options.region };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    // Several S3-compatible servers reject the SDK's default CRC32 request checksums and its
    // aws-chunked encoding; send checksums only where the API requires them.
    config.requestChecksumCalculation = "WHEN_REQUIRED";
    config.responseChecksumValidation = "WHEN_REQUIRED";
  }
  if (options.forcePathStyle !== undefined) config.forcePathStyle = options.forcePathStyle;
  if (options.accessKeyId && options.secretAccessKey) {
    config.credentials = {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
    };
  }
  return config;
}
