import { useQueryClient } from "@tanstack/react-query";
import { getQueryKey } from "@trpc/react-query";
import { type CSSProperties, useId, useState } from "react";
import { toast } from "sonner";
import { plainMessage, toastApiError } from "../lib/errors";
import {
  chargeText,
  deliveredText,
  formatDate,
  formatUsd,
  providerName,
  statusText,
} from "../lib/format";
import { prefersReducedMotion } from "../lib/page";
import { PostAction, PostStatusChips, SocialNext } from "../social/SocialActions";
import { type MediaAsset, trpc } from "../trpc";
import { lightbox } from "./actions";
import { ConfirmDialog } from "./ConfirmDialog";
import { DeleteAssetDialog } from "./DeleteAssetDialog";
import { ProgressBar } from "./ProgressBar";
import { progressStore, useAssetState } from "./progress";
import { IterateActions, StarButton } from "./ResultActions";

type ListPages = { pages: { items: MediaAsset[]; nextCursor: string | null }[] };

/** One generation: its media (or live progress, or what went wrong) and what can be done with it. */
export function AssetCard(props: {
  asset: MediaAsset;
  variant: "preview" | "grid";
  onOpen?: (asset: MediaAsset) => void;
  onDeleted?: (id: string) => void;
  /** The variants this card is shown with (the lightbox walks them instead of the history). */
  group?: MediaAsset[];
}) {
  const { asset, variant } = props;
  const state = useAssetState(asset);
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<"delete" | "retry" | null>(null);
  const titleId = useId();

  const refresh = (updated: MediaAsset) => {
    progressStore.forget(updated.id);
    utils.media.byId.setData({ id: updated.id }, updated);
    void utils.media.list.invalidate();
  };
  const remove = trpc.media.delete.useMutation({
    onSuccess({ id, cancelledPosts }) {
      setConfirming(null);
      // Gone from every loaded page at once; the refetch confirms it.
      queryClient.setQueriesData<ListPages>({ queryKey: getQueryKey(trpc.media.list) }, (data) =>
        data?.pages
          ? {
              ...data,
              pages: data.pages.map((p) => ({ ...p, items: p.items.filter((a) => a.id !== id) })),
            }
          : data,
      );
      void utils.media.list.invalidate();
      queryClient.removeQueries({ queryKey: getQueryKey(trpc.media.byId, { id }) });
      props.onDeleted?.(id);
      // Its scheduled posts were cancelled: the chips and the queue say so.
      void utils.social.posts.invalidate();
      toast.success(
        cancelledPosts
          ? `Deleted; ${cancelledPosts === 1 ? "its scheduled post was" : `${cancelledPosts} scheduled posts were`} cancelled`
          : "Deleted",
      );
    },
    onError: (error) => toastApiError(error),
  });
  const retry = trpc.media.retry.useMutation({
    onSuccess: (updated) => {
      setConfirming(null);
      refresh(updated);
    },
    onError: (error) => toastApiError(error),
  });
  const cancel = trpc.media.cancel.useMutation({
    onSuccess: refresh,
    onError: (error) => toastApiError(error),
  });

  const done = state.status === "succeeded" && asset.resultUrl;
  const kind = asset.type === "video" ? "Video" : "Image";
  const grid = variant === "grid";
  const errorText = asset.error ? plainMessage(asset.error.message) : null;
  const view = () => lightbox.open(asset, props.group);
  const onMediaClick = grid
    ? props.onOpen
      ? () => props.onOpen?.(asset)
      : done
        ? view
        : null
    : null;
  return (
    <article
      className={`asset-card asset-${variant}`}
      aria-labelledby={titleId}
      data-status={state.status}
      data-asset-id={asset.id}
    >
      {/* In the grid the media is a picture of the result and a pointer shortcut to Open (the
          Open button is the keyboard's): no native video controls, no extra tab stops. */}
      {/* biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: a pointer shortcut; the Open button is the keyboard route */}
      <div
        className={`asset-media${onMediaClick ? " is-openable" : ""}`}
        style={{ "--ratio": ratioOf(asset) } as CSSProperties}
        onClick={onMediaClick ?? undefined}
      >
        {done ? (
          asset.type === "video" ? (
            grid ? (
              <>
                {asset.thumbnailUrl ? (
                  <img src={asset.thumbnailUrl} alt={`${kind}: ${asset.prompt}`} loading="lazy" />
                ) : (
                  <span className="visually-hidden">{`${kind}: ${asset.prompt}`}</span>
                )}
                <span className="play-mark" aria-hidden="true" />
              </>
            ) : (
              <video
                key={asset.id}
                src={asset.resultUrl ?? undefined}
                poster={asset.thumbnailUrl ?? undefined}
                controls
                playsInline
                preload="metadata"
                // Opened, it plays (muted, as browsers allow), unless motion is unwelcome.
                autoPlay={!prefersReducedMotion()}
                muted
                aria-label={`${kind}: ${asset.prompt}`}
              />
            )
          ) : (
            <img src={asset.resultUrl ?? undefined} alt={asset.prompt} loading="lazy" />
          )
        ) : state.inFlight ? (
          <div className="asset-pending">
            {asset.referenceImageUrl && (
              <img className="asset-reference" src={asset.referenceImageUrl} alt="" />
            )}
            <ProgressBar {...state} />
          </div>
        ) : (
          <div className="asset-problem">
            <strong>{state.status === "failed" ? "Generation failed" : "Canceled"}</strong>
            {errorText && <p>{errorText}</p>}
          </div>
        )}
        {asset.demo && (
          <span
            className="badge badge-demo"
            title="Made offline by the demo mode, not by the provider"
          >
            Demo
          </span>
        )}
      </div>
      <div className="asset-body">
        <div className="asset-head">
          <h3 id={titleId} className="asset-title">
            {asset.modelLabel}
          </h3>
          <span className={`status status-${state.status}`}>{statusText(state.status)}</span>
        </div>
        {asset.variant && (
          <p className="asset-meta asset-variant">
            <span className="badge">
              Variant {asset.variant.index} of {asset.variant.of}
            </span>
          </p>
        )}
        {/* In the preview, status changes are announced once each (progress ticks are not), a
            failure with its reason; the grid's cards stay quiet. */}
        {variant === "preview" && (
          <p className="visually-hidden" role="status">
            {state.status === "failed"
              ? `Generation failed. ${errorText ?? ""}`
              : `${kind} ${statusText(state.status).toLowerCase()}.`}
          </p>
        )}
        <p className="asset-meta">
          {providerName(asset.provider)} · {kind} ·{" "}
          <time dateTime={asset.createdAt.toISOString()}>{formatDate(asset.createdAt)}</time>
          {` · ${chargeText(asset.charge)}`}
        </p>
        {(deliveredText(asset) || asset.referenceImageUrl) && (
          <p className="asset-meta asset-delivered">
            {deliveredText(asset)}
            {asset.referenceImageUrl && deliveredText(asset) ? " · " : ""}
            {asset.referenceImageUrl && (
              <span className="asset-with-reference">
                <img src={asset.referenceImageUrl} alt="" width={20} height={20} loading="lazy" />
                with reference
              </span>
            )}
          </p>
        )}
        <p className="asset-prompt" title={asset.prompt}>
          {asset.prompt}
        </p>
        <div className="asset-actions">
          {props.onOpen && (
            <button
              type="button"
              className="button button-small"
              onClick={() => props.onOpen?.(asset)}
            >
              Open
            </button>
          )}
          <PostAction asset={asset} variant={variant} />
          {done && (
            <a
              className="button button-small"
              href={asset.resultUrl ?? undefined}
              download={fileName(asset)}
              aria-label={grid ? "Download" : undefined}
              title={grid ? "Download" : undefined}
            >
              {grid ? <DownloadIcon /> : "Download"}
            </a>
          )}
          {(state.status === "failed" || state.status === "canceled") && (
            <button
              type="button"
              className="button button-small"
              disabled={retry.isPending}
              title={
                asset.retryPlan === "resume"
                  ? "Picks up the provider's job where it was left: no new generation, no new charge"
                  : "Starts (and is charged as) a new generation"
              }
              onClick={() =>
                asset.retryPlan === "resume"
                  ? retry.mutate({ id: asset.id })
                  : setConfirming("retry")
              }
            >
              {asset.retryPlan === "resume" ? "Resume" : "Retry"}
            </button>
          )}
          {state.inFlight && (
            <button
              type="button"
              className="button button-small"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate({ id: asset.id })}
            >
              Cancel
            </button>
          )}
          {!grid && (
            <>
              {done && (
                <button type="button" className="button button-small" onClick={view}>
                  Full screen
                </button>
              )}
              <IterateActions asset={asset} />
              <StarButton asset={asset} />
            </>
          )}
          <button
            type="button"
            className="button button-small button-danger-ghost"
            aria-label={grid ? "Delete" : undefined}
            title={grid ? "Delete" : undefined}
            onClick={() => setConfirming("delete")}
          >
            {grid ? <TrashIcon /> : "Delete"}
          </button>
        </div>
        {grid && (
          <div className="asset-actions asset-tools">
            <StarButton asset={asset} compact />
            {done && (
              <button
                type="button"
                className="button button-small"
                aria-label="View full screen"
                title="View full screen"
                onClick={view}
              >
                <ExpandIcon />
              </button>
            )}
            <IterateActions asset={asset} compact />
          </div>
        )}
        {done && variant === "preview" && <SocialNext asset={asset} variant={variant} />}
        <PostStatusChips asset={asset} variant={variant} />
      </div>
      <DeleteAssetDialog
        asset={asset}
        open={confirming === "delete"}
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ id: asset.id })}
        onCancel={() => setConfirming(null)}
      />
      <ConfirmDialog
        open={confirming === "retry"}
        title="Start a new generation?"
        confirmLabel={retry.isPending ? "Starting…" : "Start new generation"}
        busy={retry.isPending}
        onConfirm={() => retry.mutate({ id: asset.id })}
        onCancel={() => setConfirming(null)}
      >
        <p>
          This starts (and is charged as) a new generation
          {asset.estimatedCostUsd !== null
            ? `, estimated at ${formatUsd(asset.estimatedCostUsd)}`
            : ""}
          .
        </p>
      </ConfirmDialog>
    </article>
  );
}

// The grid's narrow cards keep every action on one row: the two common ones as icons.
const DownloadIcon = () => (
  <svg className="icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
    <path d="M10 3v9m0 0-4-4m4 4 4-4M4 16h12" />
  </svg>
);
const TrashIcon = () => (
  <svg className="icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
    <path d="M4 6h12M8 6V4h4v2m-6 0 1 10h6l1-10" />
  </svg>
);

const ExpandIcon = () => (
  <svg className="icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
    <path d="M3 8V3h5M17 8V3h-5M3 12v5h5M17 12v5h-5" />
  </svg>
);

/** Width over height: from the result, else from the size or aspect ratio that was asked for. */
export function ratioOf(asset: MediaAsset): number {
  if (asset.width && asset.height) return asset.width / asset.height;
  const size = /^(\d+)x(\d+)$/.exec(String(asset.options.size ?? ""));
  if (size) return Number(size[1]) / Number(size[2]);
  const ratio = /^(\d+):(\d+)$/.exec(String(asset.options.aspectRatio ?? ""));
  if (ratio) return Number(ratio[1]) / Number(ratio[2]);
  return asset.type === "video" ? 9 / 16 : 1;
}

export function fileName(asset: MediaAsset): string {
  const extension =
    /\.(\w+)(?:\?|$)/.exec(asset.resultUrl ?? "")?.[1] ?? (asset.type === "video" ? "mp4" : "png");
  return `streamline-${asset.type}-${asset.id.slice(0, 8)}.${extension}`;
}
