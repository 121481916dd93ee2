// The process's one logger: pino, JSON lines in production (NODE_ENV=production or LOG_FORMAT=json),
// the same lines made readable by pino-pretty in development. Every line carries the current
// context (request id, user id, job id: context.ts) and goes through the scrubber (scrub.ts).
import { createRequire } from "node:module";
import { type Logger, pino } from "pino";
import { currentContext } from "./context";
import { scrubText, scrubValue } from "./scrub";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** LOG_LEVEL as given, when it is a level. */
export function logLevelFrom(value: string | undefined): LogLevel | undefined {
  const level = value?.trim().toLowerCase();
  return LOG_LEVELS.find((l) => l === level);
}

/** LOG_FORMAT when set, else JSON in production and readable lines anywhere else. */
export function logFormatFrom(env: {
  LOG_FORMAT?: string | undefined;
  NODE_ENV?: string | undefined;
}): LogFormat {
  const asked = env.LOG_FORMAT?.trim().toLowerCase();
  const format = LOG_FORMATS.find((f) => f === asked);
  if (format) return format;
  return env.NODE_ENV === "production" ? "json" : "pretty";
}

let format: LogFormat = logFormatFrom(process.env);
let prettify: ((line: string) => string) | undefined;
const listeners = new Set<(line: string) => void>();
let muted = 0;
let guarded = false;

/** pino-pretty, loaded on the first readable line only: production never loads it. */
function pretty(line: string): string {
  if (!prettify) {
    const { prettyFactory } = createRequire(import.meta.url)(
      "pino-pretty",
    ) as typeof import("pino-pretty");
    prettify = prettyFactory({
      colorize: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname,service",
      singleLine: true,
    });
  }
  return prettify(line);
}

/**
 * Where pino writes: process.stdout (synchronous for files and pipes on Linux, so a line written
 * just before process.exit is not lost), plus any listener (tests).
 */
const sink = {
  write(line: string): void {
    for (const listener of listeners) listener(line);
    if (muted > 0) return;
    if (!guarded) {
      guarded = true;
      // Like console: a reader that went away (EPIPE) must not crash the process.
      process.stdout.on("error", () => {});
    }
    process.stdout.write(format === "pretty" ? pretty(line) : line);
  },
};

function contextFields(): Record<string, string> {
  const context = currentContext();
  const fields: Record<string, string> = {};
  if (!context) return fields;
  for (const [key, value] of Object.entries(context)) {
    if (typeof value === "string") fields[key] = value;
  }
  return fields;
}

/**
 * Before pino formats a call: an Error given first becomes `{ err }` with its message as the line's
 * message, and every string argument is scrubbed (the message never carries a secret either).
 */
function scrubArguments(
  this: Logger,
  args: Parameters<Logger["info"]>,
  method: Logger["info"],
): void {
  const list = args as unknown[];
  const [first] = list;
  if (first instanceof Error) {
    list[0] = { err: first };
    if (typeof list[1] !== "string") list.splice(1, 0, first.message);
  }
  for (let i = 0; i < list.length; i++) {
    const value = list[i];
    if (typeof value === "string") list[i] = scrubText(value);
  }
  method.apply(this, list as Parameters<Logger["info"]>);
}

/**
 * The logger. `logger.error(line)`, `logger.warn({ assetId }, "…")`, `logger.child({ … })`: each line
 * is one JSON object with `level` (a label), `time` (ISO-8601), `msg`, `pid`, `hostname`, the
 * context's `requestId` / `userId` / `jobId` / … when there is one, and the fields given.
 */
export const logger: Logger = pino(
  {
    level: logLevelFrom(process.env.LOG_LEVEL) ?? "info",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => scrubValue(object) as Record<string, unknown>,
    },
    // Errors are already plain `{ type, message, stack, … }` objects from the scrubber.
    serializers: { err: (value: unknown) => value },
    mixin: contextFields,
    hooks: { logMethod: scrubArguments },
    // No `redact` paths: pino's fixed paths would miss a header three levels down, and cost more
    // per line (measured) than the scrubber, which drops those keys at any depth.
  },
  sink,
);

let service: string | undefined;

/**
 * Start-up: the level and format from the validated environment (LOG_LEVEL, LOG_FORMAT /
 * NODE_ENV), and the process's name (`service`: server, worker) on every line.
 */
export function configureLogging(options: {
  level?: LogLevel | undefined;
  format?: LogFormat | undefined;
  service?: string | undefined;
}): void {
  if (options.level) logger.level = options.level;
  if (options.format) format = options.format;
  if (options.service && service === undefined) {
    service = options.service;
    logger.setBindings({ service });
  }
}

/** The format lines are written in now. */
export function currentLogFormat(): LogFormat {
  return format;
}

/** Tests: every JSON line written from now on, until the returned function is called. */
export function onLogLine(listener: (line: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tests: keep lines off stdout until the returned function is called (listeners still get them). */
export function muteOutput(): () => void {
  muted++;
  let done = false;
  return () => {
    if (!done) muted--;
    done = true;
  };
}
