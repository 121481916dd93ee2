// One generation as a card: its media (AssetMedia), what it is, and what can be done with it
// (useAssetActions). The preview shows it large with its actions in words; the grid's narrow card
// shows a still and the common actions as icons.
import { useId, useState } from "react";
import { AssetFigures } from "../insights/PostFigures";
import { plainMessage } from "../lib/errors";
import {
  chargeText,
  deliveredText,
  formatDate,
  formatUsd,
  providerCancelText,
  providerName,
  statusText,
} from "../lib/format";
import { PostAction, PostStatusChips, SocialNext } from "../social/SocialActions";
import type { MediaAsset } from "../trpc";
import { AssetMedia } from "./AssetMedia";
import { lightbox } from "./actions";
import { ConfirmDialog } from "./ConfirmDialog";
import { DeleteAssetDialog } from "./DeleteAssetDialog";
import { Hint } from "./Hint";
import { useAssetState } from "./progress";
import { IterateActions, StarButton } from "./ResultActions";
import { useAssetActions } from "./useAssetActions";

export { ratioOf } from "./AssetMedia";

import { fileName } from "./files";

type AssetState = ReturnType<typeof useAssetState>;
type CardProps = {
  asset: MediaAsset;
  variant: "preview" | "grid";
  onOpen?: (asset: MediaAsset) => void;
  onDeleted?: (id: string) => void;
  /** The variants this card is shown with (the lightbox walks them instead of the history). */
  group?: MediaAsset[];
  /** The history's checkbox: picked for a carousel, a .zip or a delete of several. */
  selected?: boolean;
  onSelect?: (id: string, shiftKey: boolean) => void;
};

/** One generation: its media (or live progress, or what went wrong) and what can be done with it. */
export function AssetCard(props: CardProps) {
  const { asset, variant } = props;
  const state = useAssetState(asset);
  const [confirming, setConfirming] = useState<"delete" | "retry" | null>(null);
  const actions = useAssetActions({
    onDone: () => setConfirming(null),
    ...(props.onDeleted ? { onDeleted: props.onDeleted } : {}),
  });
  const titleId = useId();
  const done = Boolean(state.status === "succeeded" && asset.resultUrl);
  const grid = variant === "grid";
  const view = () => lightbox.open(asset, props.group);
  const open = props.onOpen;
  const onMediaClick = !grid ? undefined : open ? () => open(asset) : done ? view : undefined;
  return (
    <article
      className={`asset-card asset-${variant}${props.selected ? " is-selected" : ""}`}
      aria-labelledby={titleId}
      data-status={state.status}
      data-asset-id={asset.id}
    >
      {props.onSelect && (
        <SelectBox asset={asset} checked={Boolean(props.selected)} onSelect={props.onSelect} />
      )}
      <AssetMedia asset={asset} state={state} still={grid} onClick={onMediaClick} />
      <div className="asset-body">
        <AssetInfo asset={asset} state={state} titleId={titleId} announce={!grid} />
        <CardActions
          asset={asset}
          variant={variant}
          state={state}
          actions={actions}
          onOpen={open}
          onView={view}
          onConfirm={setConfirming}
        />
        {done && !grid && <SocialNext asset={asset} variant={variant} />}
        <PostStatusChips asset={asset} variant={variant} />
        {done && <AssetFigures asset={asset} />}
      </div>
      <DeleteAssetDialog
        asset={asset}
        open={confirming === "delete"}
        busy={actions.removing}
        onConfirm={() => actions.remove(asset)}
        onCancel={() => setConfirming(null)}
      />
      <ConfirmDialog
        open={confirming === "retry"}
        title="Start a new generation?"
        confirmLabel={actions.retrying ? "Starting…" : "Start new generation"}
        busy={actions.retrying}
        onConfirm={() => actions.retry(asset)}
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

/** The history card's checkbox; Shift + click (or Shift + Space) selects a range. */
function SelectBox(props: {
  asset: MediaAsset;
  checked: boolean;
  onSelect: (id: string, shiftKey: boolean) => void;
}) {
  const { asset } = props;
  const short = asset.prompt.length > 60 ? `${asset.prompt.slice(0, 57)}…` : asset.prompt;
  return (
    <label className="asset-select">
      <input
        type="checkbox"
        checked={props.checked}
        aria-label={`Select ${asset.type}: ${short}`}
        onChange={(event) =>
          props.onSelect(asset.id, (event.nativeEvent as MouseEvent).shiftKey === true)
        }
      />
    </label>
  );
}

/** What can be done with it: the preview's actions in words, the grid's common ones as icons. */
function CardActions(props: {
  asset: MediaAsset;
  variant: "preview" | "grid";
  state: AssetState;
  actions: ReturnType<typeof useAssetActions>;
  onOpen: ((asset: MediaAsset) => void) | undefined;
  onView: () => void;
  onConfirm: (what: "delete" | "retry") => void;
}) {
  const { asset, variant, state, actions, onOpen: open, onView: view } = props;
  const grid = variant === "grid";
  const done = Boolean(state.status === "succeeded" && asset.resultUrl);
  const setConfirming = props.onConfirm;
  return (
    <>
      <div className="asset-actions">
        {open && (
          <button type="button" className="button button-small" onClick={() => open(asset)}>
            Open
          </button>
        )}
        <PostAction asset={asset} variant={variant} />
        {done && <DownloadLink asset={asset} compact={grid} />}
        {(state.status === "failed" || state.status === "canceled") && (
          <Hint
            text={
              asset.retryPlan === "resume"
                ? "Picks up the provider's job where it was left: no new generation, no new charge"
                : "Starts (and is charged as) a new generation"
            }
          >
            <button
              type="button"
              className="button button-small"
              disabled={actions.retrying}
              onClick={() =>
                asset.retryPlan === "resume" ? actions.retry(asset) : setConfirming("retry")
              }
            >
              {asset.retryPlan === "resume" ? "Resume" : "Retry"}
            </button>
          </Hint>
        )}
        {state.inFlight && (
          <button
            type="button"
            className="button button-small"
            disabled={actions.canceling}
            onClick={() => actions.cancel(asset)}
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
        <Hint text={grid ? "Delete" : undefined}>
          <button
            type="button"
            className="button button-small button-danger-ghost"
            aria-label={grid ? "Delete" : undefined}
            onClick={() => setConfirming("delete")}
          >
            {grid ? <TrashIcon /> : "Delete"}
          </button>
        </Hint>
      </div>
      {grid && (
        <div className="asset-actions asset-tools">
          <StarButton asset={asset} compact />
          {done && (
            <Hint text="View full screen">
              <button
                type="button"
                className="button button-small"
                aria-label="View full screen"
                onClick={view}
              >
                <ExpandIcon />
              </button>
            </Hint>
          )}
          <IterateActions asset={asset} compact />
        </div>
      )}
    </>
  );
}

/** Model, status, variant, provider, date, charge, delivery and prompt. */
function AssetInfo(props: {
  asset: MediaAsset;
  state: AssetState;
  titleId: string;
  /** The preview announces status changes once each (progress ticks are not); the grid stays quiet. */
  announce: boolean;
}) {
  const { asset, state } = props;
  const kind = asset.type === "video" ? "Video" : "Image";
  const errorText = asset.error ? plainMessage(asset.error.message) : null;
  const delivered = deliveredText(asset);
  return (
    <>
      <div className="asset-head">
        <h3 id={props.titleId} className="asset-title">
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
      {props.announce && (
        <p className="visually-hidden" role="status">
          {state.status === "failed"
            ? `Generation failed. ${errorText ?? ""}`
            : `${kind} ${statusText(state.status).toLowerCase()}.`}
        </p>
      )}
      <p className="asset-meta">
        {providerName(asset.provider)} · {kind} ·{" "}
        <time dateTime={asset.createdAt}>{formatDate(asset.createdAt)}</time>
        {` · ${chargeText(asset.charge)}`}
      </p>
      {asset.providerCancel && (
        <p className="asset-meta asset-provider-cancel">
          {providerCancelText(asset.providerCancel, providerName(asset.provider))}
        </p>
      )}
      {(delivered || asset.referenceImageUrl) && (
        <p className="asset-meta asset-delivered">
          {delivered}
          {asset.referenceImageUrl && delivered ? " · " : ""}
          {asset.referenceImageUrl && (
            <span className="asset-with-reference">
              <img src={asset.referenceImageUrl} alt="" width={20} height={20} loading="lazy" />
              with reference
            </span>
          )}
        </p>
      )}
      <Hint text={asset.prompt}>
        <p className="asset-prompt">{asset.prompt}</p>
      </Hint>
    </>
  );
}

function DownloadLink({ asset, compact }: { asset: MediaAsset; compact: boolean }) {
  return (
    <Hint text={compact ? "Download" : undefined}>
      <a
        className="button button-small"
        href={asset.resultUrl ?? undefined}
        download={fileName(asset)}
        aria-label={compact ? "Download" : undefined}
      >
        {compact ? <DownloadIcon /> : "Download"}
      </a>
    </Hint>
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
