// What the user picked and typed in the Post dialog: accounts, captions per platform, the media
// order, when (now / at a time / the queue), timezone, TikTok's choices and the Pinterest board. Restored after
// "Connect an account" as it was, and seeded from the post when rescheduling.
import { useEffect, useRef, useState } from "react";
import type { CaptionDraft } from "../CaptionField";
import type { Platform, ScheduledPost } from "../platforms";
import {
  keepDialogForConnect,
  type PostMode,
  type ScheduleDraft,
  type ScheduleRequest,
} from "../store";
import { browserZone, wallClock } from "./time";

export type TikTokChoice = ScheduleDraft["tiktok"];
type Drafts = Partial<Record<Platform, CaptionDraft>>;

const NO_TIKTOK: TikTokChoice = {
  allowComment: false,
  allowDuet: false,
  allowStitch: false,
  consent: false,
};

function initialMode(request: ScheduleRequest): PostMode {
  const restore = request.restore;
  if (restore) return restore.mode ?? (restore.publishNow ? "now" : "at");
  return request.mode ?? (request.postNow ? "now" : "at");
}

/** The media in order: the request's several items, or the card's one. */
function initialOrder(request: ScheduleRequest): string[] {
  const kept = request.restore?.order;
  if (kept?.length) return kept;
  return request.assetIds?.length ? [...request.assetIds] : [request.assetId];
}

function toggled<T>(set: Set<T>, item: T, on: boolean): Set<T> {
  const next = new Set(set);
  if (on) next.add(item);
  else next.delete(item);
  return next;
}

export function useScheduleFields(request: ScheduleRequest, editing: ScheduledPost | undefined) {
  const restore = request.restore;
  const [picked, setPicked] = useState<Set<string>>(
    () =>
      new Set([
        ...(restore?.picked ?? []),
        ...(request.connectedAccountId ? [request.connectedAccountId] : []),
      ]),
  );
  const [drafts, setDrafts] = useState<Drafts>(() => (restore?.drafts ?? {}) as Drafts);
  const [mode, setMode] = useState<PostMode>(() => initialMode(request));
  const [order, setOrder] = useState<string[]>(() => initialOrder(request));
  const [zone, setZone] = useState(() => restore?.zone ?? browserZone());
  const [when, setWhen] = useState(() => restore?.when ?? wallClock(browserZone(), 1, 9));
  // TikTok asks the creator, per post, which interactions to allow (none pre-ticked) and for
  // their consent to publish.
  const [tiktok, setTiktok] = useState<TikTokChoice>(() => restore?.tiktok ?? NO_TIKTOK);
  const [boardId, setBoardId] = useState<string | undefined>(() => restore?.boardId);

  // Reschedule: start from the post as it stands.
  const seeded = useRef(false);
  useEffect(() => {
    if (!editing || seeded.current) return;
    seeded.current = true;
    setPicked(new Set(editing.targets.map((t) => t.accountId)));
    setMode(editing.publishNow ? "now" : "at");
    if (editing.timezone) setZone(editing.timezone);
    if (editing.scheduledLocal) setWhen(editing.scheduledLocal);
  }, [editing]);

  const togglePicked = (accountId: string, on: boolean) =>
    setPicked((s) => toggled(s, accountId, on));
  const setDraft = (platform: Platform, draft: CaptionDraft) =>
    setDrafts((d) => ({ ...d, [platform]: draft }));
  /** Typed drafts dropped (freshly written captions show instead). */
  const clearDrafts = (platforms: Platform[]) =>
    setDrafts((d) => {
      const next = { ...d };
      for (const p of platforms) delete next[p];
      return next;
    });
  /** Moves an item one place earlier (-1) or later (+1) in the carousel. */
  const moveItem = (index: number, by: -1 | 1) =>
    setOrder((list) => {
      const to = index + by;
      if (to < 0 || to >= list.length) return list;
      const next = [...list];
      [next[index], next[to]] = [next[to] as string, next[index] as string];
      return next;
    });
  const keepForConnect = () =>
    keepDialogForConnect(request, {
      picked: [...picked],
      drafts: drafts as Record<string, CaptionDraft>,
      publishNow: mode === "now",
      mode,
      order,
      zone,
      when,
      tiktok,
      boardId,
    });
  return {
    ...{ picked, togglePicked, drafts, setDraft, clearDrafts, mode, setMode, order, moveItem },
    ...{ zone, setZone, when, setWhen, tiktok, setTiktok, boardId, setBoardId, keepForConnect },
  };
}
