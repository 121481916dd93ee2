// The Post dialog's state and server traffic, apart from its views: the fields (useScheduleFields),
// the captions it can write for platforms still without one (useDialogCaptions), each account's
// next free queue slot (useQueueSlots), the server's pre-publish check run live (debounced) as the
// user edits, and sending (useScheduleSend).
import type { RouterInputs } from "@streamline/api";
import { useEffect, useMemo, useState } from "react";
import { newIdempotencyKey } from "../../lib/idempotency";
import { type MediaAsset, trpc } from "../../trpc";
import { type CaptionDraft, useCaptionLimits } from "../CaptionField";
import { PLATFORMS, type Platform, type ScheduledPost, TITLED } from "../platforms";
import type { PostMode, ScheduleRequest } from "../store";
import { boardToSend, tiktokBlockedReason, tiktokToSend } from "./account-options";
import { readCheck } from "./issues";
import { isZone, offsetName } from "./time";
import { useAccountOptions } from "./useAccountOptions";
import { useDialogCaptions } from "./useDialogCaptions";
import { type QueueState, useQueueSlots } from "./useQueue";
import { useScheduleFields } from "./useScheduleFields";
import { useScheduleSend } from "./useScheduleSend";

export type { TikTokChoice } from "./useScheduleFields";

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  const key = JSON.stringify(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the value's JSON
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [key, ms]);
  return debounced;
}

/** Why the send button is off, or null when it can be sent. */
function blockedReasonOf(state: {
  configured: boolean;
  targets: number;
  /** Why an account's own options stop the post (TikTok's privacy level, …). */
  options: string | null;
  mode: PostMode;
  zoneOk: boolean;
  when: string;
  queue: QueueState;
  checked: boolean;
  refusals: number;
}): string | null {
  if (!state.configured) return "Posting is not set up";
  if (state.targets === 0) return "Pick at least one account";
  if (state.options) return state.options;
  if (state.mode === "at" && !state.zoneOk) return "Choose a valid timezone";
  if (state.mode === "at" && !state.when) return "Choose a date and time";
  if (state.mode === "queue" && state.queue.loading) return "Finding the next free slots…";
  if (state.mode === "queue" && state.queue.missing.length > 0)
    return "Set posting times for every account first";
  if (!state.checked) return "Checking…";
  if (state.refusals > 0) return "Fix what is refused above";
  return null;
}

type CheckInput = RouterInputs["social"]["check"];

/** The server's pre-publish check of what the dialog would send, 350 ms after the last edit. */
function useScheduleCheck(input: CheckInput, configured: boolean) {
  const debounced = useDebounced(input, 350);
  const settled = JSON.stringify(debounced) === JSON.stringify(input);
  const canCheck =
    configured &&
    debounced.targets.length > 0 &&
    (debounced.publishNow || (Boolean(debounced.scheduledFor) && isZone(debounced.timezone ?? "")));
  const check = trpc.social.check.useQuery(debounced, {
    enabled: canCheck,
    placeholderData: (previous) => previous,
    retry: false,
  });
  const data = canCheck ? check.data : undefined;
  const read = readCheck(data);
  return {
    data,
    ...read,
    /** The check answered for exactly what is on screen. */
    checked: settled && !check.isFetching && Boolean(data),
    error: canCheck ? check.error : null,
    issuesOf: (p: Platform) => ({
      refusals: read.refusals.filter((r) => r.platform === p),
      warnings: read.warnings.filter((w) => w.platform === p),
    }),
  };
}

/** The timing the check runs for: now, the chosen time, or the earliest queue slot. */
function timingOf(mode: PostMode, when: string, zone: string, queue: QueueState) {
  if (mode === "now") return { publishNow: true as const };
  if (mode === "queue") {
    const slot = queue.earliest;
    return slot
      ? { publishNow: false as const, scheduledFor: slot.local, timezone: slot.timezone }
      : { publishNow: true as const };
  }
  return { publishNow: false as const, scheduledFor: when, timezone: zone };
}

function useDraftOf(
  drafts: Partial<Record<Platform, CaptionDraft>>,
  editing: ScheduledPost | undefined,
  coverId: string,
) {
  const captions = trpc.social.captions.useQuery({ assetId: coverId });
  const latest = new Map((captions.data?.latest ?? []).map((c) => [c.platform, c]));
  return (p: Platform): CaptionDraft => {
    const typed = drafts[p];
    if (typed) return typed;
    const fromPost = editing?.captions[p];
    if (fromPost) return { text: fromPost.text, title: fromPost.title ?? "" };
    const saved = latest.get(p);
    return { text: saved?.text ?? "", title: saved?.title ?? "" };
  };
}

export function useScheduleForm(props: {
  asset: MediaAsset;
  request: ScheduleRequest;
  close: () => void;
}) {
  const { request } = props;
  const accounts = trpc.social.accounts.useQuery(undefined, { staleTime: 60_000 });
  const posts = trpc.social.posts.useQuery({}, { enabled: Boolean(request.postId) });
  const editing = request.postId
    ? posts.data?.find((post) => post.id === request.postId)
    : undefined;
  const fields = useScheduleFields(request, editing);
  const { drafts, mode, zone, when, tiktok, picked, order } = fields;
  const coverId = order[0] ?? props.asset.id;
  const served = useCaptionLimits();

  const list = accounts.data?.accounts ?? [];
  const targets = editing
    ? editing.targets.map((t) => ({ accountId: t.accountId, platform: t.platform }))
    : list
        .filter((a) => picked.has(a.id) && a.connected)
        .map((a) => ({ accountId: a.id, platform: a.platform }));
  const platforms = PLATFORMS.filter((p) => targets.some((t) => t.platform === p));
  const options = useAccountOptions(
    targets,
    props.asset.type === "video" ? "video" : "photo",
    served,
    !editing,
  );
  const limits = options.limits;
  const draftOf = useDraftOf(drafts, editing, coverId);
  const captions = useDialogCaptions({
    assetId: coverId,
    platforms,
    draftOf,
    clearDrafts: fields.clearDrafts,
    enabled: !editing,
  });
  const queue = useQueueSlots(
    targets.map((t) => ({
      ...t,
      handle: list.find((a) => a.id === t.accountId)?.handle ?? null,
    })),
    mode === "queue" && !editing,
  );
  const captionInput = Object.fromEntries(
    platforms.map((p) => {
      const d = draftOf(p);
      return [p, TITLED.has(p) ? { text: d.text, title: d.title } : { text: d.text }];
    }),
  );
  const zoneOk = isZone(zone);
  const timing = timingOf(mode, when, zone, queue);
  const askTiktok = platforms.includes("tiktok") && !editing;
  const askPinterest = platforms.includes("pinterest") && !editing;
  const boardId = askPinterest ? boardToSend(fields.boardId, options.boards) : undefined;
  const media = order.length > 1 ? { assetIds: order } : { assetId: coverId };
  const body = {
    ...media,
    targets,
    captions: captionInput,
    ...(askTiktok ? { tiktok: tiktokToSend(tiktok, options.tiktok) } : {}),
    ...(boardId ? { pinterest: { boardId } } : {}),
  };
  const configured = accounts.data?.configured === true;
  const check = useScheduleCheck({ ...body, ...timing }, configured);
  const send = useScheduleSend(coverId, props.close);

  const blockedReason = blockedReasonOf({
    ...{ configured, targets: targets.length, mode, zoneOk, when, queue },
    options: askTiktok ? tiktokBlockedReason(tiktok, options.tiktok, options.tiktokLoading) : null,
    checked: check.checked,
    refusals: check.refusals.length,
  });
  const submit = () => {
    if (blockedReason || !send.begin()) return;
    if (editing) {
      send.update.mutate({ postId: editing.id, captions: captionInput, ...timing });
    } else if (mode === "queue") {
      send.queue.mutate({ ...body, idempotencyKey: newIdempotencyKey() });
    } else {
      // One idempotency key per click; a double click is ignored while the first is in flight.
      send.schedule.mutate({ ...body, ...timing, idempotencyKey: newIdempotencyKey() });
    }
  };

  const offset = useMemo(() => offsetName(zone), [zone]);
  return {
    ...{ accounts, editing, list, platforms, draftOf, askTiktok, zoneOk, offset, check },
    ...{ options, askPinterest, sentBoardId: boardId, fieldErrors: send.fieldErrors },
    ...{ captions, queue, limits, coverId },
    ...fields,
    publishNow: mode === "now",
    ...{ blockedReason, submit, pending: send.pending, serverErrors: send.serverErrors },
    actionLabel: editing
      ? "Save changes"
      : { now: "Post now", at: "Schedule", queue: "Add to queue" }[mode],
    title: editing ? "Reschedule post" : "Post",
  };
}

export type ScheduleForm = ReturnType<typeof useScheduleForm>;
