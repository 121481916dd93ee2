// What the calendar shows, as data: the days (month: 6 weeks; week: 7 days), the range of
// instants to ask social.list for, where each post falls (its local day and hour in the user's
// zone), and the arrow-key moves of the grid's focus.
import type { ListedPost } from "./types";
import { addDays, type DayKey, dayOf, hourOf, monthGrid, rangeOf, timeOf, weekDays } from "./zone";

export type Mode = "month" | "week";

export function daysOf(mode: Mode, anchor: DayKey): DayKey[] {
  return mode === "month" ? monthGrid(anchor) : weekDays(anchor);
}

export function rangeFor(mode: Mode, anchor: DayKey, zone: string) {
  const days = daysOf(mode, anchor);
  return rangeOf(days[0] as DayKey, days.at(-1) as DayKey, zone);
}

/** When a post goes out (or went out, for "Post now"). */
export const instantOfPost = (post: ListedPost) =>
  new Date(post.scheduledFor ?? post.completedAt ?? post.createdAt);

/** Posts by "day" or "day hour" key, each list by time. */
export function placePosts(posts: readonly ListedPost[], zone: string, byHour: boolean) {
  const cells = new Map<string, ListedPost[]>();
  const sorted = [...posts].sort((a, b) => instantOfPost(a).getTime() - instantOfPost(b).getTime());
  for (const post of sorted) {
    const at = instantOfPost(post);
    const key = byHour ? cellKey(dayOf(at, zone), hourOf(at, zone)) : dayOf(at, zone);
    const list = cells.get(key) ?? [];
    list.push(post);
    cells.set(key, list);
  }
  return cells;
}

export const cellKey = (day: DayKey, hour?: number) =>
  hour === undefined ? day : `${day} ${String(hour).padStart(2, "0")}`;

/** The new local "YYYY-MM-DDTHH:mm" for a post dropped on `day` (and `hour` in the week view). */
export function droppedAt(post: ListedPost, zone: string, day: DayKey, hour?: number): string {
  const time = timeOf(instantOfPost(post), zone);
  if (hour === undefined) return `${day}T${time}`;
  return `${day}T${String(hour).padStart(2, "0")}:${time.slice(3)}`;
}

/** The grid focus after a key, or undefined when the key is not the grid's. */
export function focusAfterKey(
  key: string,
  focus: { day: DayKey; hour: number },
  mode: Mode,
): { day: DayKey; hour: number } | undefined {
  const { day, hour } = focus;
  const week = mode === "week";
  switch (key) {
    case "ArrowLeft":
      return { day: addDays(day, -1), hour };
    case "ArrowRight":
      return { day: addDays(day, 1), hour };
    case "ArrowUp":
      return week ? { day, hour: Math.max(0, hour - 1) } : { day: addDays(day, -7), hour };
    case "ArrowDown":
      return week ? { day, hour: Math.min(23, hour + 1) } : { day: addDays(day, 7), hour };
    case "PageUp":
      return { day: addDays(day, week ? -7 : -28), hour };
    case "PageDown":
      return { day: addDays(day, week ? 7 : 28), hour };
    default:
      return undefined;
  }
}
