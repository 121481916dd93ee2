// What a result card, the preview and the lightbox can ask of the rest of the studio: "Use as
// reference" and "Reuse prompt" (handled by the composer), open the lightbox. Through the studio
// store, so a card deep in the history grid needs no props threaded through for them. (Delete,
// retry, cancel and star are in useAssetActions.ts.)
import type { MediaAsset } from "../trpc";
import { type ComposerHandlers, type LightboxState, studio, useStudio } from "./store";

export const composer = {
  /** Mounted by the composer (from an effect); returns the unregister. */
  register(next: ComposerHandlers) {
    studio.set({ composer: next });
    return () => {
      if (studio.get().composer === next) studio.set({ composer: null });
    };
  },
  takeAsReference(asset: MediaAsset) {
    studio.get().composer?.takeAsReference(asset);
  },
  reuse(asset: MediaAsset) {
    studio.get().composer?.reuse(asset);
  },
};

/** A finished image can be the next generation's reference photo (videos cannot). */
export const canBeReference = (asset: MediaAsset) =>
  asset.type === "image" && asset.status === "succeeded" && Boolean(asset.resultUrl);

export type { LightboxState };

export const lightbox = {
  /** Opens `asset` full screen; ← / → walk the history it is in (else just it). */
  open(asset: MediaAsset, within?: MediaAsset[]) {
    const list = (within ?? studio.get().history).filter(
      (a) => a.status === "succeeded" && a.resultUrl,
    );
    const at = list.findIndex((a) => a.id === asset.id);
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    studio.set({
      lightbox:
        at >= 0 ? { assets: list, index: at, opener } : { assets: [asset], index: 0, opener },
    });
  },
  move(by: number) {
    const state = studio.get().lightbox;
    if (!state) return;
    const { assets, index } = state;
    const next = Math.min(assets.length - 1, Math.max(0, index + by));
    if (next === index) return;
    studio.set({ lightbox: { ...state, index: next } });
  },
  close() {
    const state = studio.get().lightbox;
    if (!state) return;
    const opener = state.opener;
    // Out of the top layer first: while the modal is open the rest of the page is inert and
    // cannot take focus.
    document.querySelector<HTMLDialogElement>("dialog.lightbox[open]")?.close();
    studio.set({ lightbox: null });
    if (opener?.isConnected) opener.focus({ preventScroll: true });
  },
};

export const useLightbox = () => useStudio((s) => s.lightbox);
