import type { MediaAsset } from "../trpc";

/** The name a downloaded result gets (alone, or inside a selection's archive). */
export function fileName(asset: Pick<MediaAsset, "id" | "type" | "resultUrl">): string {
  const extension =
    /\.(\w+)(?:\?|$)/.exec(asset.resultUrl ?? "")?.[1] ?? (asset.type === "video" ? "mp4" : "png");
  return `streamline-${asset.type}-${asset.id.slice(0, 8)}.${extension}`;
}
