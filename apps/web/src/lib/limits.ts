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
