// Calendar arithmetic in the user's IANA timezone with the Intl APIs only: no hard-coded offsets,
// so a day that is 23 or 25 hours long (a DST change) still starts and ends at local midnight.
import { instantOfWallClock, wallParts } from "@streamline/social/wall-clock";
import { WHEN_FORMAT } from "../social/schedule/time";

/** A calendar day as "YYYY-MM-DD" (no zone: pure date arithmetic runs in UTC). */
export type DayKey = string;

/** The wall clock in `zone` at `instant` (shared with the server: packages/social/wall-clock). */
export { wallParts };

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
 * The instant a wall clock "YYYY-MM-DDTHH:mm" names in `zone` (the server reads it the same way):
 * a time a DST jump skips lands after the jump (02:30 → 03:30).
 */
export function instantOf(local: string, zone: string): Date {
  const [date = "", time = "00:00"] = local.split("T");
  const [year, month, day] = date.split("-").map(Number);
  const [hour, minute] = time.split(":").map(Number);
  return instantOfWallClock(
    { year: year ?? 1970, month: month ?? 1, day: day ?? 1, hour: hour ?? 0, minute: minute ?? 0 },
    zone,
  );
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
