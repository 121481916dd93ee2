// "Add to queue": each chosen account's next free posting slot (social.freeSlots), shown in the
// dialog before sending, and the time the server's check is run for. The server books the slot
// (social.addToQueue) and may find a later one when another post took it meanwhile; the toast
// after sending says which slot each post got.
import { trpc } from "../../trpc";
import type { Platform } from "../platforms";

/** A slot closer than this is not booked by the server (queue.ts QUEUE_LEAD_MS). */
const LEAD_MS = 2 * 60_000;

export type QueueTarget = { accountId: string; platform: Platform; handle: string | null };
export type NextSlot = {
  target: QueueTarget;
  /** The next free slot, or null when the account has none (no posting times set). */
  slot: { at: Date; local: string; timezone: string } | null;
  loading: boolean;
  error: unknown;
};

export function useQueueSlots(targets: QueueTarget[], enabled: boolean) {
  const queries = trpc.useQueries((t) =>
    targets.map((target) =>
      t.social.freeSlots({ accountId: target.accountId }, { enabled, staleTime: 15_000 }),
    ),
  );
  const now = Date.now();
  const next: NextSlot[] = targets.map((target, i) => {
    const query = queries[i];
    const data = query?.data;
    const first = data?.slots
      .map((s) => ({ at: new Date(s.at), local: s.local }))
      .find((s) => s.at.getTime() > now + LEAD_MS);
    return {
      target,
      slot: first && data?.timezone ? { ...first, timezone: data.timezone } : null,
      loading: Boolean(query?.isPending),
      error: query?.error ?? null,
    };
  });
  const earliest = next
    .flatMap((n) => (n.slot ? [n.slot] : []))
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  return {
    next,
    earliest,
    loading: next.some((n) => n.loading),
    missing: next.filter((n) => !n.loading && !n.slot).map((n) => n.target),
  };
}

export type QueueState = ReturnType<typeof useQueueSlots>;
