import { useRef, useState } from "react";
import { UserMenu } from "../auth/UserMenu";
import { errorCode } from "../lib/errors";
import { type MediaAsset, trpc } from "../trpc";
import { AssetCard } from "./AssetCard";
import { GenerateForm } from "./GenerateForm";
import { HistoryGrid } from "./HistoryGrid";
import { type FeedState, useProgressFeed } from "./progress";

/** /ai-studio: compose on the left, the result on the right, everything made so far below. */
export default function StudioPage() {
  const feed = useProgressFeed(true);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const preview = useRef<HTMLElement>(null);
  const demo = trpc.media.limits.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY }).data
    ?.demo;

  const open = (asset: MediaAsset) => {
    setCurrentId(asset.id);
    preview.current?.scrollIntoView({ behavior: "smooth", block: "nearest" });
  };
  const forget = (id: string) => setCurrentId((current) => (current === id ? null : current));

  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="/ai-studio">
          <span className="brand-mark" aria-hidden="true" /> Streamline{" "}
          <span className="brand-sub">AI Studio</span>
        </a>
        <div className="topbar-end">
          <FeedIndicator state={feed} />
          <UserMenu />
        </div>
      </header>
      {demo ? (
        <p className="demo-banner" role="status">
          <strong>Demo mode</strong> — no provider key is configured, so results are generated
          locally and labelled Demo. Add OPENAI_API_KEY or GEMINI_API_KEY for real generations.
        </p>
      ) : null}
      <main className="studio">
        <h1 className="visually-hidden">AI Studio</h1>
        <div className="workspace">
          <GenerateForm onCreated={open} />
          <section ref={preview} className="preview card" aria-labelledby="preview-title">
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
      <p className="muted">
        {errorCode(asset.error) === "NOT_FOUND"
          ? "This generation was deleted."
          : asset.error.message}
      </p>
    );
  }
  return <p className="muted">Loading…</p>;
}

const FEED_TEXT: Record<FeedState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  off: "Offline",
};

function FeedIndicator({ state }: { state: FeedState }) {
  return (
    <span className={`feed feed-${state}`} role="status" title="Live progress updates">
      <span className="feed-dot" aria-hidden="true" />
      <span className="feed-text">{FEED_TEXT[state]}</span>
    </span>
  );
}
