// Queue slots (issue 19): an account's weekly posting times turned into the instants they name,
// in the account's timezone, across DST changes. A local time that does not exist on a day (the
// hour skipped when clocks go forward) is skipped that day; one that happens twice (clocks go
// back) is its first occurrence.
import { instantOf } from "./schedule-time";
import { localDateTimeOf } from "./wall-clock";

export { localDateTimeOf };

export interface WeeklySlot {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local "HH:mm". */
  time: string;
}

export interface SlotInstant {
  at: Date;
  /** "YYYY-MM-DDTHH:mm" in the timezone: what Zernio is sent with `timezone`. */
  local: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Every slot instant after `after`, over `days` local days from `after`'s day, in order. */
export function slotInstants(
  slots: readonly WeeklySlot[],
  timezone: string,
  after: Date,
  days: number,
): SlotInstant[] {
  const [y, m, d] = localDateTimeOf(after, timezone).slice(0, 10).split("-").map(Number) as [
    number,
    number,
    number,
  ];
  const out: SlotInstant[] = [];
  for (let i = 0; i < days; i++) {
    const day = new Date(Date.UTC(y, m - 1, d + i));
    const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
    const date = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
    for (const slot of slots) {
      if (slot.weekday !== weekday) continue;
      const local = `${date}T${slot.time}`;
      const at = instantOf(local, timezone);
      // Skipped by a DST change (the wall clock never shows it that day).
      if (!at || localDateTimeOf(at, timezone) !== local) continue;
      if (at.getTime() > after.getTime()) out.push({ at, local });
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}
