export {
  createLocalStorage,
  type LocalMediaStorage,
  type LocalStorageOptions,
} from "./local-storage";
export * from "./media-storage";
export { createS3Storage, type S3MediaStorage, type S3StorageOptions } from "./s3-storage";
export * from "./storage-from-env";
export * from "./video-poster";
