// "Move to…": the keyboard-accessible way to reschedule (the calendar's drag and drop does the
// same): a local date and time in the user's zone, sent to social.update.
import { type FormEvent, useState } from "react";
import ModalDialog from "../studio/ModalDialog";
import type { ListedPost } from "./types";
import type { PostActions } from "./usePostActions";
import { dayOf, timeOf } from "./zone";

export function MoveDialog(props: {
  post: ListedPost;
  zone: string;
  actions: PostActions;
  onClose: () => void;
}) {
  const { post, zone, actions, onClose } = props;
  const at = post.scheduledFor ? new Date(post.scheduledFor) : new Date();
  const [date, setDate] = useState(dayOf(at, zone));
  const [time, setTime] = useState(timeOf(at, zone));
  const [error, setError] = useState("");
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!date || !time) {
      setError("Pick a date and a time.");
      return;
    }
    try {
      await actions.move(post, `${date}T${time}`);
      onClose();
    } catch {
      // The toast says why; the dialog stays open to try another time.
    }
  };
  return (
    <ModalDialog title="Move post to…" onClose={onClose}>
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
          <label className="field">
            <span className="label">Time</span>
            <input
              className="input"
              type="time"
              value={time}
              required
              onChange={(e) => setTime(e.target.value)}
            />
          </label>
          <p className="hint">In your timezone, {zone}.</p>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={actions.moving}>
            Move
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
