import { keepPreviousData } from "@tanstack/react-query";
import { lazy, type RefObject, Suspense, useEffect, useRef, useState } from "react";
import { afterRender } from "../lib/page";
import { type MediaAsset, type MediaStatus, type MediaType, trpc } from "../trpc";
import { AssetCard } from "./AssetCard";
import { StarIcon } from "./ResultActions";
import { EMPTY_SELECTION, keepShown, pick, pickAll } from "./selection";
import { studio } from "./store";
import "./selection.css";

// The bar of actions on picked results (and the .zip, the delete dialog) loads with the first pick.
const SelectionBar = lazy(() =>
  import("./SelectionBar").then((m) => ({ default: m.SelectionBar })),
);

const PAGE_SIZE = 12;
const TYPE_FILTERS: { value: MediaType | ""; label: string }[] = [
  { value: "", label: "All types" },
  { value: "image", label: "Images" },
  { value: "video", label: "Videos" },
];
const STATUS_FILTERS: { value: MediaStatus | ""; label: string }[] = [
  { value: "", label: "Any status" },
  { value: "running", label: "Generating" },
  { value: "queued", label: "Queued" },
  { value: "succeeded", label: "Ready" },
  { value: "failed", label: "Failed" },
  { value: "canceled", label: "Canceled" },
];

/** Everything the user made, newest first, loading more as they scroll. */
export function HistoryGrid(props: {
  onOpen: (asset: MediaAsset) => void;
  onDeleted: (id: string) => void;
}) {
  const [type, setType] = useState<MediaType | "">("");
  const [status, setStatus] = useState<MediaStatus | "">("");
  const [starred, setStarred] = useState(false);
  // Searched on the server (an index over the prompts), a moment after the typing stops.
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 300);
    return () => clearTimeout(timer);
  }, [typed]);
  const history = trpc.media.list.useInfiniteQuery(
    {
      limit: PAGE_SIZE,
      type: type || undefined,
      status: status || undefined,
      starred: starred || undefined,
      search: search || undefined,
    },
    { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
  );
  const assets = history.data?.pages.flatMap((page) => page.items) ?? [];
  // The lightbox walks the history in this order; kept after each render, never during one.
  const pages = history.data?.pages;
  useEffect(() => {
    studio.set({ history: pages?.flatMap((page) => page.items) ?? [] });
  }, [pages]);

  // After a delete, focus goes to the card that took the deleted one's place (or the one before
  // it, or the heading when the grid is empty), never to <body>.
  const heading = useRef<HTMLHeadingElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const order = useRef<string[]>([]);
  order.current = assets.map((a) => a.id);
  const select = useHistorySelection(order.current);
  const onDeleted = (id: string) => {
    const ids = order.current;
    const at = ids.indexOf(id);
    const neighbour = ids[at + 1] ?? ids[at - 1];
    afterRender(() => {
      const card = neighbour
        ? list.current?.querySelector<HTMLElement>(`[data-asset-id="${neighbour}"]`)
        : null;
      const target = card?.querySelector<HTMLElement>(".asset-actions button") ?? heading.current;
      // Only when focus was lost with the deleted card (a delete from the preview moves it there).
      if (document.activeElement === document.body || !document.activeElement?.isConnected)
        target?.focus();
    });
    // After ours: the studio forgets the preview (and focuses it only if focus is still lost).
    props.onDeleted(id);
  };

  // Infinite scroll: a sentinel below the grid asks for the next page when it comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;
  useNextPageNear(sentinel, history);

  const filtered = Boolean(type || status || starred || search);
  return (
    <section className="history" aria-labelledby="history-title">
      <div className="history-head">
        <h2 id="history-title" className="section-title" ref={heading} tabIndex={-1}>
          History
        </h2>
        <HistoryFilters
          filters={{ type, status, starred, typed }}
          onType={setType}
          onStatus={setStatus}
          onStarred={setStarred}
          onTyped={setTyped}
        />
      </div>
      {select.ids.length > 0 && (
        <Suspense fallback={null}>
          <SelectionBar
            selected={select.ids.flatMap((id) => assets.find((a) => a.id === id) ?? [])}
            shown={assets.length}
            onSelectAll={select.all}
            onClear={select.clear}
            onDeleted={(ids) => {
              select.clear();
              ids.forEach(props.onDeleted);
              afterRender(() => heading.current?.focus());
            }}
          />
        </Suspense>
      )}
      {history.isPending || history.isError || assets.length === 0 ? (
        <HistoryStatus history={history} empty={emptyText(search, starred, filtered)} />
      ) : (
        <ul ref={list} className="history-grid" aria-label="Your generations">
          {assets.map((asset) => (
            <li key={asset.id}>
              <AssetCard
                asset={asset}
                variant="grid"
                onOpen={props.onOpen}
                onDeleted={onDeleted}
                selected={select.ids.includes(asset.id)}
                onSelect={select.toggle}
              />
            </li>
          ))}
        </ul>
      )}
      <div ref={sentinel} className="history-end">
        {hasNextPage && (
          <button
            type="button"
            className="button"
            disabled={isFetchingNextPage}
            onClick={() => void fetchNextPage()}
          >
            {isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        )}
      </div>
    </section>
  );
}

/**
 * The picked cards (checkboxes): a click toggles, Shift + click or Shift + Space selects a range.
 * What leaves the grid (deleted, filtered out) leaves the selection.
 */
function useHistorySelection(order: string[]) {
  const [selection, setSelection] = useState(EMPTY_SELECTION);
  const shown = keepShown(selection, order);
  // A checkbox toggled from the keyboard sends a click without the modifier: Shift is followed here.
  const shift = useRef(false);
  useEffect(() => {
    const track = (event: KeyboardEvent) => {
      shift.current = event.shiftKey;
    };
    const reset = () => {
      shift.current = false;
    };
    window.addEventListener("keydown", track);
    window.addEventListener("keyup", track);
    window.addEventListener("blur", reset);
    return () => {
      window.removeEventListener("keydown", track);
      window.removeEventListener("keyup", track);
      window.removeEventListener("blur", reset);
    };
  }, []);
  return {
    ids: shown.ids,
    toggle: (id: string, shiftKey: boolean) =>
      setSelection(pick(shown, order, id, shiftKey || shift.current)),
    all: () => setSelection(pickAll(shown, order)),
    clear: () => setSelection(EMPTY_SELECTION),
  };
}

type Filters = { type: MediaType | ""; status: MediaStatus | ""; starred: boolean; typed: string };

/** Search (server-side, over the prompts), Starred, and the type and status filters. */
function HistoryFilters(props: {
  filters: Filters;
  onType: (type: MediaType | "") => void;
  onStatus: (status: MediaStatus | "") => void;
  onStarred: (on: boolean) => void;
  onTyped: (text: string) => void;
}) {
  const { filters } = props;
  const searchBox = useRef<HTMLInputElement>(null);
  return (
    <div className="filters">
      <search className="history-search">
        <label className="filter">
          <span className="visually-hidden">Search history</span>
          <input
            ref={searchBox}
            type="search"
            className="input search-input"
            placeholder="Search prompts"
            value={filters.typed}
            onChange={(e) => props.onTyped(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape" && filters.typed) {
                e.preventDefault();
                props.onTyped("");
              }
            }}
          />
        </label>
        {filters.typed && (
          <button
            type="button"
            className="button button-small button-ghost"
            onClick={() => {
              props.onTyped("");
              searchBox.current?.focus();
            }}
          >
            Clear<span className="visually-hidden"> search</span>
          </button>
        )}
      </search>
      <button
        type="button"
        className="button star-filter"
        aria-pressed={filters.starred}
        onClick={() => props.onStarred(!filters.starred)}
      >
        <StarIcon filled={filters.starred} />
        Starred
      </button>
      <label className="filter">
        <span className="visually-hidden">Filter by type</span>
        <select
          className="select"
          value={filters.type}
          onChange={(e) => props.onType(e.target.value as MediaType | "")}
        >
          {TYPE_FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="visually-hidden">Filter by status</span>
        <select
          className="select"
          value={filters.status}
          onChange={(e) => props.onStatus(e.target.value as MediaStatus | "")}
        >
          {STATUS_FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function emptyText(search: string, starred: boolean, filtered: boolean): string {
  if (search) {
    return `Nothing in your history matches “${search}”${starred ? " among the starred" : ""}.`;
  }
  if (starred) return "Nothing starred yet: press ☆ on a result to keep it here.";
  return filtered ? "Nothing matches these filters." : "Your generations will appear here.";
}

type History = {
  isPending: boolean;
  isError: boolean;
  error: { message: string } | null;
  refetch: () => Promise<unknown>;
};

/** Loading (the first row's space), the error with Try again, or the empty grid in words. */
function HistoryStatus({ history, empty }: { history: History; empty: string }) {
  if (history.isPending) {
    return (
      // The first row's space, so the page does not jump when the history arrives.
      <div className="history-grid history-skeleton" role="status">
        <span className="visually-hidden">Loading your generations…</span>
        <div className="asset-card" aria-hidden="true" />
        <div className="asset-card" aria-hidden="true" />
        <div className="asset-card" aria-hidden="true" />
      </div>
    );
  }
  if (history.isError) {
    return (
      <div className="notice notice-error" role="alert">
        <p>Could not load your history: {history.error?.message}</p>
        <button type="button" className="button" onClick={() => void history.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  return <p className="empty">{empty}</p>;
}

/** Asks for the next page when `sentinel` comes within 600 px of the viewport. */
function useNextPageNear(
  sentinel: RefObject<HTMLDivElement | null>,
  history: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown },
) {
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;
  useEffect(() => {
    const node = sentinel.current;
    if (!node || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: "600px 0px" },
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, [sentinel, hasNextPage, isFetchingNextPage, fetchNextPage]);
}
