// The studio's one client-side store (zustand): what parts of the page far apart from each other
// share — live progress, the lightbox, the open schedule dialog, the history's order, the preview,
// the composer's handlers, the "Notify me" opt-in and a learned concurrency limit. Components read
// a slice with `useStudio(selector)` (a change re-renders only the readers of that slice) and
// write only from events and effects, never during render.
import { create } from "zustand";
import type { ScheduleRequest } from "../social/store";
import type { MediaAsset } from "../trpc";
import type { ProgressEvent } from "./progress";

export type LightboxState = { assets: MediaAsset[]; index: number; opener: HTMLElement | null };

/** "Make more like this" (insights): the original's reference photo and a number of variants. */
export type ReuseExtras = { photo?: File | null; reference?: MediaAsset | null; variants?: number };

export type ComposerHandlers = {
  takeAsReference: (asset: MediaAsset) => void;
  reuse: (asset: MediaAsset, extras?: ReuseExtras) => void;
};

export type StudioState = {
  /** The newest live event per asset, from the one `media.onProgress` subscription. */
  progress: Record<string, ProgressEvent>;
  lightbox: LightboxState | null;
  /** Which card has the schedule dialog open (one at a time). */
  schedule: ScheduleRequest | null;
  /** The history's loaded results in the grid's order (the lightbox walks them). */
  history: MediaAsset[];
  /** The assets in the preview, which announce their own outcome (so no second toast). */
  previewIds: string[];
  /** Mounted by the composer: "Use as reference" and "Reuse prompt" from any card. */
  composer: ComposerHandlers | null;
  /** The user pressed "Notify me" (and the browser allowed it). */
  notifyOptIn: boolean;
  /** The limit a TOO_MANY_REQUESTS refusal named, for a server that does not say it up front. */
  learnedLimit: number | undefined;
};

export const NOTIFY_KEY = "streamline.studio.notify";
export const LEARNED_LIMIT_KEY = "streamline.studio.maxConcurrent";

const stored = (read: () => string | null) => {
  try {
    return read();
  } catch {
    return null;
  }
};

export const useStudio = create<StudioState>()(() => ({
  progress: {},
  lightbox: null,
  schedule: null,
  history: [],
  previewIds: [],
  composer: null,
  notifyOptIn: stored(() => localStorage.getItem(NOTIFY_KEY)) === "1",
  learnedLimit: Number(stored(() => sessionStorage.getItem(LEARNED_LIMIT_KEY))) || undefined,
}));

export const studio = {
  get: useStudio.getState,
  set: useStudio.setState,
};
