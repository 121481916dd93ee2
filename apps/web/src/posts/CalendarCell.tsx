// One day (month view) or one hour of a day (week view) in the calendar grid: its posts as
// buttons (select → the post's card below the grid), and a drop target for dragged posts.
import { type DragEvent, useState } from "react";
import { PLATFORM_LABEL, PlatformIcon } from "../social/platforms";
import { cellKey, droppedAt, instantOfPost } from "./calendar-model";
import { type FreeSlot, slotText } from "./free-slots";
import { type ListedPost, STATUS_LABEL } from "./types";
import type { PostActions } from "./usePostActions";
import { dayLabel, dayOf, timeOf } from "./zone";

const DRAG_TYPE = "application/x-streamline-post";

export type CellProps = {
  day: string;
  hour: number | undefined;
  /** This cell's posts, by time. */
  posts: ListedPost[];
  /** This cell's free queue slots, by time. */
  free: FreeSlot[];
  /** Every post loaded, to find the one dropped here. */
  allPosts: ListedPost[];
  focused: boolean;
  outside: boolean;
  today: boolean;
  zone: string;
  actions: PostActions;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onFocus: () => void;
};

export function CalendarCell(props: CellProps) {
  const { day, hour, posts, zone } = props;
  const [over, setOver] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const id = event.dataTransfer.getData(DRAG_TYPE);
    const post = props.allPosts.find((p) => p.id === id);
    if (!post) return;
    const local = droppedAt(post, zone, day, hour);
    const at = instantOfPost(post);
    if (local === `${dayOf(at, zone)}T${timeOf(at, zone)}`) return;
    void props.actions.move(post, local).catch(() => undefined);
  };
  const label = `${dayLabel(day, { weekday: "long", year: undefined })}${
    hour === undefined ? "" : `, ${String(hour).padStart(2, "0")}:00`
  }: ${posts.length === 0 ? "no posts" : `${posts.length} post${posts.length > 1 ? "s" : ""}`}`;
  const classes = ["calendar-cell"];
  if (props.outside) classes.push("is-outside");
  if (props.today) classes.push("is-today");
  if (over) classes.push("is-over");
  return (
    <td
      tabIndex={props.focused ? 0 : -1}
      data-cell={cellKey(day, hour)}
      data-day={day}
      aria-current={props.today && hour === undefined ? "date" : undefined}
      className={classes.join(" ")}
      onFocus={(event) => event.target === event.currentTarget && props.onFocus()}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <span className="visually-hidden">{label}</span>
      {hour === undefined && (
        <span className="calendar-day" aria-hidden="true">
          {Number(day.slice(8))}
        </span>
      )}
      <ul className="calendar-posts">
        {posts.map((post) => (
          <CalendarPost
            key={post.id}
            post={post}
            tabbable={props.focused}
            zone={zone}
            selectedId={props.selectedId}
            onSelect={props.onSelect}
          />
        ))}
        {props.free.map((slot) => (
          <li
            key={`${slot.accountId}-${slot.at.getTime()}`}
            className="calendar-free"
            data-free-slot={slot.at.toISOString()}
            data-account-id={slot.accountId}
          >
            {slot.platform && <PlatformIcon platform={slot.platform} />}
            <span aria-hidden="true">{timeOf(slot.at, zone)} free</span>
            <span className="visually-hidden">{slotText(slot, zone)}</span>
          </li>
        ))}
      </ul>
    </td>
  );
}

function CalendarPost(props: {
  post: ListedPost;
  tabbable: boolean;
  zone: string;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const { post, zone } = props;
  const time = timeOf(instantOfPost(post), zone);
  const movable = post.canUpdate && !post.publishNow;
  const caption = Object.values(post.captions).find((c) => c?.text)?.text ?? "";
  const platforms = post.platforms.map((p) => PLATFORM_LABEL[p.platform]).join(", ");
  return (
    <li>
      <button
        type="button"
        className={`calendar-post status-${post.status}`}
        data-post-id={post.id}
        tabIndex={props.tabbable ? 0 : -1}
        aria-pressed={props.selectedId === post.id}
        draggable={movable}
        onDragStart={(event) => {
          event.dataTransfer.setData(DRAG_TYPE, post.id);
          event.dataTransfer.effectAllowed = "move";
        }}
        onClick={() => props.onSelect(post.id)}
      >
        <span className="calendar-post-time">{time}</span>
        <span className="visually-hidden">
          , {STATUS_LABEL[post.status] ?? post.status}, {platforms}:{" "}
        </span>
        {post.platforms.map((p) => (
          <PlatformIcon key={`${p.accountId}-${p.platform}`} platform={p.platform} />
        ))}
        <span className="calendar-post-text">{caption}</span>
      </button>
    </li>
  );
}
