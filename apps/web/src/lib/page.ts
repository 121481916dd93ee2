import { useEffect } from "react";

const SUFFIX = "Streamline AI Studio";

let baseTitle = "";
let titleCount = 0;
const applyTitle = () => {
  if (!baseTitle) return;
  document.title = titleCount > 0 ? `(${titleCount}) ${baseTitle}` : baseTitle;
};

/** Each route names itself in the tab and to screen readers (announced on navigation). */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    baseTitle = `${title} · ${SUFFIX}`;
    applyTitle();
  }, [title]);
}

/** "(2) AI Studio · …": results that finished while the tab was in the background; 0 clears it. */
export function setTitleCount(count: number) {
  titleCount = count;
  applyTitle();
}

export const prefersReducedMotion = () =>
  typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;

/**
 * Brings an element fully into view below the sticky header (its scroll-margin-top, set in CSS,
 * is the header's measured height), smoothly unless the user asked for reduced motion.
 */
export function revealBelowHeader(element: Element | null | undefined) {
  element?.scrollIntoView({ block: "start", behavior: prefersReducedMotion() ? "auto" : "smooth" });
}

/** Reads and writes sessionStorage without failing in private mode or with a full quota. */
export const session = {
  get<T>(key: string): T | undefined {
    try {
      const raw = sessionStorage.getItem(key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    } catch {
      return undefined;
    }
  },
  set(key: string, value: unknown) {
    try {
      if (value === undefined || value === null || value === "") sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Not kept: the draft just does not survive a reload.
    }
  },
};

/** Runs once React has committed the current update (and a closing dialog has handed focus back). */
export const afterRender = (run: () => void) => requestAnimationFrame(() => setTimeout(run, 0));
