import type { Database, MediaAsset, MediaAssetUpdate, MediaStatus } from "@streamline/db";
import { publishMediaEvent, updateMediaAsset } from "@streamline/db";
import type { Kysely } from "kysely";

/** Where a generation is, for models whose API reports no progress of its own. */
export type GenerationPhase = "queued" | "submitting" | "generating" | "storing" | "done";

/** What subscribers receive about an asset. Small and JSON-only: it travels through NOTIFY. */
export type MediaEventPayload = {
  kind: "status" | "progress" | "result" | "error";
  status: MediaStatus;
  phase: GenerationPhase;
  progress: number;
  /** True when `progress` is our estimate from elapsed time, not the provider's figure. */
  estimated: boolean;
  error?: { code: string; message: string } | undefined;
};

/**
 * Applies a change to an asset row and publishes the matching event in one transaction, so the row
 * and what subscribers hear never disagree. `where` guards the update (e.g. "not canceled"): when
 * it no longer holds, nothing is written or published and undefined comes back.
 */
export async function changeAsset(
  db: Kysely<Database>,
  asset: Pick<MediaAsset, "id" | "user_id">,
  patch: MediaAssetUpdate,
  event: MediaEventPayload,
  where: { notStatus?: readonly MediaStatus[] } = {},
): Promise<MediaAsset | undefined> {
  const apply = async (tx: Kysely<Database>) => {
    if (where.notStatus?.length) {
      const current = await tx
        .selectFrom("media_assets")
        .select("status")
        .where("id", "=", asset.id)
        .forUpdate()
        .executeTakeFirst();
      if (!current || where.notStatus.includes(current.status)) return undefined;
    }
    const updated = await updateMediaAsset(tx, asset.id, patch);
    if (updated) {
      await publishMediaEvent(tx, { assetId: asset.id, userId: asset.user_id, payload: event });
    }
    return updated;
  };
  return db.isTransaction ? apply(db) : db.transaction().execute(apply);
}
