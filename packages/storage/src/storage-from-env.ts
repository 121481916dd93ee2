// Chooses the media storage from configuration, once at start-up.
//
//   S3_BUCKET             set → S3-compatible storage; unset → local disk
//   S3_REGION             e.g. us-east-1; defaults to "auto" (R2's value) when S3_ENDPOINT is set
//   S3_ENDPOINT           R2 / MinIO / LocalStack endpoint URL; omit for AWS S3
//   S3_FORCE_PATH_STYLE   "true" for MinIO and most self-hosted servers
//   S3_ACCESS_KEY_ID      with S3_SECRET_ACCESS_KEY; both omitted → the SDK's default chain
//   S3_SECRET_ACCESS_KEY  (env, shared profile, IAM role)
//   S3_PUBLIC_BASE_URL    public origin for the bucket (CDN / R2 custom domain); otherwise every
//                         URL is presigned and short-lived
//   S3_SIGNED_URL_SECONDS lifetime of presigned URLs, default 900
//   MEDIA_DIR             local disk folder; default `<workspace root>/.data/media`
import { isAbsolute, resolve } from "node:path";
import { createLocalStorage, type LocalMediaStorage } from "./local-storage";
import { createS3Storage, type S3MediaStorage } from "./s3-storage";

export type StorageEnv = Record<string, string | undefined>;

export interface StorageFromEnvDefaults {
  /** Absolute; used when MEDIA_DIR is not set (the caller knows the workspace root). */
  mediaDir: string;
  /** Where the server mounts local media; default "/media". */
  publicBaseUrl?: string | undefined;
}

export class StorageConfigError extends Error {
  override name = "StorageConfigError";
}

/** Check `kind`: local storage is served by the app server (`openObject`), S3 by the bucket. */
export function storageFromEnv(
  env: StorageEnv,
  defaults: StorageFromEnvDefaults,
): LocalMediaStorage | S3MediaStorage {
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };
  const bucket = value("S3_BUCKET");
  if (!bucket) {
    const mediaDir = value("MEDIA_DIR");
    return createLocalStorage({
      rootDir: mediaDir ? resolve(mediaDir) : defaults.mediaDir,
      publicBaseUrl: defaults.publicBaseUrl,
    });
  }

  const endpoint = value("S3_ENDPOINT");
  if (endpoint && !URL.canParse(endpoint)) {
    throw new StorageConfigError("S3_ENDPOINT must be a URL such as https://minio.example:9000.");
  }
  const region = value("S3_REGION") ?? (endpoint ? "auto" : undefined);
  if (!region) throw new StorageConfigError("S3_REGION is required when S3_BUCKET is set.");
  const accessKeyId = value("S3_ACCESS_KEY_ID");
  const secretAccessKey = value("S3_SECRET_ACCESS_KEY");
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new StorageConfigError("Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither.");
  }
  const publicBaseUrl = value("S3_PUBLIC_BASE_URL");
  if (publicBaseUrl && !URL.canParse(publicBaseUrl)) {
    throw new StorageConfigError("S3_PUBLIC_BASE_URL must be an absolute URL.");
  }
  return createS3Storage({
    bucket,
    region,
    endpoint,
    forcePathStyle: parseBoolean("S3_FORCE_PATH_STYLE", value("S3_FORCE_PATH_STYLE")),
    accessKeyId,
    secretAccessKey,
    publicBaseUrl,
    signedUrlSeconds: parseSeconds(value("S3_SIGNED_URL_SECONDS")),
  });
}

function parseBoolean(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new StorageConfigError(`${name} must be true or false.`);
}

function parseSeconds(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  // SigV4 presigned URLs live at most 7 days.
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) {
    throw new StorageConfigError("S3_SIGNED_URL_SECONDS must be a whole number from 1 to 604800.");
  }
  return seconds;
}

/** Absolute default for MEDIA_DIR given the workspace root. */
export function defaultMediaDir(workspaceRoot: string): string {
  if (!isAbsolute(workspaceRoot)) throw new StorageConfigError("workspaceRoot must be absolute.");
  return resolve(workspaceRoot, ".data", "media");
}
