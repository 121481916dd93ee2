// Captions inside the Post dialog: the platforms picked whose caption is still empty, and one click
// that writes them through the caption panel's pipeline (useCaptionWriter: same endpoint, same
// daily budget, same refusal message at the spend cap). Written captions replace the empty drafts.
import { messageOf } from "../../lib/errors";
import type { CaptionDraft } from "../CaptionField";
import { useCaptionWriter } from "../caption/useCaptionWriter";
import type { Platform } from "../platforms";

export function useDialogCaptions(props: {
  assetId: string;
  platforms: Platform[];
  draftOf: (p: Platform) => CaptionDraft;
  clearDrafts: (platforms: Platform[]) => void;
  enabled: boolean;
}) {
  const { generate, write } = useCaptionWriter(props.assetId, props.clearDrafts);
  const missing = props.enabled
    ? props.platforms.filter((p) => props.draftOf(p).text.trim() === "")
    : [];
  return {
    missing,
    writing: generate.isPending,
    /** The server's refusal of the last call (e.g. the daily spend cap), in its words. */
    error: generate.error ? messageOf(generate.error) : null,
    writeMissing: () => write(missing, { hashtags: true }),
  };
}

export type DialogCaptions = ReturnType<typeof useDialogCaptions>;
