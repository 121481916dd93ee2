// The calendar's free queue slots: for each account that has weekly slots (social.queueSlots),
// the ones in the shown range that no live post holds (social.freeSlots), from now on — placed on
// their local day (and hour, in the week view) in the user's zone.
import { PLATFORM_LABEL, type Platform } from "../social/platforms";
import { trpc } from "../trpc";
import { cellKey } from "./calendar-model";
import { dayOf, hourOf, timeOf } from "./zone";

export type FreeSlot = { at: Date; accountId: string; label: string; platform: Platform | null };

/** freeSlots answers at most 62 days at a time. */
const MAX_RANGE_MS = 62 * 86_400_000;

export function useFreeSlots(range: { from: string; to: string }, accountFilter: string) {
  const slots = trpc.social.queueSlots.useQuery({}, { staleTime: 60_000 });
  const accounts = trpc.social.accounts.useQuery(undefined, { staleTime: 60_000 });
  const now = Date.now();
  const from = Math.max(Date.parse(range.from), now);
  const to = Math.min(Date.parse(range.to), from + MAX_RANGE_MS);
  const ids = (slots.data?.accounts ?? [])
    .map((a) => a.accountId)
    .filter((id) => !accountFilter || id === accountFilter);
  // Rounded to the minute so a re-render does not make a new query key.
  const fromIso = new Date(Math.ceil(from / 60_000) * 60_000).toISOString();
  const free = trpc.useQueries((t) =>
    to > from
      ? ids.map((accountId) =>
          t.social.freeSlots({ accountId, from: fromIso, to: new Date(to).toISOString() }),
        )
      : [],
  );
  const byId = new Map((accounts.data?.accounts ?? []).map((a) => [a.id, a]));
  const out: FreeSlot[] = [];
  for (const answer of free) {
    const data = answer.data;
    if (!data) continue;
    const account = byId.get(data.accountId);
    const platform = (account?.platform ?? null) as Platform | null;
    const name = account?.handle ?? account?.displayName ?? data.accountId;
    const label = platform ? `${PLATFORM_LABEL[platform]} · ${name}` : name;
    for (const slot of data.slots) {
      out.push({ at: new Date(slot.at), accountId: data.accountId, label, platform });
    }
  }
  return out;
}

/** Free slots by "day" or "day hour" key, each list by time. */
export function placeSlots(slots: readonly FreeSlot[], zone: string, byHour: boolean) {
  const cells = new Map<string, FreeSlot[]>();
  for (const slot of [...slots].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const day = dayOf(slot.at, zone);
    const key = byHour ? cellKey(day, hourOf(slot.at, zone)) : day;
    cells.set(key, [...(cells.get(key) ?? []), slot]);
  }
  return cells;
}

export const slotText = (slot: FreeSlot, zone: string) =>
  `Free slot ${timeOf(slot.at, zone)} · ${slot.label}`;
