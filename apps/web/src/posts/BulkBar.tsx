// What can be done with the posts selected in the list: cancel them (after a confirm; the toast
// offers Undo) or move them together to another day (each keeps its local time of day), through
// social.cancelMany / moveMany — one refused post does not stop the others, the toast says which.
import { type FormEvent, useState } from "react";
import { ConfirmDialog } from "../studio/ConfirmDialog";
import ModalDialog from "../studio/ModalDialog";
import { instantOfPost } from "./calendar-model";
import type { Selection } from "./selection";
import type { ListedPost } from "./types";
import type { PostActions } from "./usePostActions";
import { dayOf, timeOf } from "./zone";

const movable = (post: ListedPost) => post.canUpdate && !post.publishNow;

export function BulkBar(props: {
  posts: ListedPost[];
  selection: Selection;
  zone: string;
  actions: PostActions;
}) {
  const { selection, actions } = props;
  const [dialog, setDialog] = useState<"cancel" | "move" | null>(null);
  const chosen = props.posts.filter((p) => selection.has(p.id));
  const cancellable = chosen.filter((p) => p.canCancel);
  const toMove = chosen.filter(movable);
  const n = chosen.length;
  const plural = (k: number) => `${k} post${k === 1 ? "" : "s"}`;
  return (
    <div className="posts-bulk" role="toolbar" aria-label="Selected posts">
      <label className="posts-select-all">
        <input
          type="checkbox"
          checked={selection.all}
          onChange={(e) => selection.setAll(e.target.checked)}
        />
        Select all shown
      </label>
      <span aria-live="polite" className="muted">
        {n === 0 ? "Shift+click selects a range." : `${plural(n)} selected`}
      </span>
      {n > 0 && (
        <>
          <button
            type="button"
            className="button button-small"
            disabled={toMove.length === 0}
            onClick={() => setDialog("move")}
          >
            Move selected…
          </button>
          <button
            type="button"
            className="button button-small button-danger-ghost"
            disabled={cancellable.length === 0}
            onClick={() => setDialog("cancel")}
          >
            Cancel selected
          </button>
          <button type="button" className="button button-small" onClick={selection.clear}>
            Clear selection
          </button>
        </>
      )}
      <ConfirmDialog
        open={dialog === "cancel"}
        title={`Cancel ${plural(cancellable.length)}?`}
        confirmLabel={`Cancel ${plural(cancellable.length)}`}
        busy={actions.cancelling}
        onCancel={() => setDialog(null)}
        onConfirm={() => {
          void actions
            .cancelMany(cancellable)
            .then(selection.clear)
            .catch(() => undefined)
            .finally(() => setDialog(null));
        }}
      >
        They will not go out.
        {cancellable.length < n
          ? ` ${plural(n - cancellable.length)} can no longer be cancelled and stay as they are.`
          : ""}
      </ConfirmDialog>
      {dialog === "move" && (
        <MoveManyDialog
          posts={toMove}
          zone={props.zone}
          actions={actions}
          onClose={() => setDialog(null)}
          onMoved={selection.clear}
        />
      )}
    </div>
  );
}

function MoveManyDialog(props: {
  posts: ListedPost[];
  zone: string;
  actions: PostActions;
  onClose: () => void;
  onMoved: () => void;
}) {
  const { posts, zone, actions } = props;
  const first = posts[0];
  const [date, setDate] = useState(first ? dayOf(instantOfPost(first), zone) : "");
  const [error, setError] = useState("");
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!date) {
      setError("Pick a date.");
      return;
    }
    const moves = posts.map((post) => ({
      post,
      local: `${date}T${timeOf(instantOfPost(post), zone)}`,
    }));
    try {
      const result = await actions.moveMany(moves);
      if (result.failed === 0) props.onMoved();
      props.onClose();
    } catch {
      // The toast says why; the dialog stays open.
    }
  };
  return (
    <ModalDialog title={`Move ${posts.length} posts to…`} onClose={props.onClose}>
      <form className="move-form" onSubmit={submit} noValidate>
        <div className="dialog-body move-fields">
          <label className="field">
            <span className="label">Date</span>
            <input
              className="input"
              type="date"
              value={date}
              required
              onChange={(e) => setDate(e.target.value)}
            />
          </label>
          <p className="hint">Each keeps its time of day, in your timezone ({zone}).</p>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={actions.moving}>
            Move posts
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
