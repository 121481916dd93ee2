// What `media_assets.metadata` holds, written once as a Zod schema. Every field is optional and
// unknown keys are kept: rows written by earlier versions (or by a newer one during a rolling
// deploy) still read, and a malformed field reads as absent rather than failing the whole row.
import { z } from "zod";

/** What we know of an asset's provider job (see packages/jobs/src/generation/provider-job.ts). */
export const PROVIDER_JOB_STATES = ["none", "claimed", "live", "ended", "unknown"] as const;
export type ProviderJobState = (typeof PROVIDER_JOB_STATES)[number];

const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const storageKeys = z.looseObject({
  resultKey: z.string().nullish().catch(undefined),
  thumbnailKey: z.string().nullish().catch(undefined),
  referenceKey: z.string().nullish().catch(undefined),
});

const previousError = z.looseObject({
  code: z.string().nullable().catch(null),
  message: z.string().nullable().catch(null),
  at: z.string().optional().catch(undefined),
  retry: z.enum(["resume", "new"]).optional().catch(undefined),
});

export const mediaAssetMetadataSchema = z.looseObject({
  /** Made by offline demo mode's mocks: $0, never counted against the cap. */
  demo: lenient(z.boolean()),
  /** Every stored object the asset owns; delete removes them all. */
  storage: lenient(storageKeys),
  /** The uploaded reference photo's shape (its bytes are in storage under storage.referenceKey). */
  reference: lenient(
    z.looseObject({
      width: z.number(),
      height: z.number(),
      mimeType: z.enum(["image/png", "image/jpeg", "image/webp"]),
    }),
  ),
  referenceSourceUrl: lenient(z.string()),
  referenceAssetId: lenient(z.string()),
  variant: lenient(z.looseObject({ index: z.number(), of: z.number() })),
  /** What the generation asked for (size, length), when the options say. */
  requested: lenient(
    z.looseObject({
      width: z.number().optional(),
      height: z.number().optional(),
      durationSeconds: z.number().optional(),
    }),
  ),
  mimeType: lenient(z.string()),
  bytes: lenient(z.number()),
  /** The provider job's state once the asset stopped (failed, canceled, succeeded). */
  providerJob: lenient(z.enum(PROVIDER_JOB_STATES)),
  /** When the submission was claimed: the deadline runs from here, also after a takeover. */
  submittedAt: lenient(z.string()),
  /** When a Retry resumed the provider job: the deadline runs from here instead. */
  resumedAt: lenient(z.string()),
  previousErrors: lenient(z.array(previousError)),
  /**
   * media.cancel of a running video: the provider confirmed the stop (stopped), its API has no
   * cancel (unsupported: the render goes on there and may be charged), or the request failed.
   */
  providerCancel: lenient(z.enum(["stopped", "unsupported", "failed"])),
});

export type MediaAssetMetadata = z.infer<typeof mediaAssetMetadataSchema>;

/** An asset's metadata, typed. Never throws: a field that does not fit its schema reads as absent. */
export function assetMetadataOf(asset: { metadata: Record<string, unknown> }): MediaAssetMetadata {
  return mediaAssetMetadataSchema.parse(asset.metadata ?? {});
}
