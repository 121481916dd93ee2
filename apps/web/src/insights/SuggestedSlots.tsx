// Best posting times as queue-slot suggestions (analytics.bestTimes): for the queue-slot editor to
// place beside an account's slots. Each suggestion is a weekday and an hour in the editor's time
// zone, with the posts it rests on; "beats your other posts" only when the difference is not
// noise (Mann–Whitney, Bonferroni over the counted hours), else "worth trying".
import { trpc } from "../trpc";

export const WEEKDAY_NAMES = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export type SuggestedSlot = { weekday: number; time: string };

export function SuggestedSlots(props: {
  /** The queue's IANA time zone: suggestions are local times there. */
  timezone: string;
  accountId?: string;
  /** Slots the account already has (their suggestions are shown as added). */
  taken?: readonly SuggestedSlot[];
  onAdd?: (slot: SuggestedSlot) => void;
}) {
  const { timezone, accountId, taken = [] } = props;
  const best = trpc.analytics.bestTimes.useQuery(
    { timezone, ...(accountId ? { accountId } : {}) },
    { staleTime: 10 * 60_000, retry: false },
  );
  const has = (s: SuggestedSlot) => taken.some((t) => t.weekday === s.weekday && t.time === s.time);
  if (!best.data) return null;
  const { suggestions, minPerCell, pairs, countedCells } = best.data;
  return (
    <section className="suggested-slots" aria-labelledby="suggested-slots-title">
      <h3 id="suggested-slots-title" className="suggested-title">
        Suggested from your posts
      </h3>
      {suggestions.length === 0 ? (
        <p className="muted">
          {pairs === 0
            ? "No figures yet: suggestions come once your posts have been read."
            : countedCells < 2
              ? `Not enough data yet: at least two hours of the week need ${minPerCell} posts with figures each.`
              : "No hour of the week stands out yet."}
        </p>
      ) : (
        <ul className="suggested-list">
          {suggestions.map((s) => {
            const name = `${WEEKDAY_NAMES[s.weekday]} ${s.time}`;
            const why = `${s.n} posts, median ${s.ratio === null ? s.median.toFixed(1) : `${s.ratio.toFixed(1)}× your usual`}${s.confident ? "" : " — worth trying"}`;
            return (
              <li key={name} data-weekday={s.weekday} data-time={s.time}>
                <span className="suggested-when">{name}</span>{" "}
                <span className="muted">({why})</span>{" "}
                {props.onAdd && (
                  <button
                    type="button"
                    className="button button-small"
                    disabled={has(s)}
                    aria-label={has(s) ? `${name} is a slot` : `Add ${name} as a slot`}
                    onClick={() => props.onAdd?.({ weekday: s.weekday, time: s.time })}
                  >
                    {has(s) ? "Added" : "Add"}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
