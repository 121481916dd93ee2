// The wall clock of an IANA timezone with the Intl APIs only (no offset tables, no library): the
// parts of an instant there, and the instant a wall-clock time there names, right across DST
// changes. Browser-safe: the server (schedule times, queue slots) and the studio's calendar share
// this one piece (`@streamline/social/wall-clock`).

export type WallParts = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
};

// One formatter per zone (making one costs far more than using it); zones are a bounded set.
const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(zone, format);
  }
  return format;
}

/** The wall clock in `zone` at `instant` (throws a RangeError for an unknown zone). */
export function wallParts(instant: Date | number, zone: string): WallParts {
  const parts = formatFor(zone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    // Some engines write midnight as 24 even with h23.
    hour: get("hour") % 24,
    minute: get("minute"),
    second: get("second"),
  };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The local "YYYY-MM-DDTHH:mm" of an instant in `zone`. */
export function localDateTimeOf(at: Date | number, zone: string): string {
  const p = wallParts(at, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  const p = wallParts(instant, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant the wall-clock time `local` (its fields as numbers; month 1–12) names in `zone`, as
 * Temporal's "compatible" disambiguation reads it: a time a DST change repeats (clocks go back) is
 * its first occurrence; a time the spring-forward jump skips is read with the offset before the
 * jump, so it lands after it (02:30 → 03:30). Zones change offset at most once a day, so the
 * offsets a day before and a day after are the only two candidates.
 */
export function instantOfWallClock(
  local: {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second?: number;
  },
  zone: string,
): Date {
  const { year, month, day, hour, minute, second = 0 } = local;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const before = asUtc - offsetAt(asUtc - DAY_MS, zone);
  const after = asUtc - offsetAt(asUtc + DAY_MS, zone);
  const shows = (instant: number) => {
    const wall = wallParts(instant, zone);
    return wall.day === day && wall.hour === hour && wall.minute === minute;
  };
  const readings = [before, after].filter(shows);
  // Two readings: the earlier; one: it; none (skipped): the offset before the jump.
  return new Date(readings.length ? Math.min(...readings) : before);
}

const DAY_MS = 86_400_000;
