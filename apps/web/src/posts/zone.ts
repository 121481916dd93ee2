// Calendar arithmetic in the user's IANA timezone with the Intl APIs only: no hard-coded offsets,
// so a day that is 23 or 25 hours long (a DST change) still starts and ends at local midnight.
import { WHEN_FORMAT } from "../social/schedule/time";

/** A calendar day as "YYYY-MM-DD" (no zone: pure date arithmetic runs in UTC). */
export type DayKey = string;

const partsFormats = new Map<string, Intl.DateTimeFormat>();
function partsFormat(zone: string) {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormats.set(zone, format);
  }
  return format;
}

/** The wall clock in `zone` at `instant`. */
export function wallParts(instant: Date, zone: string) {
  const parts = partsFormat(zone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour") % 24,
    minute: get("minute"),
    second: get("second"),
  };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The local day of `instant` in `zone`. */
export function dayOf(instant: Date, zone: string): DayKey {
  const p = wallParts(instant, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** "HH:mm" of `instant` in `zone`. */
export function timeOf(instant: Date, zone: string): string {
  const p = wallParts(instant, zone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** The hour (0–23) of `instant` in `zone`. */
export const hourOf = (instant: Date, zone: string) => wallParts(instant, zone).hour;

/**
 * The instant a wall clock "YYYY-MM-DDTHH:mm" names in `zone`: the offset is read from Intl at a
 * first guess and corrected once; a time a DST jump skips lands after the jump (02:30 → 03:30).
 */
export function instantOf(local: string, zone: string): Date {
  const [date = "", time = "00:00"] = local.split("T");
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const asUtc = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  const offsetAt = (t: number) => {
    const p = wallParts(new Date(t), zone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - t;
  };
  const first = asUtc - offsetAt(asUtc);
  const second = asUtc - offsetAt(first);
  const wall = wallParts(new Date(second), zone);
  if (wall.hour === (h ?? 0) && wall.minute === (mi ?? 0)) return new Date(second);
  // A time the spring-forward jump skips: the later reading (after the jump).
  return new Date(Math.max(first, second));
}

/** `day` moved by `days` calendar days. */
export function addDays(day: DayKey, days: number): DayKey {
  const t = Date.parse(`${day}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** ISO weekday, Monday 1 … Sunday 7. */
export function weekdayOf(day: DayKey): number {
  const w = new Date(`${day}T00:00:00Z`).getUTCDay();
  return w === 0 ? 7 : w;
}

/** The Monday on or before `day`. */
export const weekStart = (day: DayKey) => addDays(day, 1 - weekdayOf(day));

/** The 6 × 7 days a month grid shows (Monday first) around the month of `day`. */
export function monthGrid(day: DayKey): DayKey[] {
  const first = `${day.slice(0, 7)}-01`;
  const start = weekStart(first);
  return Array.from({ length: 42 }, (_, i) => addDays(start, i));
}

export const weekDays = (day: DayKey) =>
  Array.from({ length: 7 }, (_, i) => addDays(weekStart(day), i));

/** [from, to) instants covering local days `first` … `last` in `zone`. */
export function rangeOf(first: DayKey, last: DayKey, zone: string) {
  return {
    from: instantOf(`${first}T00:00`, zone).toISOString(),
    to: instantOf(`${addDays(last, 1)}T00:00`, zone).toISOString(),
  };
}

/** A month's name as the user's locale writes it ("December 2026"). */
export function monthLabel(day: DayKey): string {
  return new Intl.DateTimeFormat(undefined, {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${day}T12:00:00Z`));
}

/** A day as the user's locale writes it ("Mon, 7 Dec 2026"). */
export function dayLabel(day: DayKey, options?: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
    ...options,
  }).format(new Date(`${day}T12:00:00Z`));
}

/** A post's time in `zone` for people ("Mon, 7 Dec, 09:00 CET"). */
export function whenText(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat(undefined, { ...WHEN_FORMAT, timeZone: zone }).format(instant);
}
