import { type ExpressionBuilder, sql } from "kysely";
import type {
  Database,
  JsonObject,
  NewScheduledPost,
  ScheduledPost,
  ScheduledPostStatus,
  ScheduledPostUpdate,
} from "../schema";
import type { Executor } from "./media-assets";
import { publishMediaEvent } from "./media-events";

/** The post carries the asset as any of its items (a carousel), not only as its cover. */
export function carriesAsset(eb: ExpressionBuilder<Database, "scheduled_posts">, assetId: string) {
  return eb.or([
    eb("scheduled_posts.asset_id", "=", assetId),
    eb.exists(
      eb
        .selectFrom("post_media")
        .select("post_media.post_id")
        .whereRef("post_media.post_id", "=", "scheduled_posts.id")
        .where("post_media.asset_id", "=", assetId),
    ),
  ]);
}

const JSON_COLUMNS = ["targets", "captions", "results"] as const;

/** jsonb values go in as JSON text: node-postgres would send a JS array as a Postgres array. */
function encode<T extends Record<string, unknown>>(values: T): T {
  const out: Record<string, unknown> = { ...values };
  for (const column of JSON_COLUMNS) {
    if (out[column] !== undefined && typeof out[column] !== "string") {
      out[column] = JSON.stringify(out[column]);
    }
  }
  return out as T;
}

/**
 * Inserts unless the user already used this idempotency key; either way returns the row and
 * whether this call created it (one statement decides, so two racing requests cannot both insert).
 */
export async function insertScheduledPostOnce(
  db: Executor,
  values: NewScheduledPost,
): Promise<{ post: ScheduledPost; created: boolean }> {
  const inserted = await db
    .insertInto("scheduled_posts")
    .values(encode(values))
    .onConflict((oc) => oc.columns(["user_id", "idempotency_key"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { post: inserted, created: true };
  const existing = await findScheduledPostByKey(db, values.user_id, values.idempotency_key);
  if (!existing) throw new Error("scheduled post vanished after a conflicting insert");
  return { post: existing, created: false };
}

export async function findScheduledPostByKey(
  db: Executor,
  userId: string,
  idempotencyKey: string,
): Promise<ScheduledPost | undefined> {
  return db
    .selectFrom("scheduled_posts")
    .selectAll()
    .where("user_id", "=", userId)
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirst();
}

/** A user's post, or undefined when it does not exist or is someone else's. */
export async function findScheduledPost(
  db: Executor,
  where: { id: string; userId?: string | undefined },
  options: { forUpdate?: boolean } = {},
): Promise<ScheduledPost | undefined> {
  let query = db.selectFrom("scheduled_posts").selectAll().where("id", "=", where.id);
  if (where.userId !== undefined) query = query.where("user_id", "=", where.userId);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function findScheduledPostByZernioId(
  db: Executor,
  zernioPostId: string,
): Promise<ScheduledPost | undefined> {
  return db
    .selectFrom("scheduled_posts")
    .selectAll()
    .where("zernio_post_id", "=", zernioPostId)
    .orderBy("created_at", "asc")
    .executeTakeFirst();
}

/** A user's posts, newest first; one asset's when `assetId` is given. */
export async function listScheduledPosts(
  db: Executor,
  where: { userId: string; assetId?: string | undefined; limit?: number | undefined },
): Promise<ScheduledPost[]> {
  let query = db.selectFrom("scheduled_posts").selectAll().where("user_id", "=", where.userId);
  const assetId = where.assetId;
  if (assetId) query = query.where((eb) => carriesAsset(eb, assetId));
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(where.limit ?? 100)
    .execute();
}

/**
 * Updates a post; with `whereStatus` only while it is still in one of those statuses (a guard
 * against a cancel racing the worker). Undefined when the guard no longer holds.
 */
export async function updateScheduledPost(
  db: Executor,
  id: string,
  patch: ScheduledPostUpdate,
  guard: { whereStatus?: readonly ScheduledPostStatus[] } = {},
): Promise<ScheduledPost | undefined> {
  let query = db
    .updateTable("scheduled_posts")
    .set({ ...encode(patch), updated_at: new Date() })
    .where("id", "=", id);
  if (guard.whereStatus?.length) query = query.where("status", "in", [...guard.whereStatus]);
  return query.returningAll().executeTakeFirst();
}

/**
 * Applies a post transition (packages/social's `transitionPost`) and publishes its event in one
 * transaction, so the row and what subscribers hear never disagree. The patch is written only
 * while the row is still in one of `guard`'s states; undefined when it is not (or when there was
 * no transition to apply), and then nothing is published.
 */
export async function applyPostTransition(
  db: Executor,
  postId: string,
  change: { patch: ScheduledPostUpdate; guard?: readonly ScheduledPostStatus[] } | undefined,
  eventOf: (post: ScheduledPost) => JsonObject,
): Promise<ScheduledPost | undefined> {
  if (!change) return undefined;
  const apply = async (tx: Executor) => {
    const guard = change.guard ? { whereStatus: change.guard } : {};
    const updated = await updateScheduledPost(tx, postId, change.patch, guard);
    if (updated) {
      await publishMediaEvent(tx, {
        assetId: updated.asset_id,
        userId: updated.user_id,
        payload: eventOf(updated),
      });
    }
    return updated;
  };
  return db.isTransaction ? apply(db) : db.transaction().execute(apply);
}

/**
 * Takes (or renews) a post's lease for `runner`: one runner at a time sends or follows a post.
 * Undefined when another runner holds an unexpired lease.
 */
export async function leaseScheduledPost(
  db: Executor,
  where: { id: string; runner: string; ms: number },
): Promise<ScheduledPost | undefined> {
  return db
    .updateTable("scheduled_posts")
    .set({
      locked_by: where.runner,
      locked_until: sql<Date>`now() + ${where.ms} * interval '1 millisecond'`,
    })
    .where("id", "=", where.id)
    .where((eb) =>
      eb.or([
        eb("locked_until", "is", null),
        eb("locked_until", "<", sql<Date>`now()`),
        eb("locked_by", "=", where.runner),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
}

/** Gives up `runner`'s lease (no-op when it no longer holds it). */
export async function releaseScheduledPost(
  db: Executor,
  where: { id: string; runner: string },
): Promise<void> {
  await db
    .updateTable("scheduled_posts")
    .set({ locked_by: null, locked_until: null })
    .where("id", "=", where.id)
    .where("locked_by", "=", where.runner)
    .execute();
}

/** The media URL a post is sent with (kept so a re-sent create posts the same file). */
export async function setScheduledPostMediaUrl(
  db: Executor,
  id: string,
  mediaUrl: string,
): Promise<void> {
  await db
    .updateTable("scheduled_posts")
    .set({ media_url: mediaUrl })
    .where("id", "=", id)
    .execute();
}

/** Records a webhook event id; false when it was seen before (the delivery is a repeat). */
export async function recordZernioWebhookEvent(
  db: Executor,
  event: { id: string; event: string; postId: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto("zernio_webhook_events")
    .values({ id: event.id, event: event.event, post_id: event.postId })
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Every post of a user (one asset's, when given) in one of `statuses`, oldest first, with no page
 * limit: deleting an asset or an account must see all of them.
 */
export async function listPostsInStatus(
  db: Executor,
  where: { userId: string; assetId?: string | undefined; statuses: readonly ScheduledPostStatus[] },
): Promise<ScheduledPost[]> {
  let query = db
    .selectFrom("scheduled_posts")
    .selectAll()
    .where("user_id", "=", where.userId)
    .where("status", "in", [...where.statuses]);
  const assetId = where.assetId;
  if (assetId) query = query.where((eb) => carriesAsset(eb, assetId));
  return query.orderBy("created_at", "asc").orderBy("id", "asc").execute();
}
