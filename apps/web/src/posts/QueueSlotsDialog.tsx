// "Queue slots…": one account's weekly posting times (e.g. Mon–Fri 09:00 and 18:00) in a chosen
// timezone, replaced whole through social.setQueueSlots. "Add to queue" then books the account's
// next free one; the calendar shows the free ones. The account's best posting hours (from its
// posts' figures) are offered as slots to add.
import { type FormEvent, useState } from "react";
import { toast } from "sonner";
import { SuggestedSlots } from "../insights/SuggestedSlots";
import { toastApiError } from "../lib/errors";
import { PLATFORM_LABEL } from "../social/platforms";
import { isZone } from "../social/schedule/time";
import ModalDialog from "../studio/ModalDialog";
import { trpc } from "../trpc";

type Slot = { weekday: number; time: string };

export const WEEKDAYS = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
];

/** Slots by weekday then time, without repeats (the server refuses repeats). */
export function tidySlots(slots: readonly Slot[]): Slot[] {
  const seen = new Set<string>();
  return [...slots]
    .filter((s) => /^\d{2}:\d{2}$/.test(s.time))
    .sort((a, b) => a.weekday - b.weekday || a.time.localeCompare(b.time))
    .filter((s) => {
      const key = `${s.weekday} ${s.time}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

export function QueueSlotsDialog(props: { zone: string; onClose: () => void }) {
  const accounts = trpc.social.accounts.useQuery(undefined, { staleTime: 60_000 });
  const list = accounts.data?.accounts ?? [];
  const [accountId, setAccountId] = useState("");
  const chosen = accountId || list[0]?.id || "";
  return (
    <ModalDialog title="Queue slots" onClose={props.onClose} className="dialog queue-dialog">
      <div className="dialog-body">
        {list.length === 0 ? (
          <p className="muted">
            {accounts.isPending ? "Loading accounts…" : "Connect an account first."}
          </p>
        ) : (
          <label className="field">
            <span className="label">Account</span>
            <select
              className="select"
              value={chosen}
              onChange={(e) => setAccountId(e.target.value)}
            >
              {list.map((a) => (
                <option key={a.id} value={a.id}>
                  {PLATFORM_LABEL[a.platform]} · {a.handle ?? a.displayName ?? a.id}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {chosen ? (
        <SlotsForm key={chosen} accountId={chosen} zone={props.zone} onClose={props.onClose} />
      ) : (
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Close
          </button>
        </div>
      )}
    </ModalDialog>
  );
}

function SlotsForm(props: { accountId: string; zone: string; onClose: () => void }) {
  const utils = trpc.useUtils();
  const current = trpc.social.queueSlots.useQuery({ accountId: props.accountId });
  const saved = current.data?.accounts[0];
  if (current.isPending) return <p className="muted dialog-body">Loading slots…</p>;
  return (
    <SlotsEditor
      accountId={props.accountId}
      timezone={saved?.timezone ?? props.zone}
      slots={saved?.slots ?? []}
      onClose={props.onClose}
      onSaved={() => {
        void utils.social.queueSlots.invalidate();
        void utils.social.freeSlots.invalidate();
      }}
    />
  );
}

function SlotsEditor(props: {
  accountId: string;
  timezone: string;
  slots: Slot[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const [timezone, setTimezone] = useState(props.timezone);
  const [slots, setSlots] = useState<Slot[]>(props.slots);
  const save = trpc.social.setQueueSlots.useMutation({
    onSuccess: (answer) => {
      toast.success(
        `${answer.slots.length} weekly slot${answer.slots.length === 1 ? "" : "s"} saved`,
      );
      props.onSaved();
      props.onClose();
    },
    onError: toastApiError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ accountId: props.accountId, timezone, slots: tidySlots(slots) });
  };
  const change = (index: number, patch: Partial<Slot>) =>
    setSlots(slots.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  return (
    <form onSubmit={submit} noValidate>
      <div className="dialog-body queue-fields">
        <label className="field">
          <span className="label">Timezone</span>
          <input className="input" value={timezone} onChange={(e) => setTimezone(e.target.value)} />
        </label>
        <ul className="queue-slots" aria-label="Weekly slots">
          {slots.map((slot, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; the index is their identity
            <li key={index} className="queue-slot">
              <label className="field">
                <span className="label">Day {index + 1}</span>
                <select
                  className="select"
                  value={slot.weekday}
                  onChange={(e) => change(index, { weekday: Number(e.target.value) })}
                >
                  {WEEKDAYS.map((name, i) => (
                    <option key={name} value={i + 1}>
                      {name}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span className="label">Time {index + 1}</span>
                <input
                  className="input"
                  type="time"
                  value={slot.time}
                  onChange={(e) => change(index, { time: e.target.value })}
                />
              </label>
              <button
                type="button"
                className="button button-small"
                onClick={() => setSlots(slots.filter((_, i) => i !== index))}
              >
                Remove slot {index + 1}
              </button>
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="button button-small"
          onClick={() => setSlots([...slots, { weekday: 1, time: "09:00" }])}
        >
          Add a slot
        </button>
        {/* The account's best hours so far (analytics.bestTimes), one click from a slot. */}
        {isZone(timezone) && (
          <SuggestedSlots
            timezone={timezone}
            accountId={props.accountId}
            taken={slots}
            onAdd={(slot) => setSlots(tidySlots([...slots, slot]))}
          />
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          Save slots
        </button>
      </div>
    </form>
  );
}
