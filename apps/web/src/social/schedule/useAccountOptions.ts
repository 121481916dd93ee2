// Each picked TikTok, Pinterest and X account's options (social.accountOptions), read once per
// account and media type while the dialog is open; see account-options.ts for what they decide.
import { trpc } from "../../trpc";
import type { CaptionLimits } from "../CaptionField";
import type { Platform } from "../platforms";
import { type AccountOptions, boardsOf, tiktokOptionsOf, withXPremium } from "./account-options";

const ASKED = new Set<Platform>(["tiktok", "pinterest", "x"]);

export function useAccountOptions(
  targets: ReadonlyArray<{ accountId: string; platform: Platform }>,
  mediaType: "video" | "photo",
  limits: CaptionLimits | undefined,
  enabled: boolean,
) {
  const asked = targets.filter((t) => ASKED.has(t.platform));
  const queries = trpc.useQueries((t) =>
    asked.map((target) =>
      t.social.accountOptions(
        target.platform === "tiktok"
          ? { accountId: target.accountId, mediaType }
          : { accountId: target.accountId },
        { enabled, staleTime: 60_000, retry: false },
      ),
    ),
  );
  const loaded = queries.flatMap((q) => (q.data ? [q.data as AccountOptions] : []));
  const pendingOn = (p: Platform) =>
    enabled && asked.some((t, i) => t.platform === p && queries[i]?.isPending);
  const errorOn = (p: Platform) =>
    asked.flatMap((t, i) => (t.platform === p && queries[i]?.error ? [queries[i].error] : []))[0] ??
    null;
  return {
    tiktok: tiktokOptionsOf(loaded),
    tiktokLoading: pendingOn("tiktok"),
    tiktokError: errorOn("tiktok"),
    boards: boardsOf(loaded),
    boardsLoading: pendingOn("pinterest"),
    boardsError: errorOn("pinterest"),
    limits: withXPremium(
      limits,
      loaded.filter((o) => o.x),
      targets.filter((t) => t.platform === "x").length,
    ),
  };
}

export type AccountOptionsState = ReturnType<typeof useAccountOptions>;
