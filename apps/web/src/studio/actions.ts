// What a result card, the preview and the lightbox can ask of the rest of the studio: "Use as
// reference" and "Reuse prompt" (handled by the composer), open the lightbox, star. Small stores,
// so a card deep in the history grid needs no props threaded through for them.
import { useQueryClient } from "@tanstack/react-query";
import { getQueryKey } from "@trpc/react-query";
import { useSyncExternalStore } from "react";
import { toastApiError } from "../lib/errors";
import { type MediaAsset, trpc } from "../trpc";

type ComposerHandlers = {
  takeAsReference: (asset: MediaAsset) => void;
  reuse: (asset: MediaAsset) => void;
};
let handlers: ComposerHandlers | null = null;

export const composer = {
  /** Mounted by the composer; returns the unregister. */
  register(next: ComposerHandlers) {
    handlers = next;
    return () => {
      if (handlers === next) handlers = null;
    };
  },
  takeAsReference(asset: MediaAsset) {
    handlers?.takeAsReference(asset);
  },
  reuse(asset: MediaAsset) {
    handlers?.reuse(asset);
  },
};

/** A finished image can be the next generation's reference photo (videos cannot). */
export const canBeReference = (asset: MediaAsset) =>
  asset.type === "image" && asset.status === "succeeded" && Boolean(asset.resultUrl);

/** The history's finished results in order, as the grid shows them (the lightbox walks them). */
export const historyOrder: { assets: MediaAsset[] } = { assets: [] };

export type LightboxState = { assets: MediaAsset[]; index: number; opener: HTMLElement | null };
let lightboxState: LightboxState | null = null;
const lightboxListeners = new Set<() => void>();
const notifyLightbox = () => {
  for (const listener of lightboxListeners) listener();
};

export const lightbox = {
  /** Opens `asset` full screen; ← / → walk the history it is in (else just it). */
  open(asset: MediaAsset, within?: MediaAsset[]) {
    const list = (within ?? historyOrder.assets).filter(
      (a) => a.status === "succeeded" && a.resultUrl,
    );
    const at = list.findIndex((a) => a.id === asset.id);
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    lightboxState =
      at >= 0 ? { assets: list, index: at, opener } : { assets: [asset], index: 0, opener };
    notifyLightbox();
  },
  move(by: number) {
    if (!lightboxState) return;
    const { assets, index } = lightboxState;
    const next = Math.min(assets.length - 1, Math.max(0, index + by));
    if (next === index) return;
    lightboxState = { ...lightboxState, index: next };
    notifyLightbox();
  },
  close() {
    if (!lightboxState) return;
    const opener = lightboxState.opener;
    lightboxState = null;
    // Out of the top layer first: while the modal is open the rest of the page is inert and
    // cannot take focus.
    document.querySelector<HTMLDialogElement>("dialog.lightbox[open]")?.close();
    notifyLightbox();
    if (opener?.isConnected) opener.focus({ preventScroll: true });
  },
  subscribe(listener: () => void) {
    lightboxListeners.add(listener);
    return () => lightboxListeners.delete(listener);
  },
};

export const useLightbox = () => useSyncExternalStore(lightbox.subscribe, () => lightboxState);

type ListPages = { pages: { items: MediaAsset[]; nextCursor: string | null }[] };

/** Star / unstar: every loaded copy of the asset changes at once; the refetch confirms it. */
export function useStar() {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const patch = (id: string, starred: boolean) => {
    utils.media.byId.setData({ id }, (a) => (a ? { ...a, starred } : a));
    queryClient.setQueriesData<ListPages>({ queryKey: getQueryKey(trpc.media.list) }, (data) =>
      data?.pages
        ? {
            ...data,
            pages: data.pages.map((p) => ({
              ...p,
              items: p.items.map((a) => (a.id === id ? { ...a, starred } : a)),
            })),
          }
        : data,
    );
  };
  const star = trpc.media.star.useMutation({
    onMutate: ({ id, starred }) => patch(id, starred),
    onError: (error, { id, starred }) => {
      patch(id, !starred);
      toastApiError(error);
    },
    onSettled: () => void utils.media.list.invalidate(),
  });
  return (asset: MediaAsset, starred: boolean) => star.mutate({ id: asset.id, starred });
}
