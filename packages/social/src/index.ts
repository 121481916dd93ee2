export * from "./analytics";
export * from "./errors";
export * from "./posts";
export * from "./queue-slots";
export { DEFAULT_RETRY_POLICY, REQUEST_ID_REPLAY_WINDOW_MS, type RetryPolicy } from "./retry";
export * from "./rules";
export { instantOf, isValidTimezone } from "./schedule-time";
export * from "./types";
export * from "./zernio";
