import { LEARNED_LIMIT_KEY, studio, useStudio } from "../studio/store";
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

/** Offline demo mode: everything is free ("$0 · demo") and nothing counts against the cap. */
export function useDemo(): boolean {
  const { data } = trpc.media.limits.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  return data?.demo === true;
}

// The per-user concurrency limit (MEDIA_MAX_CONCURRENT_PER_USER) and today's spend, from
// `media.usage`; refreshed whenever a generation changes state (progress.ts invalidates it). The
// limit a TOO_MANY_REQUESTS refusal names ("… (limit 3)") is remembered too, for an older server.
/** Remembers the limit a TOO_MANY_REQUESTS refusal names, so the button can say it up front. */
export function learnConcurrencyLimit(error: unknown) {
  const message = error instanceof Error ? error.message : "";
  const match = /\(limit (\d+)\)|limit of (\d+)/.exec(message);
  const limit = Number(match?.[1] ?? match?.[2]);
  if (!limit || limit === studio.get().learnedLimit) return;
  try {
    sessionStorage.setItem(LEARNED_LIMIT_KEY, String(limit));
  } catch {
    // Kept for this page only.
  }
  studio.set({ learnedLimit: limit });
}

/**
 * Today's usage: running generations and captions against the concurrency limit, spend (captions
 * included, `captionsUsd` their share) against the daily cap.
 */
export function useUsage() {
  return trpc.media.usage.useQuery(undefined, {
    staleTime: 0,
    // While something runs, its estimate may turn into a charge at any moment.
    refetchInterval: (query) => (query.state.data?.active ? 15_000 : false),
  });
}

/** How many of the user's generations are in flight, against the limit when it is known. */
export function useConcurrency(): { active: number; max: number | undefined; full: boolean } {
  const usage = useUsage();
  const fromApi = usage.data?.maxConcurrent;
  const learned = useStudio((s) => s.learnedLimit);
  const max = fromApi ?? learned;
  const count = usage.data?.active ?? 0;
  return { active: count, max, full: max !== undefined && count >= max };
}
