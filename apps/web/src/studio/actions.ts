// What a result card, the preview and the lightbox can ask of the rest of the studio: "Use as
// reference" and "Reuse prompt" (handled by the composer), open the lightbox. Through the studio
// store, so a card deep in the history grid needs no props threaded through for them. (Delete,
// retry, cancel and star are in useAssetActions.ts.)
import { flushSync } from "react-dom";
import type { MediaAsset } from "../trpc";
import {
  type ComposerHandlers,
  type LightboxState,
  type ReuseExtras,
  studio,
  useStudio,
} from "./store";

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
  reuse(asset: MediaAsset, extras?: ReuseExtras) {
    studio.get().composer?.reuse(asset, extras);
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
    // Unmounted at once: while it is open its focus trap keeps focus in, so neither the opener
    // nor the composer ("Use as reference", right after this) could take it.
    flushSync(() => studio.set({ lightbox: null }));
    if (opener?.isConnected) opener.focus({ preventScroll: true });
  },
};

export const useLightbox = () => useStudio((s) => s.lightbox);
