// The picture part of a result card, shared by the preview and the grid: the result (a video plays
// in the preview; the grid shows its still and a play mark), live progress while in flight, or
// what went wrong.
import type { CSSProperties } from "react";
import { plainMessage } from "../lib/errors";
import { prefersReducedMotion } from "../lib/page";
import type { MediaAsset } from "../trpc";
import { Hint } from "./Hint";
import { ProgressBar } from "./ProgressBar";
import type { useAssetState } from "./progress";

type AssetState = ReturnType<typeof useAssetState>;

export function AssetMedia(props: {
  asset: MediaAsset;
  state: AssetState;
  /** The grid's narrow card: a still instead of a player. */
  still: boolean;
  /** A pointer shortcut (the card's Open or full-screen button is the keyboard's). */
  onClick?: (() => void) | undefined;
}) {
  const { asset, onClick } = props;
  return (
    // In the grid the media is a picture of the result and a pointer shortcut to Open: no native
    // video controls, no extra tab stops.
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: a pointer shortcut; the Open button is the keyboard route
    <div
      className={`asset-media${onClick ? " is-openable" : ""}`}
      style={{ "--ratio": ratioOf(asset) } as CSSProperties}
      onClick={onClick}
    >
      <MediaBody {...props} />
      {asset.demo && (
        <Hint text="Made offline by the demo mode, not by the provider">
          <span className="badge badge-demo">Demo</span>
        </Hint>
      )}
    </div>
  );
}

function MediaBody({
  asset,
  state,
  still,
}: {
  asset: MediaAsset;
  state: AssetState;
  still: boolean;
}) {
  if (state.status === "succeeded" && asset.resultUrl) {
    if (asset.type !== "video") {
      return <img src={asset.resultUrl} alt={asset.prompt} loading="lazy" />;
    }
    const label = `Video: ${asset.prompt}`;
    if (still) {
      return (
        <>
          {asset.thumbnailUrl ? (
            <img src={asset.thumbnailUrl} alt={label} loading="lazy" />
          ) : (
            <span className="visually-hidden">{label}</span>
          )}
          <span className="play-mark" aria-hidden="true" />
        </>
      );
    }
    return (
      <video
        key={asset.id}
        src={asset.resultUrl}
        poster={asset.thumbnailUrl ?? undefined}
        controls
        playsInline
        preload="metadata"
        // Opened, it plays (muted, as browsers allow), unless motion is unwelcome.
        autoPlay={!prefersReducedMotion()}
        muted
        aria-label={label}
      />
    );
  }
  if (state.inFlight) {
    return (
      <div className="asset-pending">
        {asset.referenceImageUrl && (
          <img className="asset-reference" src={asset.referenceImageUrl} alt="" />
        )}
        <ProgressBar {...state} />
      </div>
    );
  }
  return (
    <div className="asset-problem">
      <strong>{state.status === "failed" ? "Generation failed" : "Canceled"}</strong>
      {asset.error && <p>{plainMessage(asset.error.message)}</p>}
    </div>
  );
}

/** Width over height: from the result, else from the size or aspect ratio that was asked for. */
export function ratioOf(asset: MediaAsset): number {
  if (asset.width && asset.height) return asset.width / asset.height;
  const size = /^(\d+)x(\d+)$/.exec(String(asset.options.size ?? ""));
  if (size) return Number(size[1]) / Number(size[2]);
  const ratio = /^(\d+):(\d+)$/.exec(String(asset.options.aspectRatio ?? ""));
  if (ratio) return Number(ratio[1]) / Number(ratio[2]);
  return asset.type === "video" ? 9 / 16 : 1;
}
