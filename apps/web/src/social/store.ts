// Which card has the schedule dialog open (kept in the studio store). The preview and the grid can
// show the same asset, so an entry names the card (asset + variant). One "Post" action opens it;
// the dialog itself offers now, at a time, or the account's queue.
import { session } from "../lib/page";
import { studio, useStudio } from "../studio/store";

/** What the dialog holds, kept across the round trip to Zernio's sign-in page. */
export type ScheduleDraft = {
  picked: string[];
  drafts: Record<string, { text: string; title: string }>;
  publishNow: boolean;
  /** When: now, at a time, or each account's next free queue slot (older drafts: publishNow). */
  mode?: PostMode;
  /** The media in order (a carousel), when it was reordered. */
  order?: string[];
  zone: string;
  when: string;
  tiktok: {
    allowComment: boolean;
    allowDuet: boolean;
    allowStitch: boolean;
    consent: boolean;
    /** "Who can view": one of the creator's privacy levels; none until the user picks one. */
    privacyLevel?: string | undefined;
  };
  /** The Pinterest board picked (none: the account's first, Zernio's default). */
  boardId?: string | undefined;
};

/** When a post goes out: now, at a chosen time, or in each account's next free queue slot. */
export type PostMode = "now" | "at" | "queue";

export type ScheduleRequest = {
  /** The card that hosts the dialog; the post's first item unless `assetIds` says otherwise. */
  assetId: string;
  /** Several items in order (a carousel, e.g. from the history's multi-select); the first is the cover. */
  assetIds?: string[];
  variant: string;
  /** Open on "Now" (true) or "At a time" (false); `mode` wins when given. */
  postNow: boolean;
  mode?: PostMode;
  /** Reschedule or edit this post instead of making a new one. */
  postId?: string;
  /** Reopened after "Connect an account": the dialog as it was, plus the account just connected. */
  restore?: ScheduleDraft;
  connectedAccountId?: string;
};

export const scheduleStore = {
  open(request: ScheduleRequest) {
    studio.set({ schedule: request });
  },
  isOpen: () => studio.get().schedule !== null,
  close() {
    studio.set({ schedule: null });
  },
};

export function useScheduleRequest(assetId: string, variant: string): ScheduleRequest | null {
  return useStudio(({ schedule: open }) =>
    open && open.assetId === assetId && open.variant === variant ? open : null,
  );
}

const CONNECT_KEY = "streamline.social.connect";
/** Zernio's platform ids where they differ from ours. */
const FROM_ZERNIO: Record<string, string> = { twitter: "x" };

/**
 * "Connect an account" leaves the studio for Zernio's sign-in page: the open dialog is kept in
 * this tab's session storage first, so the way back can reopen it where it was.
 */
export function keepDialogForConnect(request: ScheduleRequest, draft: ScheduleDraft): void {
  const { restore: _restore, connectedAccountId: _connected, ...rest } = request;
  // The lightbox (and a selection) is not reopened after a page load; the grid card of the
  // (first) asset shows the same dialog, a carousel keeping its assetIds.
  session.set(CONNECT_KEY, {
    request: {
      ...rest,
      variant: rest.variant === "lightbox" || rest.variant === "selection" ? "grid" : rest.variant,
    },
    draft,
  });
}

/**
 * Back from Zernio (`?connected=tiktok&profileId=…&accountId=…&username=…`): the query is removed
 * from the address, and the dialog kept before leaving is reopened with the new account picked.
 * Returns the connected platform (our id) and handle for the studio to say so, or undefined.
 */
export function resumeAfterConnect(): { platform: string; username: string | null } | undefined {
  const url = new URL(window.location.href);
  const connected = url.searchParams.get("connected");
  if (!connected) return undefined;
  const accountId = url.searchParams.get("accountId");
  const username = url.searchParams.get("username");
  for (const name of ["connected", "profileId", "accountId", "username"]) {
    url.searchParams.delete(name);
  }
  window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  const kept = session.get<{ request: ScheduleRequest; draft: ScheduleDraft }>(CONNECT_KEY);
  session.set(CONNECT_KEY, null);
  if (kept?.request?.assetId) {
    scheduleStore.open({
      ...kept.request,
      restore: kept.draft,
      ...(accountId ? { connectedAccountId: accountId } : {}),
    });
  }
  return { platform: FROM_ZERNIO[connected] ?? connected, username };
}
