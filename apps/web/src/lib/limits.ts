import { useSyncExternalStore } from "react";
import { trpc } from "../trpc";

// The input limits the server enforces, read from `media.limits` so the browser says no before
// uploading. Until that answer arrives (or if it fails) the server's defaults apply; the server
// stays the authority either way (its field errors are shown under the same fields).
export type StudioLimits = {
  promptMaxLength: number;
  referenceMaxBytes: number;
  referenceTypes: readonly string[];
};

const DEFAULT_LIMITS: StudioLimits = {
  promptMaxLength: 4_000,
  referenceMaxBytes: 10 * 1024 * 1024,
  referenceTypes: ["image/png", "image/jpeg", "image/webp"],
};

export function useLimits(): StudioLimits {
  const { data } = trpc.media.limits.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  if (!data) return DEFAULT_LIMITS;
  return {
    promptMaxLength: data.promptMaxLength,
    referenceMaxBytes: data.referenceImage.maxBytes,
    referenceTypes: data.referenceImage.types,
  };
}

// The per-user concurrency limit (MEDIA_MAX_CONCURRENT_PER_USER). TODO(api): `media.limits` does
// not expose it yet; read it from there when it does (`maxConcurrentPerUser`), and until then
// learn it from the server's own refusal ("… (limit 3)"), which also covers an older server.
const LEARNED_KEY = "streamline.studio.maxConcurrent";
let learned: number | undefined = (() => {
  try {
    return Number(sessionStorage.getItem(LEARNED_KEY)) || undefined;
  } catch {
    return undefined;
  }
})();
const learnedListeners = new Set<() => void>();

/** Remembers the limit a TOO_MANY_REQUESTS refusal names, so the button can say it up front. */
export function learnConcurrencyLimit(error: unknown) {
  const message = error instanceof Error ? error.message : "";
  const match = /\(limit (\d+)\)|limit of (\d+)/.exec(message);
  const limit = Number(match?.[1] ?? match?.[2]);
  if (!limit || limit === learned) return;
  learned = limit;
  try {
    sessionStorage.setItem(LEARNED_KEY, String(limit));
  } catch {
    // Kept for this page only.
  }
  for (const listener of learnedListeners) listener();
}

/** How many of the user's generations are in flight, against the limit when it is known. */
export function useConcurrency(): { active: number; max: number | undefined; full: boolean } {
  const limits = trpc.media.limits.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const fromApi = (limits.data as { maxConcurrentPerUser?: unknown } | undefined)
    ?.maxConcurrentPerUser;
  const max = useSyncExternalStore(
    (listener) => {
      learnedListeners.add(listener);
      return () => learnedListeners.delete(listener);
    },
    () => (typeof fromApi === "number" ? fromApi : learned),
  );
  // The same list the history refreshes on every state change (progress.ts invalidates media.list).
  const active = trpc.media.list.useQuery(
    { limit: 50, status: "active" },
    { staleTime: 0, refetchInterval: (query) => (query.state.data?.items.length ? 15_000 : false) },
  );
  const count = active.data?.items.length ?? 0;
  return { active: count, max, full: max !== undefined && count >= max };
}
