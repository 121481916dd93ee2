import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { AppHeader } from "../AppHeader";
import { useAnalyticsNotice } from "../insights/AnalyticsNotice";
import { useMakeMoreLike } from "../insights/useMakeMoreLike";
import { errorCode, plainMessage } from "../lib/errors";
import { afterRender, revealBelowHeader, session, useDocumentTitle } from "../lib/page";
import { useConnectReturn } from "../social/SocialActions";
import { type MediaAsset, trpc } from "../trpc";
import { AssetCard } from "./AssetCard";
import { useLightbox } from "./actions";
import { GenerateForm } from "./GenerateForm";
import { Hint } from "./Hint";
import { HistoryGrid } from "./HistoryGrid";
import { type NotifyState, toggleNotify, useNotifyState } from "./notify";
import { type FeedState, rereadWhileInFlight, useProgressFeed } from "./progress";
import { studio } from "./store";

const CURRENT_KEY = "streamline.studio.current";
// Full screen view, loaded on first use.
const loadLightbox = () => import("./Lightbox");
const Lightbox = lazy(loadLightbox);

/** /ai-studio: compose on the left, the result on the right, everything made so far below. */
export default function StudioPage() {
  useDocumentTitle("AI Studio");
  // Back from Zernio's "Connect an account" page: say so and reopen the schedule dialog.
  useConnectReturn();
  // From /insights: "Make more like this" (?like=), and "no analytics access" said once.
  useMakeMoreLike();
  useAnalyticsNotice();
  const feed = useProgressFeed(true);
  // The last result (or the variants of the last submission) stays in the preview across a
  // reload (this tab); a new tab opens on the newest finished result.
  const [currentIds, setCurrentIds] = useState<string[]>(() => {
    const kept = session.get<string[] | string>(CURRENT_KEY);
    return Array.isArray(kept) ? kept : kept ? [kept] : [];
  });
  useNewestWhenNoneKept(currentIds, setCurrentIds);
  const lightboxState = useLightbox();
  const preview = useRef<HTMLElement>(null);
  const [reveal, setReveal] = useState(0);
  const limits = trpc.media.limits.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  // In the same batch as the limits: the composer's first paint already has its model list.
  const models = trpc.media.models.useQuery(undefined, { staleTime: 5 * 60_000 });

  useEffect(() => {
    session.set(CURRENT_KEY, currentIds.length ? currentIds : null);
    studio.set({ previewIds: currentIds });
  }, [currentIds]);

  // After Generate or Open: the preview (its media and progress) fully in view below the sticky
  // header, and focus on it, so keyboard and screen-reader users land where the result is.
  useEffect(() => {
    if (!reveal) return;
    const node = preview.current;
    node?.focus({ preventScroll: true });
    revealBelowHeader(node);
  }, [reveal]);

  // The demo banner and the composer's model and options are known before the first paint (one
  // batched request): nothing shifts when they arrive.
  if (limits.isPending || models.isPending) {
    return (
      <div className="splash" role="status">
        <span className="spinner" aria-hidden="true" /> Loading the studio…
      </div>
    );
  }

  const show = (assets: MediaAsset[]) => {
    setCurrentIds(assets.map((a) => a.id));
    setReveal((n) => n + 1);
  };
  // Opened from the history, a variant comes with its siblings (those loaded).
  const open = (asset: MediaAsset) => {
    const siblings = asset.groupId
      ? studio
          .get()
          .history.filter((a) => a.groupId === asset.groupId)
          .sort((a, b) => (a.variant?.index ?? 0) - (b.variant?.index ?? 0))
      : [];
    show(siblings.length > 1 ? siblings : [asset]);
  };
  const forget = (id: string) => {
    if (!currentIds.includes(id)) return;
    const rest = currentIds.filter((x) => x !== id);
    setCurrentIds(rest);
    if (rest.length) return;
    // After the confirm dialog has closed (it hands focus back to the deleted card's button).
    afterRender(() => {
      const focused = document.activeElement;
      if (!focused || focused === document.body || !focused.isConnected)
        preview.current?.focus({ preventScroll: true });
    });
  };

  return (
    <div className="app">
      <AppHeader>
        <FeedIndicator state={feed} />
      </AppHeader>
      {limits.data?.demo ? (
        <p className="demo-banner">
          <strong>Demo mode</strong> — no provider key is configured, so results are generated
          locally and labelled Demo. Add OPENAI_API_KEY or GEMINI_API_KEY for real generations.
        </p>
      ) : null}
      <main className="studio">
        <h1 className="visually-hidden">AI Studio</h1>
        <div className="workspace">
          <GenerateForm onCreated={show} />
          <section
            ref={preview}
            className="preview card"
            aria-labelledby="preview-title"
            tabIndex={-1}
          >
            <div className="preview-head">
              <h2 id="preview-title" className="card-title">
                Preview
              </h2>
              <NotifyToggle />
            </div>
            {currentIds.length > 1 ? (
              <VariantGroup ids={currentIds} onGone={forget} />
            ) : currentIds[0] ? (
              <CurrentAsset id={currentIds[0]} onGone={forget} />
            ) : (
              <div className="preview-empty">
                <p>Your image or video appears here the moment it is ready.</p>
                <p className="muted">Describe the scene, pick a model, and press Generate Media.</p>
              </div>
            )}
          </section>
        </div>
        <HistoryGrid onOpen={open} onDeleted={forget} />
      </main>
      {lightboxState && (
        <Suspense fallback={null}>
          <Lightbox state={lightboxState} />
        </Suspense>
      )}
    </div>
  );
}

/**
 * A new tab or a new visit (nothing kept in this tab) opens on the user's newest finished result,
 * once: a preview emptied later (its result deleted) stays empty.
 */
function useNewestWhenNoneKept(ids: string[], set: (ids: string[]) => void) {
  const [noneKept] = useState(() => ids.length === 0);
  const used = useRef(false);
  const newest = trpc.media.list.useQuery(
    { limit: 1, status: "succeeded" },
    { enabled: noneKept, staleTime: Number.POSITIVE_INFINITY },
  );
  const id = newest.data?.items[0]?.id;
  useEffect(() => {
    if (!noneKept || used.current || !id) return;
    used.current = true;
    if (ids.length === 0) set([id]);
  }, [noneKept, id, ids.length, set]);
  useEffect(() => {
    // Something shown before the answer came (a Generate): the fallback is no longer wanted.
    if (ids.length) used.current = true;
  }, [ids.length]);
}

function CurrentAsset({ id, onGone }: { id: string; onGone: (id: string) => void }) {
  const asset = trpc.media.byId.useQuery(
    { id },
    { retry: false, refetchInterval: rereadWhileInFlight },
  );
  if (asset.data) return <AssetCard asset={asset.data} variant="preview" onDeleted={onGone} />;
  if (asset.isError) {
    return (
      <div className="preview-empty">
        <p className="muted">
          {errorCode(asset.error) === "NOT_FOUND"
            ? "This generation was deleted."
            : plainMessage(asset.error.message)}
        </p>
      </div>
    );
  }
  return (
    <div className="preview-empty">
      <p className="muted">Loading…</p>
    </div>
  );
}

/** The variants of one submission side by side, each with its own progress, result and cost. */
function VariantGroup({ ids, onGone }: { ids: string[]; onGone: (id: string) => void }) {
  const queries = trpc.useQueries((t) =>
    ids.map((id) => t.media.byId({ id }, { retry: false, refetchInterval: rereadWhileInFlight })),
  );
  const assets = queries.flatMap((q) => (q.data ? [q.data] : []));
  const ready = assets.filter((a) => a.status === "succeeded").length;
  return (
    <div className="variant-group">
      <p className="muted variant-summary" role="status">
        {ids.length} variants · {ready} of {ids.length} ready
      </p>
      <ul className="variant-grid" aria-label="Variants of this prompt">
        {assets.map((asset) => (
          <li key={asset.id}>
            <AssetCard asset={asset} variant="grid" group={assets} onDeleted={onGone} />
          </li>
        ))}
      </ul>
    </div>
  );
}

const NOTIFY_TEXT: Record<Exclude<NotifyState, "unsupported">, string> = {
  off: "Get a browser notification when a result finishes while you are in another tab",
  on: "Notifications on: press to turn them off",
  blocked: "Notifications are blocked for this site in the browser's settings",
};

/** "Notify me": the only place the browser is asked for notification permission. */
function NotifyToggle() {
  const state = useNotifyState();
  if (state === "unsupported") return null;
  return (
    <Hint text={NOTIFY_TEXT[state]}>
      <button
        type="button"
        className="button button-small notify-toggle"
        aria-pressed={state === "on"}
        onClick={() => void toggleNotify()}
      >
        <BellIcon />
        Notify me{state === "blocked" ? " (blocked)" : ""}
      </button>
    </Hint>
  );
}

const BellIcon = () => (
  <svg className="icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
    <path d="M5 14V9a5 5 0 0 1 10 0v5l1.5 2h-13zM8.5 18h3" />
  </svg>
);

const FEED_TEXT: Record<FeedState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  off: "Offline",
};

/** Connection state in words (hidden visually on a phone, never from screen readers) and shape. */
function FeedIndicator({ state }: { state: FeedState }) {
  return (
    <Hint text="Live progress updates">
      <span className={`feed feed-${state}`} role="status">
        <span className="feed-dot" aria-hidden="true" />
        <span className="feed-text">
          <span className="visually-hidden">Progress updates: </span>
          {FEED_TEXT[state]}
        </span>
      </span>
    </Hint>
  );
}
