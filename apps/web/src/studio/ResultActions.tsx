// The iterate and favourite actions every finished result offers (card, preview, lightbox):
// Star, Use as reference, Reuse prompt. Icons with a name in the grid's narrow cards, words
// elsewhere.
import type { MediaAsset } from "../trpc";
import { canBeReference, composer } from "./actions";
import { Hint } from "./Hint";
import { useStar } from "./useAssetActions";

export function StarButton({ asset, compact }: { asset: MediaAsset; compact?: boolean }) {
  const star = useStar();
  return (
    <Hint text={asset.starred ? "Starred: press to unstar" : "Star this result"}>
      <button
        type="button"
        className={`button button-small star-button${compact ? " button-icon" : ""}`}
        aria-pressed={asset.starred}
        aria-label={compact ? "Star" : undefined}
        onClick={() => star(asset, !asset.starred)}
      >
        <StarIcon filled={asset.starred} />
        {!compact && "Star"}
      </button>
    </Hint>
  );
}

export function IterateActions(props: {
  asset: MediaAsset;
  compact?: boolean;
  /** Runs first (the lightbox closes, so focus can move to the composer). */
  before?: () => void;
}) {
  const { asset, compact, before } = props;
  return (
    <>
      {canBeReference(asset) && (
        <Hint text="Use this image as the next generation's reference photo">
          <button
            type="button"
            className="button button-small"
            aria-label={compact ? "Use as reference" : undefined}
            onClick={() => {
              before?.();
              composer.takeAsReference(asset);
            }}
          >
            {compact ? <ReferenceIcon /> : "Use as reference"}
          </button>
        </Hint>
      )}
      <Hint text="Fill the form with this prompt, model and options">
        <button
          type="button"
          className="button button-small"
          aria-label={compact ? "Reuse prompt" : undefined}
          onClick={() => {
            before?.();
            composer.reuse(asset);
          }}
        >
          {compact ? <ReuseIcon /> : "Reuse prompt"}
        </button>
      </Hint>
    </>
  );
}

export const StarIcon = ({ filled }: { filled: boolean }) => (
  <svg
    className={`icon${filled ? " icon-filled" : ""}`}
    viewBox="0 0 20 20"
    aria-hidden="true"
    focusable="false"
  >
    <path d="m10 2.8 2.2 4.6 5 .6-3.7 3.5 1 5-4.5-2.5-4.5 2.5 1-5L2.8 8l5-.6z" />
  </svg>
);
const ReferenceIcon = () => (
  <svg className="icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
    <path d="M3 5h9v9H3zM3 11l3-3 3 3M14 8h3v9H8v-3" />
  </svg>
);
const ReuseIcon = () => (
  <svg className="icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
    <path d="M4 10a6 6 0 1 0 2-4.5M4 3v3h3" />
  </svg>
);
