import { sql } from "kysely";
import type { Caption, CaptionRequest, JsonObject, NewCaption } from "../schema";
import type { Executor } from "./media-assets";

/** jsonb arrays go in as JSON text: node-postgres would send a JS array as a Postgres array. */
const json = (value: unknown) => JSON.stringify(value);

/**
 * Claims a caption request by its idempotency key. Exactly one caller gets `created: true` and
 * may call the provider; everyone else gets the existing request (running, succeeded or failed).
 */
export async function claimCaptionRequest(
  db: Executor,
  values: {
    assetId: string;
    userId: string;
    idempotencyKey: string;
    model: string;
    platforms: string[];
    options: JsonObject;
  },
): Promise<{ request: CaptionRequest; created: boolean }> {
  const inserted = await db
    .insertInto("caption_requests")
    .values({
      asset_id: values.assetId,
      user_id: values.userId,
      idempotency_key: values.idempotencyKey,
      model: values.model,
      platforms: json(values.platforms) as unknown as string[],
      options: values.options,
    })
    .onConflict((oc) => oc.columns(["user_id", "idempotency_key"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { request: inserted, created: true };
  const existing = await findCaptionRequest(db, values.userId, values.idempotencyKey);
  if (!existing) throw new Error("caption request vanished after a conflicting insert");
  return { request: existing, created: false };
}

export async function findCaptionRequest(
  db: Executor,
  userId: string,
  idempotencyKey: string,
): Promise<CaptionRequest | undefined> {
  return db
    .selectFrom("caption_requests")
    .selectAll()
    .where("user_id", "=", userId)
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirst();
}

export async function finishCaptionRequest(
  db: Executor,
  id: string,
  outcome:
    | { status: "succeeded"; costUsd: number | null }
    | { status: "failed"; errorCode: string; errorMessage: string },
): Promise<void> {
  await db
    .updateTable("caption_requests")
    .set(
      outcome.status === "succeeded"
        ? { status: "succeeded", cost_usd: outcome.costUsd, completed_at: new Date() }
        : {
            status: "failed",
            error_code: outcome.errorCode,
            error_message: outcome.errorMessage,
            completed_at: new Date(),
          },
    )
    .where("id", "=", id)
    .execute();
}

export async function insertCaption(db: Executor, values: NewCaption): Promise<Caption> {
  return db
    .insertInto("captions")
    .values({
      ...values,
      hashtags: json(Array.isArray(values.hashtags) ? values.hashtags : []),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every version of an asset's captions (optionally one platform's), newest first. */
export async function listCaptions(
  db: Executor,
  where: { assetId: string; userId: string; platform?: string | undefined },
): Promise<Caption[]> {
  let query = db
    .selectFrom("captions")
    .selectAll()
    .where("asset_id", "=", where.assetId)
    .where("user_id", "=", where.userId);
  if (where.platform) query = query.where("platform", "=", where.platform);
  return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(500).execute();
}

/** The newest version per platform of an asset's captions. */
export async function latestCaptions(
  db: Executor,
  where: { assetId: string; userId: string },
): Promise<Caption[]> {
  return db
    .selectFrom("captions")
    .selectAll()
    .distinctOn("platform")
    .where("asset_id", "=", where.assetId)
    .where("user_id", "=", where.userId)
    .orderBy("platform")
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

export async function findCaption(
  db: Executor,
  where: { id: string; userId: string },
): Promise<Caption | undefined> {
  return db
    .selectFrom("captions")
    .selectAll()
    .where("id", "=", where.id)
    .where("user_id", "=", where.userId)
    .executeTakeFirst();
}

/** The captions one request wrote, by platform. */
export async function captionsOfRequest(db: Executor, requestId: string): Promise<Caption[]> {
  return db
    .selectFrom("captions")
    .selectAll()
    .where("request_id", "=", requestId)
    .orderBy(sql`platform`)
    .execute();
}
