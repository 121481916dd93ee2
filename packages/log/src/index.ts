export {
  currentContext,
  type LogContext,
  runInNewContext,
  runWithContext,
  setContextFields,
} from "./context";
export {
  configureLogging,
  currentLogFormat,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  logFormatFrom,
  logger,
  logLevelFrom,
} from "./logger";
export { acceptRequestId, newRequestId } from "./request-id";
export { clearSecrets, REDACTED, registerSecrets, scrubText, scrubValue } from "./scrub";
