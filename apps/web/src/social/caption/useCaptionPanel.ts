// The caption panel's state and server traffic, apart from its views: what to write (platforms and
// options), one generate call per click (one idempotency key, a double click sends once), the tab
// on screen with its draft, saving an edit as a new version, and that platform's kept versions a
// page at a time.
import { useState } from "react";
import { toast } from "sonner";
import { toastApiError } from "../../lib/errors";
import { type MediaAsset, trpc } from "../../trpc";
import { type CaptionDraft, useCaptionLimits } from "../CaptionField";
import { type Caption, PLATFORM_LABEL, PLATFORMS, type Platform } from "../platforms";
import { useCaptionWriter } from "./useCaptionWriter";

export const DEFAULT_PLATFORMS: Platform[] = ["instagram", "tiktok", "youtube", "x"];
/** Versions per page of a platform's history (the server keeps 20 per platform). */
const HISTORY_PAGE = 20;

type Drafts = Partial<Record<Platform, CaptionDraft>>;

export function toDraft(caption: Caption | undefined): CaptionDraft {
  return { text: caption?.text ?? "", title: caption?.title ?? "" };
}

function without(drafts: Drafts, platforms: Iterable<Platform>): Drafts {
  const next = { ...drafts };
  for (const p of platforms) delete next[p];
  return next;
}

/** What the writer is asked for: platforms, tone, language, hashtags, call to action, notes. */
function useCaptionOptions() {
  const [picked, setPicked] = useState<Set<Platform>>(() => new Set(DEFAULT_PLATFORMS));
  const [tone, setTone] = useState("");
  const [language, setLanguage] = useState("");
  const [hashtags, setHashtags] = useState(true);
  const [callToAction, setCallToAction] = useState("");
  const [instructions, setInstructions] = useState("");
  const togglePicked = (platform: Platform, on: boolean) =>
    setPicked((s) => {
      const next = new Set(s);
      if (on) next.add(platform);
      else next.delete(platform);
      return next;
    });
  return {
    ...{ picked, togglePicked, tone, setTone, language, setLanguage, hashtags, setHashtags },
    ...{ callToAction, setCallToAction, instructions, setInstructions },
  };
}

export type CaptionOptions = ReturnType<typeof useCaptionOptions>;

export function useCaptionPanel(asset: MediaAsset) {
  const utils = trpc.useUtils();
  // The latest caption per platform (the history comes per tab below, a page at a time).
  const captions = trpc.social.captions.useQuery({ assetId: asset.id, limit: 1 });
  const latest = new Map<Platform, Caption>(
    (captions.data?.latest ?? []).map((c) => [c.platform, c]),
  );
  const options = useCaptionOptions();
  const [tab, setTab] = useState<Platform>(DEFAULT_PLATFORMS[0] as Platform);
  const [drafts, setDrafts] = useState<Drafts>({});
  const limits = useCaptionLimits();

  // Fresh AI versions replace what was typed for those platforms.
  const { generate, write } = useCaptionWriter(asset.id, (written) =>
    setDrafts((d) => without(d, written)),
  );
  const edit = trpc.social.editCaption.useMutation({
    onSuccess(saved) {
      void utils.social.captions.invalidate({ assetId: asset.id });
      setDrafts((d) => without(d, [saved.platform]));
      toast.success(`${PLATFORM_LABEL[saved.platform]} caption saved as a new version`);
    },
    onError: toastApiError,
  });

  const onGenerate = () => {
    const platforms = PLATFORMS.filter((p) => options.picked.has(p));
    // A double click is one request: the second click finds one in flight.
    if (!write(platforms, options)) return;
    if (!platforms.includes(tab)) setTab(platforms[0] as Platform);
  };

  const saved = latest.get(tab);
  const draft: CaptionDraft = drafts[tab] ?? toDraft(saved);
  const dirty =
    drafts[tab] !== undefined &&
    (draft.text !== (saved?.text ?? "") || draft.title !== (saved?.title ?? ""));
  const history = trpc.social.captions.useInfiniteQuery(
    { assetId: asset.id, platform: tab, limit: HISTORY_PAGE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
  const saveEdit = () =>
    edit.mutate({
      assetId: asset.id,
      platform: tab,
      text: draft.text,
      ...(draft.title || saved?.title ? { title: draft.title } : {}),
    });

  return {
    ...{ captions, latest, options, limits, generate, onGenerate, edit, saveEdit },
    ...{ tab, setTab, drafts, saved, draft, dirty, history },
    hasCaptions: Boolean(captions.data?.latest.length),
    versions: history.data?.pages.flatMap((page) => page.history) ?? [],
    setDraft: (next: CaptionDraft) => setDrafts((d) => ({ ...d, [tab]: next })),
    discard: () => setDrafts((d) => without(d, [tab])),
  };
}

export type CaptionPanelState = ReturnType<typeof useCaptionPanel>;
