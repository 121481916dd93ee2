import { useEffect, useRef, useState } from "react";
import { AppHeader } from "../AppHeader";
import { errorCode, plainMessage } from "../lib/errors";
import { afterRender, revealBelowHeader, session, useDocumentTitle } from "../lib/page";
import { type MediaAsset, trpc } from "../trpc";
import { AssetCard } from "./AssetCard";
import { GenerateForm } from "./GenerateForm";
import { HistoryGrid } from "./HistoryGrid";
import { type FeedState, previewing, useProgressFeed } from "./progress";

const CURRENT_KEY = "streamline.studio.current";

/** /ai-studio: compose on the left, the result on the right, everything made so far below. */
export default function StudioPage() {
  useDocumentTitle("AI Studio");
  const feed = useProgressFeed(true);
  // The last result stays in the preview across a reload (this tab only).
  const [currentId, setCurrentId] = useState<string | null>(
    () => session.get<string>(CURRENT_KEY) ?? null,
  );
  const preview = useRef<HTMLElement>(null);
  const [reveal, setReveal] = useState(0);
  const limits = trpc.media.limits.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  // In the same batch as the limits: the composer's first paint already has its model list.
  const models = trpc.media.models.useQuery(undefined, { staleTime: 5 * 60_000 });

  useEffect(() => {
    session.set(CURRENT_KEY, currentId);
    previewing.id = currentId;
  }, [currentId]);

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

  const open = (asset: MediaAsset) => {
    setCurrentId(asset.id);
    setReveal((n) => n + 1);
  };
  const forget = (id: string) => {
    if (currentId !== id) return;
    setCurrentId(null);
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
          <GenerateForm onCreated={open} />
          <section
            ref={preview}
            className="preview card"
            aria-labelledby="preview-title"
            tabIndex={-1}
          >
            <h2 id="preview-title" className="card-title">
              Preview
            </h2>
            {currentId ? (
              <CurrentAsset id={currentId} onGone={forget} />
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
    </div>
  );
}

function CurrentAsset({ id, onGone }: { id: string; onGone: (id: string) => void }) {
  const asset = trpc.media.byId.useQuery({ id }, { retry: false });
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

const FEED_TEXT: Record<FeedState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  off: "Offline",
};

/** Connection state in words (hidden visually on a phone, never from screen readers) and shape. */
function FeedIndicator({ state }: { state: FeedState }) {
  return (
    <span className={`feed feed-${state}`} role="status" title="Live progress updates">
      <span className="feed-dot" aria-hidden="true" />
      <span className="feed-text">
        <span className="visually-hidden">Progress updates: </span>
        {FEED_TEXT[state]}
      </span>
    </span>
  );
}
