// When the post goes out: Now, At a time (a local date-time in an IANA timezone, the browser's by
// default), or Add to queue (each chosen account's next free posting slot, shown here).
import { useId } from "react";
import { messageOf } from "../../lib/errors";
import { PLATFORM_LABEL, PlatformIcon } from "../platforms";
import type { PostMode } from "../store";
import { browserZone, localFormat, zones } from "./time";
import type { ScheduleForm } from "./useScheduleForm";

const MODES: ReadonlyArray<readonly [PostMode, string]> = [
  ["now", "Now"],
  ["at", "At a time"],
  ["queue", "Add to queue"],
];

function AtTime({ form }: { form: ScheduleForm }) {
  const id = useId();
  const { zone, zoneOk } = form;
  const scheduledAt = form.check.data?.scheduledAt;
  return (
    <div className="schedule-time">
      <label className="field">
        <span className="label">Date and time</span>
        <input
          type="datetime-local"
          className="input"
          value={form.when}
          onChange={(e) => form.setWhen(e.target.value.slice(0, 16))}
        />
      </label>
      <label className="field">
        <span className="label">Timezone</span>
        <input
          className="input"
          value={zone}
          list={`${id}-zones`}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={!zoneOk || undefined}
          aria-describedby={`${id}-zone-note`}
          onChange={(e) => form.setZone(e.target.value.trim())}
        />
        <datalist id={`${id}-zones`}>
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </label>
      <p id={`${id}-zone-note`} className={zoneOk ? "hint" : "field-error"}>
        {zoneOk
          ? `Times are in ${zone} (${form.offset})${zone === browserZone() ? ", your browser's timezone" : ""}.`
          : "Use an IANA timezone such as Europe/Berlin."}
        {zoneOk && scheduledAt && zone !== browserZone()
          ? ` That is ${localFormat.format(new Date(scheduledAt))} for you.`
          : ""}
      </p>
    </div>
  );
}

const slotFormat = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  }).format(at);

/** Each chosen account's next free slot (the server books it on Add to queue). */
function QueueSlots({ form }: { form: ScheduleForm }) {
  const { next } = form.queue;
  if (next.length === 0) return <p className="hint">Pick the accounts to queue it for.</p>;
  return (
    <ul className="queue-slots" aria-label="Next free slot per account">
      {next.map(({ target, slot, loading, error }) => (
        <li key={target.accountId} className="queue-slot" data-account={target.accountId}>
          <PlatformIcon platform={target.platform} />
          <span>
            {PLATFORM_LABEL[target.platform]}
            {target.handle ? ` @${target.handle}` : ""}:{" "}
          </span>
          {loading ? (
            <span className="muted">finding the next free slot…</span>
          ) : error ? (
            <span className="field-error">{messageOf(error)}</span>
          ) : slot ? (
            <span>
              next free slot{" "}
              <time dateTime={slot.at.toISOString()}>{slotFormat(slot.at, slot.timezone)}</time> (
              {slot.timezone})
              {slot.timezone !== browserZone() ? ` — ${localFormat.format(slot.at)} for you` : ""}
            </span>
          ) : (
            <span className="field-error">
              no posting times yet — set this account's queue slots on the Posts page
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function PostTiming({ form }: { form: ScheduleForm }) {
  const id = useId();
  const modes = form.editing ? MODES.filter(([m]) => m !== "queue") : MODES;
  return (
    <fieldset className="schedule-when">
      <legend className="label">When</legend>
      <div className="when-modes">
        {modes.map(([mode, label]) => (
          <label key={mode} className="check">
            <input
              type="radio"
              name={`${id}-when`}
              checked={form.mode === mode}
              onChange={() => form.setMode(mode)}
            />
            {label}
          </label>
        ))}
      </div>
      {form.mode === "at" && <AtTime form={form} />}
      {form.mode === "queue" && <QueueSlots form={form} />}
    </fieldset>
  );
}
