export { ApiKeyCache } from "./api-key-cache";
export {
  createDb,
  DatabaseConnectionError,
  type DbConfig,
  type DbHandle,
  defaultPgliteDataDir,
  describeTarget,
  workspaceRoot,
} from "./client";
export { createMediaEventListener, type MediaEventListener } from "./listen";
export * from "./media-metadata";
export { migrateToLatest } from "./migrate";
export { migrations } from "./migrations";
export { preparedNameOf, preparedStatement, runPrepared } from "./prepared";
export * from "./queries/api-keys";
export * from "./queries/captions";
export * from "./queries/media-assets";
export * from "./queries/media-events";
export * from "./queries/media-list";
export * from "./queries/media-streams";
export * from "./queries/post-analytics";
export * from "./queries/post-insights";
export * from "./queries/post-media";
export * from "./queries/posts-page";
export * from "./queries/queue-slots";
export * from "./queries/scheduled-posts";
export * from "./queries/social-post-requests";
export * from "./queries/social-profiles";
export * from "./queries/users";
export * from "./queries/zernio-uploads";
export * from "./schema";
