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
    /** Reserved against the daily cap until the request is settled. */
    estimatedCostUsd?: number | undefined;
    demo?: boolean | undefined;
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
      estimated_cost_usd: values.estimatedCostUsd ?? null,
      demo: values.demo ?? false,
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
    | { status: "failed"; errorCode: string; errorMessage: string; costUsd?: number | null },
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
            cost_usd: outcome.costUsd ?? null,
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

/**
 * Versions of an asset's captions (optionally one platform's), newest first, a page at a time:
 * `before` is the last row of the previous page (keyset on created_at, id).
 */
export async function listCaptions(
  db: Executor,
  where: {
    assetId: string;
    userId: string;
    platform?: string | undefined;
    before?: { createdAt: Date; id: string } | undefined;
    limit?: number | undefined;
  },
): Promise<Caption[]> {
  let query = db
    .selectFrom("captions")
    .selectAll()
    .where("asset_id", "=", where.assetId)
    .where("user_id", "=", where.userId);
  if (where.platform) query = query.where("platform", "=", where.platform);
  if (where.before) {
    const { createdAt, id } = where.before;
    query = query.where((eb) =>
      eb.or([
        eb("created_at", "<", createdAt),
        eb.and([eb("created_at", "=", createdAt), eb("id", "<", id)]),
      ]),
    );
  }
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(where.limit ?? 50)
    .execute();
}

/**
 * Keeps the newest `keep` versions of one platform's caption for an asset and deletes the rest, so
 * repeated edits cannot grow the history without bound. Posts keep their own copy of the text.
 */
export async function pruneCaptionVersions(
  db: Executor,
  where: { assetId: string; platform: string },
  keep: number,
): Promise<number> {
  const result = await db
    .deleteFrom("captions")
    .where("asset_id", "=", where.assetId)
    .where("platform", "=", where.platform)
    .where(
      "id",
      "not in",
      db
        .selectFrom("captions")
        .select("id")
        .where("asset_id", "=", where.assetId)
        .where("platform", "=", where.platform)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(keep),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Today's (UTC) caption spend of a user, and how many requests are running. A settled request
 * counts its cost; a running one its reserved estimate; demo requests nothing. A request running
 * longer than `staleAfterSeconds` (its process died) no longer counts as running, but its estimate
 * stays in the spend: the provider may have billed it.
 */
export async function captionSpendToday(
  db: Executor,
  userId: string,
  staleAfterSeconds: number,
): Promise<{ active: number; chargedUsd: number; inFlightUsd: number }> {
  const today = sql<Date>`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`;
  const row = await db
    .selectFrom("caption_requests")
    .select((eb) => [
      eb.fn
        .count<number>("id")
        .filterWhere((w) =>
          w.and([
            w("status", "=", "running"),
            w("created_at", ">", sql<Date>`now() - make_interval(secs => ${staleAfterSeconds})`),
          ]),
        )
        .as("active"),
      eb.fn
        .sum<string | null>("cost_usd")
        .filterWhere((w) => w.and([w("status", "!=", "running"), w("demo", "=", false)]))
        .as("charged"),
      eb.fn
        .sum<string | null>("estimated_cost_usd")
        .filterWhere((w) => w.and([w("status", "=", "running"), w("demo", "=", false)]))
        .as("inFlight"),
    ])
    .where("user_id", "=", userId)
    .where("created_at", ">=", today)
    .executeTakeFirstOrThrow();
  return {
    active: Number(row.active),
    chargedUsd: Number(row.charged ?? 0),
    inFlightUsd: Number(row.inFlight ?? 0),
  };
}

/**
 * How many caption requests a user made in the last `windowSeconds`, and when the oldest of them
 * leaves the window (seconds from now): the per-user caption rate limit, stored in the database so
 * it holds across server processes.
 */
export async function recentCaptionRequests(
  db: Executor,
  userId: string,
  windowSeconds: number,
): Promise<{ count: number; oldestLeavesInSeconds: number }> {
  const row = await db
    .selectFrom("caption_requests")
    .select((eb) => [
      eb.fn.countAll<number>().as("count"),
      sql<number>`extract(epoch from (min(created_at) + make_interval(secs => ${windowSeconds}) - now()))`.as(
        "leaves",
      ),
    ])
    .where("user_id", "=", userId)
    .where("created_at", ">", sql<Date>`now() - make_interval(secs => ${windowSeconds})`)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestLeavesInSeconds: Number(row.leaves ?? 0) };
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
