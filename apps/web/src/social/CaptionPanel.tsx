// Captions for one result: pick platforms and options, generate (one provider call, one idempotency
// key per click), then per-platform tabs with editable text and live counters; saving an edit makes
// a new version (social.editCaption), and the kept versions are listed a page at a time.
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { toastApiError } from "../lib/errors";
import { formatDate } from "../lib/format";
import { newIdempotencyKey } from "../lib/idempotency";
import { type MediaAsset, trpc } from "../trpc";
import { type CaptionDraft, CaptionField, measure, useCaptionLimits } from "./CaptionField";
import { type Caption, PLATFORM_LABEL, PLATFORMS, type Platform, PlatformIcon } from "./platforms";

const DEFAULT_PLATFORMS: Platform[] = ["instagram", "tiktok", "youtube", "x"];
/** Versions per page of a platform's history (the server keeps 20 per platform). */
const HISTORY_PAGE = 20;

export default function CaptionPanel(props: { id: string; asset: MediaAsset }) {
  const { asset } = props;
  const utils = trpc.useUtils();
  // The latest caption per platform (the history comes per tab below, a page at a time).
  const captions = trpc.social.captions.useQuery({ assetId: asset.id, limit: 1 });
  const latest = new Map<Platform, Caption>(
    (captions.data?.latest ?? []).map((c) => [c.platform, c]),
  );
  const [picked, setPicked] = useState<Set<Platform>>(() => new Set(DEFAULT_PLATFORMS));
  const [tone, setTone] = useState("");
  const [language, setLanguage] = useState("");
  const [hashtags, setHashtags] = useState(true);
  const [callToAction, setCallToAction] = useState("");
  const [instructions, setInstructions] = useState("");
  const [tab, setTab] = useState<Platform>(DEFAULT_PLATFORMS[0] as Platform);
  const [drafts, setDrafts] = useState<Partial<Record<Platform, CaptionDraft>>>({});
  const inFlight = useRef(false);
  const id = useId();
  const limits = useCaptionLimits();

  const generate = trpc.social.caption.useMutation({
    onSuccess(result) {
      void utils.social.captions.invalidate({ assetId: asset.id });
      // Captions count against the daily cap: the meter shows their cost.
      void utils.media.usage.invalidate();
      // Fresh AI versions replace what was typed for those platforms.
      setDrafts((d) => {
        const next = { ...d };
        for (const p of picked) delete next[p];
        return next;
      });
      const over = (result.captions ?? []).filter((c) => c.overLimit).length;
      toast.success(over ? `Captions ready — ${over} over its limit, flagged` : "Captions ready");
    },
    onError(error) {
      toastApiError(error);
      void utils.media.usage.invalidate();
    },
    onSettled() {
      inFlight.current = false;
    },
  });
  const edit = trpc.social.editCaption.useMutation({
    onSuccess(saved) {
      void utils.social.captions.invalidate({ assetId: asset.id });
      setDrafts((d) => {
        const next = { ...d };
        delete next[saved.platform];
        return next;
      });
      toast.success(`${PLATFORM_LABEL[saved.platform]} caption saved as a new version`);
    },
    onError: toastApiError,
  });

  const onGenerate = () => {
    // A double click is one request: the second click finds one in flight.
    if (inFlight.current || picked.size === 0) return;
    inFlight.current = true;
    const platforms = PLATFORMS.filter((p) => picked.has(p));
    if (!platforms.includes(tab)) setTab(platforms[0] as Platform);
    generate.mutate({
      assetId: asset.id,
      platforms,
      hashtags,
      tone: tone || undefined,
      language: language || undefined,
      callToAction: callToAction || undefined,
      instructions: instructions || undefined,
      idempotencyKey: newIdempotencyKey(),
    });
  };

  const saved = latest.get(tab);
  const draft: CaptionDraft = drafts[tab] ?? { text: saved?.text ?? "", title: saved?.title ?? "" };
  const dirty =
    drafts[tab] !== undefined &&
    (draft.text !== (saved?.text ?? "") || draft.title !== (saved?.title ?? ""));
  const history = trpc.social.captions.useInfiniteQuery(
    { assetId: asset.id, platform: tab, limit: HISTORY_PAGE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
  const versions = history.data?.pages.flatMap((page) => page.history) ?? [];

  const tabs = useRef<Partial<Record<Platform, HTMLButtonElement | null>>>({});
  const onTabKey = (event: KeyboardEvent) => {
    const i = PLATFORMS.indexOf(tab);
    const to =
      event.key === "ArrowRight"
        ? PLATFORMS[(i + 1) % PLATFORMS.length]
        : event.key === "ArrowLeft"
          ? PLATFORMS[(i - 1 + PLATFORMS.length) % PLATFORMS.length]
          : event.key === "Home"
            ? PLATFORMS[0]
            : event.key === "End"
              ? PLATFORMS[PLATFORMS.length - 1]
              : undefined;
    if (!to) return;
    event.preventDefault();
    setTab(to);
    tabs.current[to]?.focus();
  };

  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <section id={props.id} className="caption-panel" aria-labelledby={`${id}-heading`}>
      <h4 id={`${id}-heading`} className="caption-heading" ref={headingRef} tabIndex={-1}>
        Captions
      </h4>
      <details className="caption-options" open={!captions.data?.latest.length}>
        <summary>
          {captions.data?.latest.length ? "Regenerate with other options" : "What to write"}
        </summary>
        <fieldset className="caption-platforms">
          <legend className="label">Platforms to write for</legend>
          {PLATFORMS.map((p) => (
            <label key={p} className="check">
              <input
                type="checkbox"
                checked={picked.has(p)}
                onChange={(e) =>
                  setPicked((s) => {
                    const next = new Set(s);
                    if (e.target.checked) next.add(p);
                    else next.delete(p);
                    return next;
                  })
                }
              />
              <PlatformIcon platform={p} /> {PLATFORM_LABEL[p]}
            </label>
          ))}
        </fieldset>
        <div className="caption-grid">
          <label className="field">
            <span className="label">Tone</span>
            <input
              className="input"
              value={tone}
              maxLength={60}
              placeholder="e.g. playful, expert"
              onChange={(e) => setTone(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="label">Language</span>
            <input
              className="input"
              value={language}
              maxLength={40}
              placeholder="e.g. English, Deutsch"
              onChange={(e) => setLanguage(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="label">Call to action</span>
            <input
              className="input"
              value={callToAction}
              maxLength={200}
              placeholder="e.g. Shop the link in bio"
              onChange={(e) => setCallToAction(e.target.value)}
            />
          </label>
          <label className="check caption-hashtags">
            <input
              type="checkbox"
              checked={hashtags}
              onChange={(e) => setHashtags(e.target.checked)}
            />
            Hashtags
          </label>
        </div>
        <label className="field">
          <span className="label">Instructions</span>
          <textarea
            className="textarea"
            rows={2}
            value={instructions}
            maxLength={500}
            placeholder="Anything else the writer should know"
            onChange={(e) => setInstructions(e.target.value)}
          />
        </label>
        <button
          type="button"
          className="button button-primary"
          disabled={generate.isPending || picked.size === 0}
          onClick={onGenerate}
        >
          {generate.isPending
            ? "Writing captions…"
            : captions.data?.latest.length
              ? "Regenerate captions"
              : "Generate captions"}
        </button>
        {picked.size === 0 && <p className="hint">Pick at least one platform.</p>}
      </details>

      <p className="visually-hidden" role="status">
        {generate.isPending ? "Writing captions" : ""}
      </p>

      <div className="caption-tabs" role="tablist" aria-label="Caption per platform">
        {PLATFORMS.map((p) => {
          const has = latest.has(p);
          const over = has && measure(p, drafts[p] ?? toDraft(latest.get(p)), limits).over;
          return (
            <button
              key={p}
              ref={(el) => {
                tabs.current[p] = el;
              }}
              type="button"
              role="tab"
              id={`${id}-tab-${p}`}
              aria-selected={tab === p}
              aria-controls={`${id}-panel`}
              tabIndex={tab === p ? 0 : -1}
              className={`caption-tab${has ? " has-caption" : ""}${over ? " is-over" : ""}`}
              onClick={() => setTab(p)}
              onKeyDown={onTabKey}
            >
              <PlatformIcon platform={p} />
              {PLATFORM_LABEL[p]}
              {over && <span className="visually-hidden"> (over the limit)</span>}
            </button>
          );
        })}
      </div>
      <div
        id={`${id}-panel`}
        role="tabpanel"
        aria-labelledby={`${id}-tab-${tab}`}
        className="caption-tabpanel"
      >
        {captions.isPending ? (
          <p className="hint">Loading…</p>
        ) : !saved && drafts[tab] === undefined ? (
          <p className="hint">
            No {PLATFORM_LABEL[tab]} caption yet: tick it above and generate, or{" "}
            <button
              type="button"
              className="link-button"
              onClick={() => setDrafts((d) => ({ ...d, [tab]: { text: "", title: "" } }))}
            >
              write one
            </button>
            .
          </p>
        ) : (
          <>
            <CaptionField
              platform={tab}
              draft={draft}
              onChange={(next) => setDrafts((d) => ({ ...d, [tab]: next }))}
            />
            {saved?.overLimit && !dirty && (
              <p className="notice notice-error">
                Over {PLATFORM_LABEL[tab]}'s limit even after one automatic shortening: edit it
                before posting.
              </p>
            )}
            <div className="caption-edit-actions">
              <button
                type="button"
                className="button button-small"
                disabled={!dirty || edit.isPending}
                onClick={() =>
                  edit.mutate({
                    assetId: asset.id,
                    platform: tab,
                    text: draft.text,
                    ...(draft.title || saved?.title ? { title: draft.title } : {}),
                  })
                }
              >
                {edit.isPending ? "Saving…" : "Save edit"}
              </button>
              {dirty && (
                <button
                  type="button"
                  className="button button-small button-ghost"
                  onClick={() =>
                    setDrafts((d) => {
                      const next = { ...d };
                      delete next[tab];
                      return next;
                    })
                  }
                >
                  Discard
                </button>
              )}
            </div>
          </>
        )}
        {versions.length > 0 && (
          <details className="caption-history">
            <summary>
              {versions.length} {versions.length === 1 ? "version" : "versions"}
            </summary>
            <ol>
              {versions.map((v, i) => (
                <li key={v.id}>
                  <span className="caption-version-meta">
                    {i === 0 ? "Latest · " : ""}
                    {v.source === "edited" ? "Edited" : `AI (${v.model ?? "model"})`}
                    {v.tone ? ` · ${v.tone}` : ""} · {formatDate(v.createdAt)} · {v.length}/
                    {v.limit}
                    {v.overLimit ? " · over the limit" : ""}
                  </span>
                  <span className="caption-version-text">
                    {v.title ? `${v.title} — ` : ""}
                    {v.text}
                  </span>
                  {i > 0 && (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() =>
                        setDrafts((d) => ({ ...d, [tab]: { text: v.text, title: v.title ?? "" } }))
                      }
                    >
                      Use this version
                    </button>
                  )}
                </li>
              ))}
            </ol>
            {history.hasNextPage && (
              <button
                type="button"
                className="link-button"
                disabled={history.isFetchingNextPage}
                onClick={() => void history.fetchNextPage()}
              >
                {history.isFetchingNextPage ? "Loading…" : "Show older versions"}
              </button>
            )}
          </details>
        )}
      </div>
    </section>
  );
}

function toDraft(caption: Caption | undefined): CaptionDraft {
  return { text: caption?.text ?? "", title: caption?.title ?? "" };
}
