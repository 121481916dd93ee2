// Selecting several posts in the list: a click (or Space) toggles one; Shift+click (or Shift+Space)
// sets every post from the last one toggled to this one to the same state, as file managers do.
// Only posts still listed stay selected (a cancelled post leaves the upcoming list).
import { useCallback, useMemo, useRef, useState } from "react";

/** The ids between `anchor` and `id` in `order` (both ends included); just `id` without an anchor. */
export function rangeOf(order: readonly string[], anchor: string | null, id: string): string[] {
  const to = order.indexOf(id);
  const from = anchor === null ? -1 : order.indexOf(anchor);
  if (to < 0) return [];
  if (from < 0) return [id];
  const [a, b] = from <= to ? [from, to] : [to, from];
  return order.slice(a, b + 1);
}

/** The next selection after toggling `id` (with Shift: the range from `anchor`). */
export function toggled(
  selected: ReadonlySet<string>,
  order: readonly string[],
  anchor: string | null,
  id: string,
  range: boolean,
): Set<string> {
  const next = new Set(selected);
  const on = !selected.has(id);
  for (const one of range ? rangeOf(order, anchor, id) : [id]) {
    if (on) next.add(one);
    else next.delete(one);
  }
  return next;
}

export function useSelection(order: readonly string[]) {
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | null>(null);
  // What is selected and still shown, in the list's order.
  const ids = useMemo(() => order.filter((id) => picked.has(id)), [order, picked]);
  const toggle = useCallback(
    (id: string, range: boolean) => {
      // Read the anchor now: the updater runs later, after it has moved to `id`.
      const from = anchor.current;
      setPicked((now) => toggled(now, order, from, id, range));
      anchor.current = id;
    },
    [order],
  );
  return {
    ids,
    has: (id: string) => picked.has(id),
    toggle,
    all: order.length > 0 && ids.length === order.length,
    setAll: (on: boolean) => {
      setPicked(new Set(on ? order : []));
      anchor.current = null;
    },
    clear: () => {
      setPicked(new Set());
      anchor.current = null;
    },
  };
}

export type Selection = ReturnType<typeof useSelection>;
