export {
  createDb,
  DatabaseConnectionError,
  type DbConfig,
  type DbHandle,
  defaultPgliteDataDir,
  describeTarget,
  workspaceRoot,
} from "./client";
export { migrateToLatest } from "./migrate";
export { migrations } from "./migrations";
export * from "./queries/media-assets";
export * from "./schema";
