// Live progress of the user's generations. ONE `media.onProgress` subscription (no assetId) feeds
// every card through the studio store; cards select their own entry, so a progress tick
// re-renders one card, not the grid. State changes refetch the asset and the list.
import { useState } from "react";
import { toast } from "sonner";
import { plainMessage } from "../lib/errors";
import { type MediaAsset, trpc } from "../trpc";
import { finishedWhileAway } from "./notify";
import { studio, useStudio } from "./store";

type OnProgressOptions = Parameters<typeof trpc.media.onProgress.useSubscription>[1];
export type ProgressEvent = Parameters<
  NonNullable<NonNullable<OnProgressOptions>["onData"]>
>[0]["data"];

export const progressStore = {
  put(event: ProgressEvent) {
    studio.set((s) => ({ progress: { ...s.progress, [event.assetId]: event } }));
  },
  /** After a retry the old "failed" event no longer describes the asset. */
  forget(assetId: string) {
    const { progress } = studio.get();
    if (!(assetId in progress)) return;
    const { [assetId]: _gone, ...rest } = progress;
    studio.set({ progress: rest });
  },
};

export function useLiveProgress(assetId: string): ProgressEvent | undefined {
  return useStudio((s) => s.progress[assetId]);
}

const TERMINAL = ["succeeded", "failed", "canceled"];

/**
 * How often a row shown in the preview is re-read while it is in flight. The live feed brings
 * every change at once; this is the floor under it for when the feed cannot: a proxy that
 * buffers or drops SSE, a stream that is down while a job finishes. A few small reads per
 * generation, and none once the row is terminal.
 */
export const IN_FLIGHT_REREAD_MS = 10_000;

/** TanStack Query's `refetchInterval` for a `media.byId` row: re-read only while in flight. */
export const rereadWhileInFlight = (query: {
  state: { data?: { status: string } | undefined };
}) => {
  const status = query.state.data?.status;
  return status !== undefined && !TERMINAL.includes(status) ? IN_FLIGHT_REREAD_MS : false;
};

/** What a card shows: the server's row, overlaid with the newest live event while in flight. */
export function useAssetState(asset: MediaAsset) {
  const event = useLiveProgress(asset.id);
  const inFlight = !TERMINAL.includes(asset.status);
  // A terminal row is the truth. While the row is in flight the newest event wins, a final one
  // included: it holds the bar at 100% until the refetched row brings the result.
  const live = inFlight ? event : undefined;
  return {
    status: live?.status ?? asset.status,
    phase: live?.phase ?? (asset.status === "queued" ? "queued" : "generating"),
    progress: live?.progress ?? asset.progress,
    estimated: live?.estimated ?? false,
    inFlight,
  };
}

export type FeedState = "connecting" | "live" | "reconnecting" | "off";

/** Mounted once by the studio page. */
export function useProgressFeed(enabled: boolean): FeedState {
  const utils = trpc.useUtils();
  const [started, setStarted] = useState(false);
  const subscription = trpc.media.onProgress.useSubscription(
    {},
    {
      enabled,
      onStarted() {
        setStarted(true);
        // Anything that changed before the stream opened (or while it was down) is in the list,
        // and in the rows shown on their own (the preview, the lightbox): a generation that
        // finished before the first connection has no event to replay.
        void utils.media.list.invalidate();
        void utils.media.byId.invalidate();
      },
      onData({ data: event }) {
        progressStore.put(event);
        if (event.kind === "progress") return;
        if (event.kind === "result" || event.kind === "error") {
          const known = utils.media.byId.getData({ id: event.assetId });
          finishedWhileAway(
            event.kind === "result" ? "succeeded" : "failed",
            event.assetId,
            known?.prompt,
          );
        }
        void utils.media.byId.invalidate({ id: event.assetId });
        void utils.media.list.invalidate();
        // Queued, delivered, failed or canceled: today's spend moved.
        void utils.media.usage.invalidate();
        // A failure is announced once: by the preview when it shows that asset, else by a toast.
        if (
          event.kind === "error" &&
          event.error &&
          !studio.get().previewIds.includes(event.assetId)
        ) {
          toast.error("Generation failed", {
            id: `failed-${event.assetId}`,
            description: plainMessage(event.error.message),
          });
        }
      },
    },
  );
  if (!enabled) return "off";
  if (subscription.status === "pending") return "live";
  return started ? "reconnecting" : "connecting";
}
