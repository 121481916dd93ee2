// Which card has the schedule dialog open. The preview and the grid can show the same asset, so an
// entry names the card (asset + variant); "Post" and "Schedule Post" open the same dialog.
import { useSyncExternalStore } from "react";

export type ScheduleRequest = {
  assetId: string;
  variant: string;
  postNow: boolean;
  /** Reschedule or edit this post instead of making a new one. */
  postId?: string;
};

let open: ScheduleRequest | null = null;
const listeners = new Set<() => void>();

export const scheduleStore = {
  open(request: ScheduleRequest) {
    open = request;
    for (const listener of listeners) listener();
  },
  close() {
    open = null;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useScheduleRequest(assetId: string, variant: string): ScheduleRequest | null {
  return useSyncExternalStore(scheduleStore.subscribe, () =>
    open && open.assetId === assetId && open.variant === variant ? open : null,
  );
}
