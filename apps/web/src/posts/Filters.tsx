// The filter bar shared by the list and the calendar: status, platform, account, a date range
// (local days in the user's zone) and a search over captions.
import { PLATFORM_LABEL, PLATFORMS } from "../social/platforms";
import { trpc } from "../trpc";
import { type ListInput, type PostFilters, STATUS_LABEL } from "./types";
import { addDays, instantOf } from "./zone";

export function Filters(props: {
  value: PostFilters;
  onChange: (next: PostFilters) => void;
  /** The calendar picks its own range. */
  dates: boolean;
}) {
  const { value, onChange } = props;
  const accounts = trpc.social.accounts.useQuery(undefined, { staleTime: 60_000 });
  const set = (key: keyof PostFilters) => (e: { target: { value: string } }) =>
    onChange({ ...value, [key]: e.target.value });
  return (
    <search className="posts-filters" aria-label="Filter posts">
      <label className="field posts-search">
        <span className="label">Search captions</span>
        <input className="input" type="search" value={value.q} onChange={set("q")} />
      </label>
      <label className="field">
        <span className="label">Status</span>
        <select className="select" value={value.status} onChange={set("status")}>
          <option value="">Any</option>
          {Object.entries(STATUS_LABEL).map(([status, label]) => (
            <option key={status} value={status}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="label">Platform</span>
        <select className="select" value={value.platform} onChange={set("platform")}>
          <option value="">Any</option>
          {PLATFORMS.map((p) => (
            <option key={p} value={p}>
              {PLATFORM_LABEL[p]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="label">Account</span>
        <select className="select" value={value.accountId} onChange={set("accountId")}>
          <option value="">Any</option>
          {(accounts.data?.accounts ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {PLATFORM_LABEL[a.platform]} · {a.handle ?? a.displayName ?? a.id}
            </option>
          ))}
        </select>
      </label>
      {props.dates && (
        <>
          <label className="field">
            <span className="label">From</span>
            <input className="input" type="date" value={value.fromDay} onChange={set("fromDay")} />
          </label>
          <label className="field">
            <span className="label">To</span>
            <input className="input" type="date" value={value.toDay} onChange={set("toDay")} />
          </label>
        </>
      )}
    </search>
  );
}

/** social.list input for the filters (dates as instants of local midnights in `zone`). */
export function filterInput(filters: PostFilters, zone: string, q: string): ListInput {
  const input: NonNullable<ListInput> = { view: "all", limit: 20 };
  if (filters.status) input.status = [filters.status as never];
  if (filters.platform) input.platform = [filters.platform as never];
  if (filters.accountId) input.accountId = [filters.accountId];
  if (filters.fromDay) input.from = instantOf(`${filters.fromDay}T00:00`, zone).toISOString();
  if (filters.toDay) input.to = instantOf(`${addDays(filters.toDay, 1)}T00:00`, zone).toISOString();
  if (q.trim()) input.q = q.trim();
  return input;
}
