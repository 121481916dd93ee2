// One result full screen (loaded on first use, so the studio's first screen does not carry it):
// ← / → walk the history (or the variants it was opened from), Escape closes and focus returns to
// the control that opened it. The same actions as the card: download, use as reference, reuse
// the prompt, star, post.
import { type KeyboardEvent, useEffect } from "react";
import { AssetFigures } from "../insights/PostFigures";
import { formatDate, providerName } from "../lib/format";
import { PostAction } from "../social/SocialActions";
import { type MediaAsset, trpc } from "../trpc";
import { type LightboxState, lightbox } from "./actions";
import { fileName } from "./files";
import ModalDialog from "./ModalDialog";
import { IterateActions, StarButton } from "./ResultActions";

export default function Lightbox({ state }: { state: LightboxState }) {
  const snapshot = state.assets[state.index] as MediaAsset;
  // The live row (a star from here or elsewhere shows at once), starting from the snapshot.
  const { data } = trpc.media.byId.useQuery({ id: snapshot.id }, { initialData: snapshot });
  const asset = data ?? snapshot;
  const count = state.assets.length;

  // The neighbours load while this one is looked at, so ← / → show them at once.
  useEffect(() => {
    for (const near of [state.assets[state.index - 1], state.assets[state.index + 1]]) {
      if (near?.type === "image" && near.resultUrl) new Image().src = near.resultUrl;
    }
  }, [state]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (target.closest("input, textarea, select, video, [role='slider']")) return;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      lightbox.move(event.key === "ArrowLeft" ? -1 : 1);
    }
  };

  return (
    <ModalDialog
      className="lightbox"
      titleClassName="lightbox-title"
      headClassName="lightbox-head"
      returnFocus={false}
      title={
        <>
          {asset.modelLabel}
          {count > 1 && (
            <span className="muted">
              {" "}
              · {state.index + 1} of {count}
            </span>
          )}
        </>
      }
      headEnd={
        <button
          type="button"
          className="button button-small"
          onClick={() => lightbox.close()}
          aria-keyshortcuts="Escape"
        >
          Close
        </button>
      }
      onClose={() => lightbox.close()}
      onKeyDown={onKeyDown}
    >
      <div className="lightbox-stage">
        <button
          type="button"
          className="button lightbox-nav"
          aria-label="Previous result"
          aria-keyshortcuts="ArrowLeft"
          disabled={state.index === 0}
          onClick={() => lightbox.move(-1)}
        >
          ‹
        </button>
        <div className="lightbox-media">
          {asset.type === "video" ? (
            <video
              key={asset.id}
              src={asset.resultUrl ?? undefined}
              poster={asset.thumbnailUrl ?? undefined}
              controls
              playsInline
              preload="metadata"
              muted
              aria-label={`Video: ${asset.prompt}`}
            />
          ) : (
            <img key={asset.id} src={asset.resultUrl ?? undefined} alt={asset.prompt} />
          )}
        </div>
        <button
          type="button"
          className="button lightbox-nav"
          aria-label="Next result"
          aria-keyshortcuts="ArrowRight"
          disabled={state.index >= count - 1}
          onClick={() => lightbox.move(1)}
        >
          ›
        </button>
      </div>
      <div className="lightbox-foot">
        <p className="lightbox-prompt">{asset.prompt}</p>
        <p className="asset-meta">
          {providerName(asset.provider)} ·{" "}
          <time dateTime={asset.createdAt}>{formatDate(asset.createdAt)}</time>
          {asset.width && asset.height ? ` · ${asset.width}×${asset.height}` : ""}
          {asset.variant ? ` · Variant ${asset.variant.index} of ${asset.variant.of}` : ""}
        </p>
        <AssetFigures asset={asset} />
        <div className="asset-actions">
          <a
            className="button button-small"
            href={asset.resultUrl ?? undefined}
            download={fileName(asset)}
          >
            Download
          </a>
          <IterateActions asset={asset} before={() => lightbox.close()} />
          <StarButton asset={asset} />
          <PostAction asset={asset} variant="lightbox" />
        </div>
      </div>
    </ModalDialog>
  );
}
