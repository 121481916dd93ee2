// One post on the posts page: its media, when it goes out (in the user's zone), its status per
// platform (a link once published; Zernio's message and category when it failed), its captions,
// and what can be done with it. `selection` (the list) adds a checkbox; `extra` is room for more
// about the post (figures) under its captions.
import {
  type KeyboardEvent,
  lazy,
  type ReactNode,
  Suspense,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { PostFigures } from "../insights/PostFigures";
import { afterRender } from "../lib/page";
import { PLATFORM_LABEL, PlatformIcon } from "../social/platforms";
import { ConfirmDialog } from "../studio/ConfirmDialog";
import { MoveDialog } from "./MoveDialog";
import type { Selection } from "./selection";
import { type ListedPost, POSTS_TITLE_ID, STATUS_LABEL } from "./types";
import type { PostActions } from "./usePostActions";
import { whenText } from "./zone";

type Target = ListedPost["platforms"][number];

// The caption editor (with twitter-text's counters) loads on first use, not with the page.
const CaptionsDialog = lazy(() =>
  import("./CaptionsDialog").then((m) => ({ default: m.CaptionsDialog })),
);

type CardProps = {
  post: ListedPost;
  zone: string;
  actions: PostActions;
  selection?: Selection | undefined;
  extra?: ReactNode;
};

export function PostCard(props: CardProps) {
  const { post, zone } = props;
  const item = useRef<HTMLLIElement>(null);
  // A cancelled post leaves the upcoming list with the focused button: focus goes to the heading.
  // (Layout cleanups run while the card is still in the document.)
  useLayoutEffect(() => {
    const node = item.current;
    return () => {
      if (!node?.contains(document.activeElement)) return;
      afterRender(() => {
        const focused = document.activeElement;
        if (!focused || focused === document.body || !focused.isConnected)
          document.getElementById(POSTS_TITLE_ID)?.focus();
      });
    };
  }, []);
  const when = post.scheduledFor ? whenText(new Date(post.scheduledFor), zone) : "Now";
  return (
    <li
      ref={item}
      className="posts-item card"
      data-post-id={post.id}
      data-post-status={post.status}
      data-selected={props.selection?.has(post.id) || undefined}
    >
      {props.selection && <SelectBox post={post} when={when} selection={props.selection} />}
      <PostMedia post={post} />
      <div className="posts-item-body">
        <div className="posts-item-head">
          <time
            className="posts-when"
            dateTime={post.scheduledFor ? new Date(post.scheduledFor).toISOString() : undefined}
          >
            {when}
          </time>
          <span className={`badge posts-status status-${post.status}`}>
            {STATUS_LABEL[post.status] ?? post.status}
          </span>
        </div>
        <ul className="post-chips" aria-label="Platforms">
          {post.platforms.map((target) => (
            <PlatformStatus key={`${target.accountId}-${target.platform}`} target={target} />
          ))}
        </ul>
        <PostFigures post={post} />
        <Captions post={post} />
        {props.extra}
        <PostButtons {...props} />
      </div>
    </li>
  );
}

/** Space toggles; Shift+click or Shift+Space selects the range from the last one toggled. */
function SelectBox(props: { post: ListedPost; when: string; selection: Selection }) {
  const { post, selection } = props;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== " " || !event.shiftKey) return;
    event.preventDefault();
    selection.toggle(post.id, true);
  };
  return (
    <label className="posts-select">
      <input
        type="checkbox"
        checked={selection.has(post.id)}
        // React fires a checkbox's change on its click: the MouseEvent says whether Shift was held.
        onChange={(event) =>
          selection.toggle(post.id, (event.nativeEvent as MouseEvent).shiftKey === true)
        }
        onKeyDown={onKeyDown}
      />
      <span className="visually-hidden">Select the post of {props.when}</span>
    </label>
  );
}

function PostMedia(props: { post: ListedPost }) {
  const items = props.post.media;
  return (
    <ul className="posts-media" aria-label={`${items.length} media`}>
      {items.map((item) => (
        <li key={`${item.assetId}-${item.position}`}>
          {item.thumbnailUrl ? (
            <img
              src={item.thumbnailUrl}
              alt={`${item.type ?? "media"} ${item.position + 1}`}
              width={64}
              height={64}
              loading="lazy"
            />
          ) : (
            <span className="posts-media-missing">{item.deleted ? "Deleted" : "No preview"}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

function PlatformStatus(props: { target: Target }) {
  const { target } = props;
  const label = PLATFORM_LABEL[target.platform];
  const handle = target.handle ? ` @${target.handle}` : "";
  const kind =
    target.status === "pending" ? "scheduled" : target.status === "cancelled" ? "" : target.status;
  return (
    <li className={`post-chip chip-${kind}`} data-platform={target.platform}>
      <PlatformIcon platform={target.platform} />
      <span className="visually-hidden">{label}: </span>
      {target.status === "published" && target.url ? (
        <a href={target.url} target="_blank" rel="noopener noreferrer">
          Published{handle} on {label} ↗
        </a>
      ) : target.status === "failed" ? (
        <span>
          Failed{handle}: {target.errorMessage ?? "no reason given"}
          {target.errorCategory ? ` (${target.errorCategory})` : ""}
        </span>
      ) : (
        <span>
          {STATUS_LABEL[target.status] ?? target.status}
          {handle}
        </span>
      )}
    </li>
  );
}

function Captions(props: { post: ListedPost }) {
  const entries = Object.entries(props.post.captions).filter(([, c]) => c?.text);
  if (entries.length === 0) return null;
  return (
    <dl className="posts-captions">
      {entries.map(([platform, caption]) => (
        <div key={platform}>
          <dt>{PLATFORM_LABEL[platform as keyof typeof PLATFORM_LABEL] ?? platform}</dt>
          <dd>{caption?.title ? `${caption.title} — ${caption.text}` : caption?.text}</dd>
        </div>
      ))}
    </dl>
  );
}

function PostButtons(props: { post: ListedPost; zone: string; actions: PostActions }) {
  const { post, actions } = props;
  const [confirming, setConfirming] = useState(false);
  const [moving, setMoving] = useState(false);
  const [editing, setEditing] = useState(false);
  const cover = post.media[0];
  return (
    <div className="post-actions">
      {post.canUpdate && !post.publishNow && (
        <button type="button" className="button button-small" onClick={() => setMoving(true)}>
          Move to…
        </button>
      )}
      {post.canUpdate && (
        <button type="button" className="button button-small" onClick={() => setEditing(true)}>
          Edit captions
        </button>
      )}
      {post.canRestore && (
        <button
          type="button"
          className="button button-small"
          disabled={actions.restoring}
          onClick={() => actions.restore(post)}
        >
          Undo cancel
        </button>
      )}
      {post.canRetry && (
        <button
          type="button"
          className="button button-small"
          disabled={actions.retrying}
          onClick={() => actions.retry(post)}
        >
          Retry failed
        </button>
      )}
      <button
        type="button"
        className="button button-small"
        disabled={actions.duplicating}
        onClick={() => actions.duplicate(post)}
      >
        Duplicate
      </button>
      {cover?.url && (
        <a
          className="button button-small"
          href={cover.url}
          target="_blank"
          rel="noopener noreferrer"
        >
          Open media
        </a>
      )}
      {post.canCancel && (
        <button
          type="button"
          className="button button-small button-danger-ghost"
          onClick={() => setConfirming(true)}
        >
          Cancel post
        </button>
      )}
      <ConfirmDialog
        open={confirming}
        title="Cancel this post?"
        confirmLabel="Cancel post"
        busy={actions.cancelling}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          void actions
            .cancel(post)
            .catch(() => undefined)
            .finally(() => setConfirming(false));
        }}
      >
        It will not go out on {post.platforms.map((p) => PLATFORM_LABEL[p.platform]).join(", ")}.
      </ConfirmDialog>
      {editing && (
        <Suspense fallback={null}>
          <CaptionsDialog post={post} actions={actions} onClose={() => setEditing(false)} />
        </Suspense>
      )}
      {moving && (
        <MoveDialog
          post={post}
          zone={props.zone}
          actions={actions}
          onClose={() => setMoving(false)}
        />
      )}
    </div>
  );
}
