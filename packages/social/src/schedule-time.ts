// Reading a scheduled time the way Zernio does: an ISO 8601 value with `Z` or an offset is taken as
// is; one without is local time in the IANA `timezone` (createPost's `scheduledFor` description).

import { instantOfWallClock } from "./wall-clock";

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
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return instantOfWallClock(
    {
      year: year as number,
      month: month as number,
      day: day as number,
      hour: hour as number,
      minute: minute as number,
      second: second || 0,
    },
    timezone,
  );
}
