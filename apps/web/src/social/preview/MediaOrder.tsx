// The post's media in order (a carousel's first item is its cover), with buttons to move an item
// earlier or later; one item shows as itself.
import type { MediaItem } from "./useMediaItems";
import { thumbOf } from "./useMediaItems";

export function MediaOrder(props: {
  items: MediaItem[];
  onMove?: ((index: number, by: -1 | 1) => void) | undefined;
}) {
  const { items, onMove } = props;
  if (items.length < 2) return null;
  return (
    <fieldset className="media-order">
      <legend className="label">Media order ({items.length} items, the first is the cover)</legend>
      <ol className="media-order-list">
        {items.map((item, i) => {
          const label = `Item ${i + 1}${item.asset?.type === "video" ? " (video)" : ""}`;
          return (
            <li key={item.id} className="media-order-item">
              <span className="media-order-number" aria-hidden="true">
                {i + 1}
              </span>
              {thumbOf(item.asset) ? (
                <img src={thumbOf(item.asset)} alt={label} width={56} height={56} />
              ) : (
                <span className="media-order-blank">{label}</span>
              )}
              {onMove && (
                <span className="media-order-moves">
                  <button
                    type="button"
                    className="button button-small"
                    disabled={i === 0}
                    aria-label={`Move item ${i + 1} earlier`}
                    onClick={() => onMove(i, -1)}
                  >
                    ←
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    disabled={i === items.length - 1}
                    aria-label={`Move item ${i + 1} later`}
                    onClick={() => onMove(i, 1)}
                  >
                    →
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </fieldset>
  );
}
