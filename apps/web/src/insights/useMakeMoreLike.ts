// "Make more like this", the studio's side: /ai-studio?like=<assetId>[&variants=N] (from the
// insights page) fills the composer with that asset's model, options and prompt, its reference —
// the earlier result it started from, or the uploaded photo fetched again and attached as a file —
// and the number of variants asked for. The query is dropped once applied (a reload does not
// fill it again).
import { useEffect, useRef } from "react";
import { toast } from "sonner";
import { useLocation } from "wouter";
import { toastApiError } from "../lib/errors";
import { composer } from "../studio/actions";
import { useStudio } from "../studio/store";
import { type MediaAsset, trpc } from "../trpc";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request in the address, or null. */
export function likeRequestOf(search: string): { assetId: string; variants?: number } | null {
  const query = new URLSearchParams(search);
  const assetId = query.get("like") ?? "";
  if (!UUID.test(assetId)) return null;
  const variants = Number(query.get("variants"));
  return Number.isInteger(variants) && variants >= 1 && variants <= 4
    ? { assetId, variants }
    : { assetId };
}

/** The studio address that asks for more like `assetId`. */
export const likeHref = (assetId: string, variants = 1) =>
  `/ai-studio?like=${assetId}${variants > 1 ? `&variants=${variants}` : ""}`;

async function photoOf(url: string): Promise<File | null> {
  const response = await fetch(url);
  if (!response.ok) return null;
  const blob = await response.blob();
  const extension = blob.type.split("/")[1]?.replace("jpeg", "jpg") ?? "png";
  return new File([blob], `reference.${extension}`, { type: blob.type });
}

export function useMakeMoreLike() {
  const ready = useStudio((s) => s.composer !== null);
  const utils = trpc.useUtils();
  const [, navigate] = useLocation();
  const applied = useRef(false);
  useEffect(() => {
    const request = likeRequestOf(location.search);
    if (!request || !ready || applied.current) return;
    applied.current = true;
    void (async () => {
      try {
        const asset = await utils.media.byId.fetch({ id: request.assetId });
        let reference: MediaAsset | null = null;
        let photo: File | null = null;
        if (asset.referenceAssetId) {
          reference = await utils.media.byId
            .fetch({ id: asset.referenceAssetId })
            .catch(() => null);
        } else if (asset.referenceImageUrl) {
          photo = await photoOf(asset.referenceImageUrl).catch(() => null);
        }
        composer.reuse(asset, {
          reference,
          photo,
          ...(request.variants ? { variants: request.variants } : {}),
        });
        toast.success("Filled in from your post", {
          id: "make-more-like",
          description: `${asset.modelLabel}, its options and prompt${reference || photo ? " and reference photo" : ""}${request.variants && request.variants > 1 ? `, ${request.variants} variants` : ""}: press Generate when ready.`,
        });
      } catch (error) {
        toastApiError(error);
      }
      navigate("/ai-studio", { replace: true });
    })();
  }, [ready, utils, navigate]);
}
