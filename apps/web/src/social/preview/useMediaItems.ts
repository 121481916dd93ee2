// The post's media in order, for the order strip and the previews: the card's own asset as it is,
// the others read once each (media.byId).
import { type MediaAsset, trpc } from "../../trpc";

export type MediaItem = { id: string; asset: MediaAsset | undefined };

export function useMediaItems(order: string[], known: MediaAsset): MediaItem[] {
  const others = order.filter((id) => id !== known.id);
  const queries = trpc.useQueries((t) =>
    others.map((id) => t.media.byId({ id }, { staleTime: 60_000 })),
  );
  const byId = new Map<string, MediaAsset>([[known.id, known]]);
  others.forEach((id, i) => {
    const data = queries[i]?.data;
    if (data) byId.set(id, data);
  });
  return order.map((id) => ({ id, asset: byId.get(id) }));
}

/** A small picture of the item: the image, or the video's poster. */
export function thumbOf(asset: MediaAsset | undefined): string | undefined {
  if (!asset) return undefined;
  return asset.type === "video"
    ? (asset.thumbnailUrl ?? undefined)
    : (asset.resultUrl ?? undefined);
}
