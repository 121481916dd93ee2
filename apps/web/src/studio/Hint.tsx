// Hints (the short explanations a pointer or keyboard user gets on a control) as Radix UI Tooltips
// (@radix-ui/react-tooltip, in HintTip.tsx). The tooltip code is not in the studio's first
// bundle: until it is loaded a hint is the element's `title`; it loads on the first pointer move
// or focus anywhere in the document, and every hint then switches to the Radix Tooltip at once.
//
// The switch wraps the child in Tooltip.Root/Trigger, so React mounts the element anew. Two
// things keep that invisible: it waits while a pointer is pressed (a click in progress lands on
// the element it started on), and the hint that had focus gets it back (`data-hint`).
import { cloneElement, type ReactElement, useEffect, useId, useSyncExternalStore } from "react";
import { flushSync } from "react-dom";

type TipModule = typeof import("./HintTip");

/** The tooltip module's loading state, written by the import and by document events only. */
const hints = {
  armed: false,
  loading: null as Promise<void> | null,
  loaded: null as TipModule | null,
  shown: null as TipModule | null,
  pressed: false,
  listeners: new Set<() => void>(),
};

function subscribe(listener: () => void) {
  hints.listeners.add(listener);
  return () => hints.listeners.delete(listener);
}

function publish() {
  if (!hints.loaded || hints.pressed || hints.shown) return;
  const active = document.activeElement;
  const focused = active instanceof HTMLElement ? active.dataset.hint : undefined;
  flushSync(() => {
    hints.shown = hints.loaded;
    for (const listener of hints.listeners) listener();
  });
  if (focused === undefined) return;
  const again = document.querySelector<HTMLElement>(`[data-hint="${CSS.escape(focused)}"]`);
  if (again && document.activeElement !== again) again.focus({ preventScroll: true });
}

function load() {
  hints.loading ??= import("./HintTip").then((module) => {
    hints.loaded = module;
    publish();
  });
}

/** Once per page: load on the first pointer move or focus, and hold the switch while pressed. */
function arm() {
  if (hints.armed) return;
  hints.armed = true;
  const release = () => {
    // After the click that follows the pointer's release.
    setTimeout(() => {
      hints.pressed = false;
      publish();
    }, 0);
  };
  document.addEventListener("pointerover", load, { once: true, passive: true });
  document.addEventListener("focusin", load, { once: true });
  document.addEventListener("pointerdown", () => (hints.pressed = true), { capture: true });
  document.addEventListener("pointerup", release, { capture: true });
  document.addEventListener("pointercancel", release, { capture: true });
}

/**
 * `text` as a tooltip on the child (one element that takes a ref and event props). The child's
 * accessible name stays its own; no text, no tooltip.
 */
export function Hint({
  text,
  children,
}: {
  text: string | null | undefined;
  children: ReactElement<Record<string, unknown>>;
}) {
  const tip = useSyncExternalStore(
    subscribe,
    () => hints.shown,
    () => null,
  );
  const id = useId();
  useEffect(arm, []);
  const child = cloneElement(children, {
    "data-hint": id,
    title: tip ? undefined : (text ?? undefined),
  });
  return tip ? <tip.HintTip text={text}>{child}</tip.HintTip> : child;
}
