// Leave and come back: a result that finishes while the tab is hidden counts in the tab title
// ("(2) AI Studio · …") until the tab is looked at again, and, only if the user asked for it with
// "Notify me" (never a permission prompt on load), shows a browser notification.
import { setTitleCount } from "../lib/page";
import { NOTIFY_KEY, studio, useStudio } from "./store";

const supported = () => typeof window !== "undefined" && "Notification" in window;

export type NotifyState = "unsupported" | "off" | "on" | "blocked";

const stateOf = (optedIn: boolean): NotifyState => {
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  return optedIn && Notification.permission === "granted" ? "on" : "off";
};
const current = () => stateOf(studio.get().notifyOptIn);

export function useNotifyState(): NotifyState {
  return stateOf(useStudio((s) => s.notifyOptIn));
}

const store = (on: boolean) => {
  try {
    localStorage.setItem(NOTIFY_KEY, on ? "1" : "0");
  } catch {
    // Kept for this page only.
  }
  studio.set({ notifyOptIn: on });
};

/** The "Notify me" toggle: asks the browser for permission only here, on the user's click. */
export async function toggleNotify(): Promise<NotifyState> {
  if (!supported()) return "unsupported";
  if (current() === "on") {
    store(false);
    return current();
  }
  const permission =
    Notification.permission === "default"
      ? await Notification.requestPermission()
      : Notification.permission;
  store(permission === "granted");
  return current();
}

let unseen = 0;
if (typeof document !== "undefined") {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && unseen > 0) {
      unseen = 0;
      setTitleCount(0);
    }
  });
}

/** Called by the progress feed when a generation ends (succeeded or failed). */
export function finishedWhileAway(
  outcome: "succeeded" | "failed",
  assetId: string,
  prompt?: string,
) {
  if (document.visibilityState !== "hidden") return;
  unseen += 1;
  setTitleCount(unseen);
  if (current() !== "on") return;
  try {
    const note = new Notification(
      outcome === "succeeded" ? "Your result is ready" : "A generation failed",
      { body: prompt ?? "Streamline AI Studio", tag: assetId },
    );
    note.onclick = () => {
      window.focus();
      note.close();
    };
  } catch {
    // Some browsers (Android Chrome) allow notifications only from a service worker.
  }
}
