// Writing captions: one social.caption call per click (one idempotency key; a double click sends
// once), the spend meter refreshed either way (captions count against the daily cap), and the
// server's refusal (e.g. the spend cap) toasted and kept for the caller to show. Shared by the
// caption panel and the Post dialog, so both go through the same pipeline and budget.
import { useRef } from "react";
import { toast } from "sonner";
import { toastApiError } from "../../lib/errors";
import { newIdempotencyKey } from "../../lib/idempotency";
import { trpc } from "../../trpc";
import type { Platform } from "../platforms";

export type CaptionWriteOptions = {
  hashtags: boolean;
  tone?: string | undefined;
  language?: string | undefined;
  callToAction?: string | undefined;
  instructions?: string | undefined;
};

export function useCaptionWriter(assetId: string, onWritten?: (platforms: Platform[]) => void) {
  const utils = trpc.useUtils();
  const inFlight = useRef(false);
  const generate = trpc.social.caption.useMutation({
    onSuccess(result, sent) {
      void utils.social.captions.invalidate({ assetId });
      void utils.media.usage.invalidate();
      onWritten?.(sent.platforms as Platform[]);
      const over = (result.captions ?? []).filter((c) => c.overLimit).length;
      toast.success(over ? `Captions ready — ${over} over its limit, flagged` : "Captions ready");
    },
    onError(error) {
      toastApiError(error);
      void utils.media.usage.invalidate();
    },
    onSettled() {
      inFlight.current = false;
    },
  });
  /** False when nothing was sent (none asked for, or a call already in flight). */
  const write = (platforms: Platform[], options: CaptionWriteOptions): boolean => {
    if (inFlight.current || platforms.length === 0) return false;
    inFlight.current = true;
    generate.mutate({
      assetId,
      platforms,
      hashtags: options.hashtags,
      tone: options.tone || undefined,
      language: options.language || undefined,
      callToAction: options.callToAction || undefined,
      instructions: options.instructions || undefined,
      idempotencyKey: newIdempotencyKey(),
    });
    return true;
  };
  return { generate, write };
}
