// Several results picked in the history: a click (or Space) on a card's checkbox toggles it and
// becomes the anchor; Shift + click (or Shift + Space) selects everything from the anchor to it, in
// the grid's order, as file managers do. Pure functions: the grid keeps the state.

export type Selection = {
  /** In the order picked (a carousel keeps it); a Shift range adds in the grid's order. */
  ids: string[];
  /** The last box toggled without Shift: where the next Shift range starts. */
  anchor: string | null;
};

export const EMPTY_SELECTION: Selection = { ids: [], anchor: null };

/** A checkbox pressed on card `id`, with or without Shift, over the grid's current `order`. */
export function pick(
  selection: Selection,
  order: readonly string[],
  id: string,
  shift: boolean,
): Selection {
  const from = selection.anchor ? order.indexOf(selection.anchor) : -1;
  const to = order.indexOf(id);
  if (shift && from >= 0 && to >= 0) {
    const range = order.slice(Math.min(from, to), Math.max(from, to) + 1);
    // The range takes the anchor's state: from a selected anchor it selects, from one just
    // unselected it clears (the anchor keeps its place either way).
    const selecting = selection.ids.includes(selection.anchor as string);
    const ids = selecting
      ? [...selection.ids, ...range.filter((x) => !selection.ids.includes(x))]
      : selection.ids.filter((x) => !range.includes(x));
    return { ids, anchor: selection.anchor };
  }
  const ids = selection.ids.includes(id)
    ? selection.ids.filter((x) => x !== id)
    : [...selection.ids, id];
  return { ids, anchor: id };
}

/** Every card in `order` (select all loaded), keeping the order already picked first. */
export function pickAll(selection: Selection, order: readonly string[]): Selection {
  const ids = [...selection.ids, ...order.filter((x) => !selection.ids.includes(x))];
  return { ids, anchor: selection.anchor ?? order[0] ?? null };
}

/** Drops what left the grid (deleted, filtered out); the anchor too when it left. */
export function keepShown(selection: Selection, order: readonly string[]): Selection {
  const shown = new Set(order);
  const ids = selection.ids.filter((x) => shown.has(x));
  const anchor = selection.anchor && shown.has(selection.anchor) ? selection.anchor : null;
  if (ids.length === selection.ids.length && anchor === selection.anchor) return selection;
  return { ids, anchor };
}
