// The schedule dialog's state and server traffic, apart from its views: what the user picked and
// typed (restored after "Connect an account", seeded from the post when rescheduling), the
// server's pre-publish check run live (debounced) as they edit, and the schedule / update
// mutations with one idempotency key per click.
import type { RouterInputs } from "@streamline/api";
import { useEffect, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { fieldErrorsOf, messageOf, toastApiError } from "../../lib/errors";
import { newIdempotencyKey } from "../../lib/idempotency";
import { type MediaAsset, trpc } from "../../trpc";
import type { CaptionDraft } from "../CaptionField";
import { PLATFORMS, type Platform, type ScheduledPost, TITLED } from "../platforms";
import { keepDialogForConnect, type ScheduleDraft, type ScheduleRequest } from "../store";
import { browserZone, isZone, localFormat, offsetName, wallClock } from "./time";

export type TikTokChoice = ScheduleDraft["tiktok"];
type Drafts = Partial<Record<Platform, CaptionDraft>>;

const NO_TIKTOK: TikTokChoice = {
  allowComment: false,
  allowDuet: false,
  allowStitch: false,
  consent: false,
};

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

/** What the user picked and typed; reopened after "Connect an account" as it was. */
function useScheduleFields(request: ScheduleRequest, editing: ScheduledPost | undefined) {
  const restore = request.restore;
  const [picked, setPicked] = useState<Set<string>>(
    () =>
      new Set([
        ...(restore?.picked ?? []),
        ...(request.connectedAccountId ? [request.connectedAccountId] : []),
      ]),
  );
  const [drafts, setDrafts] = useState<Drafts>(() => (restore?.drafts ?? {}) as Drafts);
  const [publishNow, setPublishNow] = useState(restore?.publishNow ?? request.postNow);
  const [zone, setZone] = useState(() => restore?.zone ?? browserZone());
  const [when, setWhen] = useState(() => restore?.when ?? wallClock(browserZone(), 1, 9));
  // TikTok asks the creator, per post, which interactions to allow (none pre-ticked) and for
  // their consent to publish.
  const [tiktok, setTiktok] = useState<TikTokChoice>(() => restore?.tiktok ?? NO_TIKTOK);

  // Reschedule: start from the post as it stands.
  const seeded = useRef(false);
  useEffect(() => {
    if (!editing || seeded.current) return;
    seeded.current = true;
    setPicked(new Set(editing.targets.map((t) => t.accountId)));
    if (editing.timezone) setZone(editing.timezone);
    if (editing.scheduledLocal) setWhen(editing.scheduledLocal);
  }, [editing]);

  const togglePicked = (accountId: string, on: boolean) =>
    setPicked((s) => {
      const next = new Set(s);
      if (on) next.add(accountId);
      else next.delete(accountId);
      return next;
    });
  const setDraft = (platform: Platform, draft: CaptionDraft) =>
    setDrafts((d) => ({ ...d, [platform]: draft }));
  const keepForConnect = () =>
    keepDialogForConnect(request, {
      picked: [...picked],
      drafts: drafts as Record<string, CaptionDraft>,
      publishNow,
      zone,
      when,
      tiktok,
    });
  return {
    ...{ picked, togglePicked, drafts, setDraft, publishNow, setPublishNow },
    ...{ zone, setZone, when, setWhen, tiktok, setTiktok, keepForConnect },
  };
}

/** Why Schedule is off, or null when it can be sent. */
function blockedReasonOf(state: {
  configured: boolean;
  targets: number;
  publishNow: boolean;
  zoneOk: boolean;
  when: string;
  checked: boolean;
  refusals: number;
}): string | null {
  if (!state.configured) return "Posting is not set up";
  if (state.targets === 0) return "Pick at least one account";
  if (!state.publishNow && !state.zoneOk) return "Choose a valid timezone";
  if (!state.publishNow && !state.when) return "Choose a date and time";
  if (!state.checked) return "Checking…";
  if (state.refusals > 0) return "Fix what is refused above";
  return null;
}

/** The server's pre-publish check of what the dialog would send, 350 ms after the last edit. */
function useScheduleCheck(input: RouterInputs["social"]["check"], configured: boolean) {
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
  const refusals = data?.refusals ?? [];
  return {
    data,
    refusals,
    warnings: data?.warnings ?? [],
    /** The check answered for exactly what is on screen. */
    checked: settled && !check.isFetching && Boolean(data),
    error: canCheck ? check.error : null,
    problemsOf: (p: Platform) =>
      refusals
        .filter((r) => r.platform === p && r.field.startsWith("captions."))
        .map((r) => r.message),
    otherRefusals: refusals.filter((r) => !r.field.startsWith("captions.")),
  };
}

/** Schedule (a new post) or update (a rescheduled one); a double click sends once. */
function useScheduleSend(asset: MediaAsset, close: () => void) {
  const utils = trpc.useUtils();
  const inFlight = useRef(false);
  const [serverErrors, setServerErrors] = useState<string[]>([]);
  const onDone = (message: string) => {
    toast.success(message);
    void utils.social.posts.invalidate();
    void utils.social.captions.invalidate({ assetId: asset.id });
    close();
  };
  const onFail = (error: unknown) => {
    const fields = Object.values(fieldErrorsOf(error)).flat() as string[];
    setServerErrors(fields.length ? fields : [messageOf(error)]);
    toastApiError(error);
  };
  const onSettled = () => {
    inFlight.current = false;
  };
  const schedule = trpc.social.schedule.useMutation({
    onSuccess: (post, sent) =>
      onDone(
        post.publishNow
          ? "Posting now"
          : `Scheduled for ${post.scheduledFor ? localFormat.format(new Date(post.scheduledFor)) : sent.scheduledFor}`,
      ),
    onError: onFail,
    onSettled,
  });
  const update = trpc.social.update.useMutation({
    onSuccess: () => onDone("Post updated"),
    onError: onFail,
    onSettled,
  });
  /** False when one is already in flight. */
  const begin = () => {
    if (inFlight.current) return false;
    inFlight.current = true;
    setServerErrors([]);
    return true;
  };
  return { schedule, update, begin, serverErrors, pending: schedule.isPending || update.isPending };
}

export function useScheduleForm(props: {
  asset: MediaAsset;
  request: ScheduleRequest;
  close: () => void;
}) {
  const { asset, request } = props;
  const accounts = trpc.social.accounts.useQuery(undefined, { staleTime: 60_000 });
  const captions = trpc.social.captions.useQuery({ assetId: asset.id });
  const posts = trpc.social.posts.useQuery({}, { enabled: Boolean(request.postId) });
  const editing = request.postId
    ? posts.data?.find((post) => post.id === request.postId)
    : undefined;
  const fields = useScheduleFields(request, editing);
  const { drafts, publishNow, zone, when, tiktok, picked } = fields;

  const list = accounts.data?.accounts ?? [];
  const targets = editing
    ? editing.targets.map((t) => ({ accountId: t.accountId, platform: t.platform }))
    : list
        .filter((a) => picked.has(a.id) && a.connected)
        .map((a) => ({ accountId: a.id, platform: a.platform }));
  const platforms = PLATFORMS.filter((p) => targets.some((t) => t.platform === p));
  const latest = new Map((captions.data?.latest ?? []).map((c) => [c.platform, c]));
  const draftOf = (p: Platform): CaptionDraft => {
    const typed = drafts[p];
    if (typed) return typed;
    const fromPost = editing?.captions[p];
    if (fromPost) return { text: fromPost.text, title: fromPost.title ?? "" };
    const saved = latest.get(p);
    return { text: saved?.text ?? "", title: saved?.title ?? "" };
  };
  const captionInput = Object.fromEntries(
    platforms.map((p) => {
      const d = draftOf(p);
      return [p, TITLED.has(p) ? { text: d.text, title: d.title } : { text: d.text }];
    }),
  );
  const zoneOk = isZone(zone);
  const timing = publishNow
    ? { publishNow: true as const }
    : { publishNow: false as const, scheduledFor: when, timezone: zone };
  const askTiktok = platforms.includes("tiktok") && !editing;
  const several = request.assetIds && request.assetIds.length > 1;
  const checkInput = {
    ...(several ? { assetIds: request.assetIds } : { assetId: asset.id }),
    targets,
    captions: captionInput,
    ...(askTiktok ? { tiktok } : {}),
    ...timing,
  };
  const configured = accounts.data?.configured === true;
  const check = useScheduleCheck(checkInput, configured);
  const send = useScheduleSend(asset, props.close);

  const blockedReason = blockedReasonOf({
    configured,
    targets: targets.length,
    publishNow,
    zoneOk,
    when,
    checked: check.checked,
    refusals: check.refusals.length,
  });
  const submit = () => {
    if (blockedReason || !send.begin()) return;
    if (editing) {
      send.update.mutate({ postId: editing.id, captions: captionInput, ...timing });
      return;
    }
    // One idempotency key per click; a double click is ignored while the first is in flight.
    send.schedule.mutate({ ...checkInput, idempotencyKey: newIdempotencyKey() });
  };

  const offset = useMemo(() => offsetName(zone), [zone]);
  return {
    ...{ accounts, editing, list, platforms, draftOf, askTiktok, zoneOk, offset, check },
    ...fields,
    ...{ blockedReason, submit, pending: send.pending, serverErrors: send.serverErrors },
    actionLabel: editing ? "Save changes" : publishNow ? "Post now" : "Schedule",
    title: editing ? "Reschedule post" : publishNow ? "Post now" : "Schedule post",
  };
}

export type ScheduleForm = ReturnType<typeof useScheduleForm>;
