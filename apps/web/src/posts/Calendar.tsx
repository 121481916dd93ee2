// The calendar: a month (6 weeks) or a week (hours × days) in the user's timezone, each post on
// its local day and hour. A role=grid: one cell is in the tab order and the arrow keys move
// between days (and hours in the week), Page Up/Down by a month or a week. Scheduled posts can be
// dragged to another day (or hour); "Move to…" on the selected post does the same by keyboard.
import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { trpc } from "../trpc";
import { CalendarCell } from "./CalendarCell";
import { cellKey, daysOf, focusAfterKey, type Mode, placePosts, rangeFor } from "./calendar-model";
import { filterInput } from "./Filters";
import { type FreeSlot, placeSlots, useFreeSlots } from "./free-slots";
import { PostCard } from "./PostCard";
import { followWhileInFlight, type ListedPost, type PostFilters } from "./types";
import type { PostActions } from "./usePostActions";
import { dayLabel, dayOf, monthLabel } from "./zone";

type Props = { filters: PostFilters; q: string; zone: string; actions: PostActions };

export default function Calendar(props: Props) {
  const { zone } = props;
  const [mode, setMode] = useState<Mode>("month");
  const [focus, setFocus] = useState(() => ({ day: dayOf(new Date(), zone), hour: 9 }));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const days = daysOf(mode, focus.day);
  const posts = useRangePosts(props, mode, focus.day);
  const free = useFreeSlots(rangeFor(mode, focus.day, zone), props.filters.accountId);
  const selected = posts.items.find((p) => p.id === selectedId);
  return (
    <section className="calendar" aria-label="Calendar">
      <Toolbar
        mode={mode}
        setMode={setMode}
        day={focus.day}
        setDay={(day) => setFocus({ ...focus, day })}
      />
      {posts.error && (
        <p className="notice notice-error" role="alert">
          Could not load the posts: {posts.error}
        </p>
      )}
      <CalendarGrid
        mode={mode}
        days={days}
        posts={posts.items}
        free={free}
        focus={focus}
        setFocus={setFocus}
        selectedId={selectedId}
        onSelect={setSelectedId}
        zone={zone}
        actions={props.actions}
      />
      {posts.more && (
        <button type="button" className="button posts-more" onClick={posts.loadMore}>
          Load more posts in this range
        </button>
      )}
      {selected && (
        <section aria-label="Selected post">
          <ul className="posts-items">
            <PostCard post={selected} zone={zone} actions={props.actions} />
          </ul>
        </section>
      )}
    </section>
  );
}

/** Every post in the shown days (a page of 100 at a time); cancelled ones only when asked for. */
function useRangePosts(props: Props, mode: Mode, day: string) {
  const { from, to } = rangeFor(mode, day, props.zone);
  const input = { ...filterInput(props.filters, props.zone, props.q), from, to, limit: 100 };
  const pages = trpc.social.list.useInfiniteQuery(input, {
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 15_000,
    refetchInterval: followWhileInFlight,
  });
  const all = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const items = props.filters.status ? all : all.filter((p) => p.status !== "cancelled");
  return {
    items,
    more: pages.hasNextPage,
    loadMore: () => void pages.fetchNextPage(),
    error: pages.isError ? pages.error.message : null,
  };
}

function Toolbar(props: {
  mode: Mode;
  setMode: (mode: Mode) => void;
  day: string;
  setDay: (day: string) => void;
}) {
  const { mode, day } = props;
  const step = (n: number) => {
    const d = new Date(`${day}T12:00:00Z`);
    if (mode === "month") d.setUTCMonth(d.getUTCMonth() + n, 1);
    else d.setUTCDate(d.getUTCDate() + 7 * n);
    props.setDay(d.toISOString().slice(0, 10));
  };
  const days = daysOf(mode, day);
  const title =
    mode === "month"
      ? monthLabel(day)
      : `${dayLabel(days[0] as string, { year: undefined })} – ${dayLabel(days[6] as string)}`;
  return (
    <div className="calendar-toolbar">
      <fieldset className="posts-tabs calendar-modes">
        <legend className="visually-hidden">Calendar view</legend>
        {(["month", "week"] as const).map((m) => (
          <button
            key={m}
            type="button"
            className="button button-small"
            aria-pressed={mode === m}
            onClick={() => props.setMode(m)}
          >
            {m === "month" ? "Month" : "Week"}
          </button>
        ))}
      </fieldset>
      <div className="posts-tabs">
        <button type="button" className="button button-small" onClick={() => step(-1)}>
          Previous {mode}
        </button>
        <button type="button" className="button button-small" onClick={() => step(1)}>
          Next {mode}
        </button>
      </div>
      <h2 className="section-title calendar-title" aria-live="polite">
        {title}
      </h2>
    </div>
  );
}

type GridProps = {
  zone: string;
  actions: PostActions;
  mode: Mode;
  days: string[];
  posts: ListedPost[];
  free: FreeSlot[];
  focus: { day: string; hour: number };
  setFocus: (focus: { day: string; hour: number }) => void;
  selectedId: string | null;
  onSelect: (id: string) => void;
};

function CalendarGrid(props: GridProps) {
  const { mode, days, focus, zone } = props;
  const grid = useRef<HTMLTableElement>(null);
  const moved = useRef(false);
  const byHour = mode === "week";
  const cells = placePosts(props.posts, zone, byHour);
  const freeCells = placeSlots(props.free, zone, byHour);
  const focusKey = byHour ? cellKey(focus.day, focus.hour) : focus.day;
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    grid.current?.querySelector<HTMLElement>(`[data-cell="${focusKey}"]`)?.focus();
  }, [focusKey]);
  const onKeyDown = (event: KeyboardEvent) => {
    if (!(event.target as HTMLElement).matches("[data-cell]")) return;
    const next = focusAfterKey(event.key, focus, mode);
    if (!next) return;
    event.preventDefault();
    moved.current = true;
    props.setFocus(next);
  };
  const cell = (day: string, hour?: number) => (
    <CalendarCell
      key={cellKey(day, hour)}
      day={day}
      hour={hour}
      posts={cells.get(cellKey(day, hour)) ?? []}
      free={freeCells.get(cellKey(day, hour)) ?? []}
      focused={cellKey(day, hour) === focusKey}
      outside={mode === "month" && day.slice(0, 7) !== focus.day.slice(0, 7)}
      today={day === dayOf(new Date(), zone)}
      allPosts={props.posts}
      zone={zone}
      actions={props.actions}
      selectedId={props.selectedId}
      onSelect={props.onSelect}
      onFocus={() => props.setFocus({ day, hour: hour ?? focus.hour })}
    />
  );
  const rows = byHour
    ? Array.from({ length: 24 }, (_, hour) => ({ key: `h${hour}`, hour, days }))
    : Array.from({ length: 6 }, (_, w) => ({
        key: `w${w}`,
        hour: undefined,
        days: days.slice(w * 7, w * 7 + 7),
      }));
  return (
    <div className="calendar-scroll">
      <table
        ref={grid}
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the APG data grid pattern (a table whose cells the arrow keys move between)
        role="grid"
        className={`calendar-grid calendar-${mode}`}
        onKeyDown={onKeyDown}
      >
        <caption className="visually-hidden">
          Posts by {byHour ? "day and hour" : "day"}, in {zone}. Arrow keys move between cells.
        </caption>
        <thead>
          <tr>
            {byHour && (
              <th scope="col">
                <span className="visually-hidden">Hour</span>
              </th>
            )}
            {days.slice(0, 7).map((day) => (
              <th
                key={day}
                scope="col"
                abbr={dayLabel(day, {
                  weekday: "long",
                  day: undefined,
                  month: undefined,
                  year: undefined,
                })}
              >
                {dayLabel(day, {
                  day: byHour ? "numeric" : undefined,
                  month: undefined,
                  year: undefined,
                })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              {byHour && <th scope="row">{String(row.hour).padStart(2, "0")}:00</th>}
              {row.days.map((day) => cell(day, row.hour))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
