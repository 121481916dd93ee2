// The schedule dialog: accounts, the caption per platform (prefilled from the latest version), when
// ("Post now", or a local date-time in an IANA timezone, the browser's by default), and the server's
// pre-publish checks run live (debounced) as the user edits; Schedule stays off while refused.
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { fieldErrorsOf, messageOf, toastApiError } from "../lib/errors";
import { newIdempotencyKey } from "../lib/idempotency";
import { type MediaAsset, trpc } from "../trpc";
import { type CaptionDraft, CaptionField } from "./CaptionField";
import { PLATFORM_LABEL, PLATFORMS, type Platform, PlatformIcon, TITLED } from "./platforms";
import { keepDialogForConnect, type ScheduleRequest } from "./store";

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function isZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** "YYYY-MM-DDTHH:mm" as a wall clock in `zone`, `days` from now, at `hour`:00. */
function wallClock(zone: string, days: number, hour: number): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(Date.now() + days * 86_400_000));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}T${String(hour).padStart(2, "0")}:00`;
}

function offsetName(zone: string): string {
  try {
    return (
      new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" })
        .formatToParts(new Date())
        .find((p) => p.type === "timeZoneName")?.value ?? ""
    );
  } catch {
    return "";
  }
}

const zones = (() => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
})();

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

const localFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
});

export default function ScheduleDialog(props: {
  asset: MediaAsset;
  request: ScheduleRequest;
  onClose: () => void;
}) {
  const { asset, request } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const utils = trpc.useUtils();
  const accounts = trpc.social.accounts.useQuery(undefined, { staleTime: 60_000 });
  const captions = trpc.social.captions.useQuery({ assetId: asset.id });
  const posts = trpc.social.posts.useQuery({}, { enabled: Boolean(request.postId) });
  const editing = request.postId
    ? posts.data?.find((post) => post.id === request.postId)
    : undefined;

  // Reopened after "Connect an account": as it was, with the account just connected picked.
  const restore = request.restore;
  const [picked, setPicked] = useState<Set<string>>(
    () =>
      new Set([
        ...(restore?.picked ?? []),
        ...(request.connectedAccountId ? [request.connectedAccountId] : []),
      ]),
  );
  const [drafts, setDrafts] = useState<Partial<Record<Platform, CaptionDraft>>>(
    () => (restore?.drafts ?? {}) as Partial<Record<Platform, CaptionDraft>>,
  );
  const [publishNow, setPublishNow] = useState(restore?.publishNow ?? request.postNow);
  const [zone, setZone] = useState(() => restore?.zone ?? browserZone());
  const [when, setWhen] = useState(() => restore?.when ?? wallClock(browserZone(), 1, 9));
  const [serverErrors, setServerErrors] = useState<string[]>([]);
  // TikTok asks the creator, per post, which interactions to allow (none pre-ticked) and for
  // their consent to publish.
  const [tiktok, setTiktok] = useState(
    () =>
      restore?.tiktok ?? {
        allowComment: false,
        allowDuet: false,
        allowStitch: false,
        consent: false,
      },
  );
  const keepForConnect = () =>
    keepDialogForConnect(request, {
      picked: [...picked],
      drafts: drafts as Record<string, CaptionDraft>,
      publishNow,
      zone,
      when,
      tiktok,
    });
  const inFlight = useRef(false);

  // Reschedule: start from the post as it stands.
  const seeded = useRef(false);
  useEffect(() => {
    if (!editing || seeded.current) return;
    seeded.current = true;
    setPicked(new Set(editing.targets.map((t) => t.accountId)));
    if (editing.timezone) setZone(editing.timezone);
    if (editing.scheduledLocal) setWhen(editing.scheduledLocal);
  }, [editing]);

  // Opened as a modal (focus moves in, Escape closes); focus goes back to the opener on close.
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const close = () => {
    ref.current?.close();
  };

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
  const checkInput = {
    assetId: asset.id,
    targets,
    captions: captionInput,
    ...(platforms.includes("tiktok") && !editing ? { tiktok } : {}),
    ...timing,
  };
  const debounced = useDebounced(checkInput, 350);
  const settled = JSON.stringify(debounced) === JSON.stringify(checkInput);
  const canCheck =
    accounts.data?.configured === true &&
    debounced.targets.length > 0 &&
    (debounced.publishNow || (Boolean(debounced.scheduledFor) && isZone(debounced.timezone ?? "")));
  const check = trpc.social.check.useQuery(debounced, {
    enabled: canCheck,
    placeholderData: (previous) => previous,
    retry: false,
  });
  const checkData = canCheck ? check.data : undefined;
  const refusals = checkData?.refusals ?? [];
  const warnings = checkData?.warnings ?? [];
  const problemsOf = (p: Platform) =>
    refusals
      .filter((r) => r.platform === p && r.field.startsWith("captions."))
      .map((r) => r.message);
  const otherRefusals = refusals.filter((r) => !r.field.startsWith("captions."));

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
  const schedule = trpc.social.schedule.useMutation({
    onSuccess: (post) =>
      onDone(
        post.publishNow
          ? "Posting now"
          : `Scheduled for ${post.scheduledFor ? localFormat.format(new Date(post.scheduledFor)) : when}`,
      ),
    onError: onFail,
    onSettled() {
      inFlight.current = false;
    },
  });
  const update = trpc.social.update.useMutation({
    onSuccess: () => onDone("Post updated"),
    onError: onFail,
    onSettled() {
      inFlight.current = false;
    },
  });
  const pending = schedule.isPending || update.isPending;

  const blockedReason =
    accounts.data?.configured !== true
      ? "Posting is not set up"
      : targets.length === 0
        ? "Pick at least one account"
        : !publishNow && !zoneOk
          ? "Choose a valid timezone"
          : !publishNow && !when
            ? "Choose a date and time"
            : !settled || check.isFetching || !checkData
              ? "Checking…"
              : refusals.length > 0
                ? "Fix what is refused above"
                : null;

  const submit = () => {
    if (inFlight.current || blockedReason) return;
    inFlight.current = true;
    setServerErrors([]);
    if (editing) {
      update.mutate({ postId: editing.id, captions: captionInput, ...timing });
      return;
    }
    // One idempotency key per click; a double click is ignored while the first is in flight.
    schedule.mutate({ ...checkInput, idempotencyKey: newIdempotencyKey() });
  };

  const offset = useMemo(() => offsetName(zone), [zone]);
  const actionLabel = editing ? "Save changes" : publishNow ? "Post now" : "Schedule";
  const title = editing ? "Reschedule post" : publishNow ? "Post now" : "Schedule post";

  return (
    <dialog
      ref={ref}
      className="dialog schedule-dialog"
      aria-labelledby={`${id}-title`}
      onClose={props.onClose}
    >
      <div className="schedule-head">
        <h2 id={`${id}-title`} className="dialog-title">
          {title}
        </h2>
        {asset.demo || accounts.data?.demo ? <span className="badge badge-demo">Demo</span> : null}
      </div>
      {accounts.isPending ? (
        <p className="hint" role="status">
          Loading your accounts…
        </p>
      ) : accounts.error ? (
        <p className="notice notice-error" role="alert">
          {messageOf(accounts.error)}
        </p>
      ) : accounts.data.configured === false ? (
        <div className="notice schedule-unconfigured" role="alert">
          <strong>Posting is not set up.</strong> {accounts.data.message}
          <p className="hint">
            Set <code>ZERNIO_API_KEY</code> in the server's environment (see{" "}
            <code>.env.example</code>) and restart it; your captions are kept.
          </p>
        </div>
      ) : (
        <form
          className="schedule-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <fieldset className="schedule-accounts">
            <legend className="label">Accounts</legend>
            {editing ? (
              <ul className="account-list">
                {editing.targets.map((t) => (
                  <li key={t.accountId} className="account-row">
                    <PlatformIcon platform={t.platform} />
                    {PLATFORM_LABEL[t.platform]} {t.handle ? `@${t.handle}` : t.accountId}
                  </li>
                ))}
              </ul>
            ) : list.length === 0 ? (
              <p className="hint">No accounts are connected yet: connect one below.</p>
            ) : (
              <ul className="account-list">
                {list.map((account) => (
                  <li
                    key={account.id}
                    className={`account-row${account.connected ? "" : " is-disconnected"}`}
                  >
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={picked.has(account.id) && account.connected}
                        disabled={!account.connected}
                        aria-describedby={account.connected ? undefined : `${id}-${account.id}`}
                        onChange={(e) =>
                          setPicked((s) => {
                            const next = new Set(s);
                            if (e.target.checked) next.add(account.id);
                            else next.delete(account.id);
                            return next;
                          })
                        }
                      />
                      <PlatformIcon platform={account.platform} />
                      <span className="account-name">
                        {PLATFORM_LABEL[account.platform]}{" "}
                        <span className="muted">@{account.handle ?? account.displayName}</span>
                      </span>
                      {account.demo && <span className="badge badge-demo">Demo</span>}
                    </label>
                    {!account.connected && (
                      <span id={`${id}-${account.id}`} className="account-reason">
                        {account.reason ?? "Disconnected"} — reconnect it in Zernio
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {!editing && <ConnectAccount beforeLeaving={keepForConnect} />}
          </fieldset>

          {platforms.length > 0 && (
            <fieldset className="schedule-captions">
              <legend className="label">Caption per platform</legend>
              {platforms.map((p) => (
                <CaptionField
                  key={p}
                  platform={p}
                  rows={3}
                  draft={draftOf(p)}
                  problems={problemsOf(p)}
                  onChange={(next) => setDrafts((d) => ({ ...d, [p]: next }))}
                />
              ))}
            </fieldset>
          )}

          {platforms.includes("tiktok") && !editing && (
            <fieldset className="schedule-tiktok">
              <legend className="label">TikTok</legend>
              <p className="hint">Who may interact with this post:</p>
              {(
                [
                  ["allowComment", "Allow comments"],
                  ["allowDuet", "Allow Duet"],
                  ["allowStitch", "Allow Stitch"],
                ] as const
              ).map(([key, label]) => (
                <label key={key} className="check">
                  <input
                    type="checkbox"
                    checked={tiktok[key]}
                    onChange={(e) => setTiktok((t) => ({ ...t, [key]: e.target.checked }))}
                  />
                  {label}
                </label>
              ))}
              <label className="check">
                <input
                  type="checkbox"
                  checked={tiktok.consent}
                  onChange={(e) => setTiktok((t) => ({ ...t, consent: e.target.checked }))}
                />
                I agree to publish this to TikTok (TikTok's Music Usage Confirmation applies)
              </label>
            </fieldset>
          )}

          <fieldset className="schedule-when">
            <legend className="label">When</legend>
            <label className="check">
              <input
                type="radio"
                name={`${id}-when`}
                checked={publishNow}
                onChange={() => setPublishNow(true)}
              />
              Post now
            </label>
            <label className="check">
              <input
                type="radio"
                name={`${id}-when`}
                checked={!publishNow}
                onChange={() => setPublishNow(false)}
              />
              Schedule for later
            </label>
            {!publishNow && (
              <div className="schedule-time">
                <label className="field">
                  <span className="label">Date and time</span>
                  <input
                    type="datetime-local"
                    className="input"
                    value={when}
                    onChange={(e) => setWhen(e.target.value.slice(0, 16))}
                  />
                </label>
                <label className="field">
                  <span className="label">Timezone</span>
                  <input
                    className="input"
                    value={zone}
                    list={`${id}-zones`}
                    spellCheck={false}
                    autoComplete="off"
                    aria-invalid={!zoneOk || undefined}
                    aria-describedby={`${id}-zone-note`}
                    onChange={(e) => setZone(e.target.value.trim())}
                  />
                  <datalist id={`${id}-zones`}>
                    {zones.map((z) => (
                      <option key={z} value={z} />
                    ))}
                  </datalist>
                </label>
                <p id={`${id}-zone-note`} className={zoneOk ? "hint" : "field-error"}>
                  {zoneOk
                    ? `Times are in ${zone} (${offset})${zone === browserZone() ? ", your browser's timezone" : ""}.`
                    : "Use an IANA timezone such as Europe/Berlin."}
                  {zoneOk && checkData?.scheduledAt && zone !== browserZone()
                    ? ` That is ${localFormat.format(new Date(checkData.scheduledAt))} for you.`
                    : ""}
                </p>
              </div>
            )}
          </fieldset>

          <div className="schedule-checks" aria-live="polite">
            {otherRefusals.length > 0 && (
              <ul className="check-list check-refusals">
                {otherRefusals.map((r) => (
                  <li key={`${r.platform}-${r.rule}`}>{r.message}</li>
                ))}
              </ul>
            )}
            {refusals.length > 0 && (
              <p className="field-error">
                {refusals.length === 1 ? "1 problem stops" : `${refusals.length} problems stop`}{" "}
                this post.
              </p>
            )}
            {warnings.length > 0 && (
              <ul className="check-list check-warnings">
                {warnings.map((w) => (
                  <li key={`${w.platform}-${w.rule}`}>{w.message}</li>
                ))}
              </ul>
            )}
            {check.error && canCheck && (
              <p className="field-error">Could not check the post: {messageOf(check.error)}</p>
            )}
            {serverErrors.length > 0 && (
              <ul className="check-list check-refusals" role="alert">
                {serverErrors.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            )}
          </div>
        </form>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={close}>
          {accounts.data?.configured === false ? "Close" : "Cancel"}
        </button>
        {accounts.data?.configured && (
          <button
            type="button"
            className="button button-primary"
            disabled={pending || blockedReason !== null}
            title={blockedReason ?? undefined}
            onClick={submit}
          >
            {pending ? "Sending…" : actionLabel}
          </button>
        )}
      </div>
      {blockedReason && accounts.data?.configured && (
        <p className="hint schedule-blocked">{blockedReason}</p>
      )}
    </dialog>
  );
}

/**
 * Connect another account: Zernio's sign-in page for the platform, back to the studio after (the
 * dialog is kept first and reopened there, see store.ts).
 */
function ConnectAccount(props: { beforeLeaving: () => void }) {
  const id = useId();
  const [platform, setPlatform] = useState<Platform>("instagram");
  const connect = trpc.social.connect.useMutation({
    onSuccess: ({ url }) => {
      props.beforeLeaving();
      window.location.assign(url);
    },
    onError: toastApiError,
  });
  return (
    <div className="connect-row">
      <label className="visually-hidden" htmlFor={`${id}-platform`}>
        Platform to connect
      </label>
      <select
        id={`${id}-platform`}
        className="select"
        value={platform}
        onChange={(e) => setPlatform(e.target.value as Platform)}
      >
        {PLATFORMS.map((p) => (
          <option key={p} value={p}>
            {PLATFORM_LABEL[p]}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button button-small"
        disabled={connect.isPending}
        onClick={() => connect.mutate({ platform })}
      >
        {connect.isPending ? "Opening…" : "Connect an account"}
      </button>
    </div>
  );
}
