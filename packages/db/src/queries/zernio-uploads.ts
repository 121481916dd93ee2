// Recent uploads of an asset's file to Zernio (zernio_uploads). Posting the same asset again
// within the reuse window posts the same Zernio URL instead of presigning and uploading the same
// bytes again. Zernio does not document how long a presigned upload's publicUrl lives, so the
// window is short and a URL Zernio refuses is forgotten (see packages/jobs/src/posting-run.ts).
import { sql } from "kysely";
import type { Executor } from "./media-assets";

/** The asset's upload if it is younger than `maxAgeMs`. */
export async function findRecentZernioUpload(
  db: Executor,
  values: { assetId: string; maxAgeMs: number },
): Promise<string | undefined> {
  const row = await db
    .selectFrom("zernio_uploads")
    .select("public_url")
    .where("asset_id", "=", values.assetId)
    .where("uploaded_at", ">", sql<Date>`now() - ${values.maxAgeMs} * interval '1 millisecond'`)
    .executeTakeFirst();
  return row?.public_url;
}

export async function saveZernioUpload(
  db: Executor,
  values: { assetId: string; publicUrl: string },
): Promise<void> {
  await db
    .insertInto("zernio_uploads")
    .values({ asset_id: values.assetId, public_url: values.publicUrl })
    .onConflict((oc) =>
      oc.column("asset_id").doUpdateSet({ public_url: values.publicUrl, uploaded_at: sql`now()` }),
    )
    .execute();
}

/** Forgets an upload Zernio refused (only that URL: a newer one may have replaced it). */
export async function forgetZernioUpload(
  db: Executor,
  values: { assetId: string; publicUrl: string },
): Promise<void> {
  await db
    .deleteFrom("zernio_uploads")
    .where("asset_id", "=", values.assetId)
    .where("public_url", "=", values.publicUrl)
    .execute();
}
