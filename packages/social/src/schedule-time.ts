// Reading a scheduled time the way Zernio does: an ISO 8601 value with `Z` or an offset is taken as
// is; one without is local time in the IANA `timezone` (createPost's `scheduledFor` description).

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The instant `scheduledFor` names, or undefined when it (or the timezone it needs) is invalid. */
export function instantOf(scheduledFor: string, timezone?: string): Date | undefined {
  if (WITH_OFFSET.test(scheduledFor)) {
    const at = new Date(scheduledFor);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  const match = LOCAL.exec(scheduledFor);
  if (!match || !timezone || !isValidTimezone(timezone)) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const wallClock = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s || 0);
  // Two passes settle the offset even next to a DST change.
  let guess = wallClock;
  for (let i = 0; i < 2; i++) guess = wallClock - offsetMs(guess, timezone);
  return new Date(guess);
}

function offsetMs(instant: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}
