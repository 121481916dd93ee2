// The optional Zernio webhook receiver (POST /webhooks/zernio). Only on when ZERNIO_WEBHOOK_SECRET
// is set: the signature is HMAC-SHA256 of the raw body, hex, in X-Zernio-Signature (Zernio does not
// document which bytes are signed beyond "the body", so the bytes as received are verified). Events
// are deduplicated by their id; each one makes us read the post from Zernio and update the row —
// polling works without any of this.
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  type Database,
  findScheduledPost,
  findScheduledPostByZernioId,
  recordZernioWebhookEvent,
  type ScheduledPost,
  TERMINAL_POST_STATUSES,
} from "@streamline/db";
import { type PostingDeps, refreshPost } from "@streamline/jobs";
import { logger } from "@streamline/log";
import type { Kysely } from "kysely";
import { applyPlatformEvent } from "../analytics/webhook";
import { changePost } from "./post-change";

export interface ZernioWebhookDeps {
  db: Kysely<Database>;
  /** Unset: the receiver answers 404 (it is off). */
  secret: string | undefined;
  posting: PostingDeps;
  /** Where lines go (tests); the process logger (@streamline/log) by default. */
  logger?: ((line: string) => void) | undefined;
}

export type WebhookAnswer = { status: number; body: Record<string, unknown> };

export function verifyZernioSignature(
  rawBody: Uint8Array,
  header: string | undefined,
  secret: string,
): boolean {
  if (!header) return false;
  const given = header.trim().replace(/^sha256=/i, "");
  if (!/^[0-9a-f]+$/i.test(given)) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const received = Buffer.from(given, "hex");
  return received.length === expected.length && timingSafeEqual(received, expected);
}

type EventPost = { _id?: unknown; id?: unknown; metadata?: { studioPostId?: unknown } };
type WebhookEvent = {
  id?: unknown;
  event?: unknown;
  type?: unknown;
  postId?: unknown;
  metadata?: { studioPostId?: unknown };
  post?: EventPost;
  data?: { postId?: unknown; post?: EventPost; metadata?: { studioPostId?: unknown } };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The studio's post id the create sent in `metadata` (Zernio echoes the post's metadata). */
function studioPostIdOf(event: WebhookEvent): string | undefined {
  const id =
    text(event.post?.metadata?.studioPostId) ??
    text(event.data?.post?.metadata?.studioPostId) ??
    text(event.data?.metadata?.studioPostId) ??
    text(event.metadata?.studioPostId);
  return id && UUID.test(id) ? id : undefined;
}

/**
 * The row an event is about: by Zernio's post id, else by the studio id in its metadata. A row
 * found by the studio id whose Zernio id is not saved yet (the event beat the create's answer) gets
 * it now, as the create's answer would have written it.
 */
async function postOfEvent(
  deps: ZernioWebhookDeps,
  event: WebhookEvent,
  zernioPostId: string | undefined,
): Promise<ScheduledPost | undefined> {
  const byZernio = zernioPostId
    ? await findScheduledPostByZernioId(deps.db, zernioPostId)
    : undefined;
  if (byZernio) return byZernio;
  const studioId = studioPostIdOf(event);
  if (!studioId) return undefined;
  const post = await findScheduledPost(deps.db, { id: studioId });
  if (!post || !zernioPostId || post.zernio_post_id) return post;
  const created = { postId: zernioPostId, post: undefined, duplicate: false, warnings: [] };
  return (await changePost(deps.db, post, { type: "created", created })) ?? post;
}

const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);

/** Zernio's ids are short printable tokens; the database keeps (and indexes) what we take. */
const MAX_ID_LENGTH = 200;

// Control characters (NUL included: PostgreSQL text cannot hold it) and lone UTF-16 surrogates.
const UNSAFE_ID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a value taken from the event cannot be kept as an id or name, or undefined when it can. */
function idProblem(value: string, label: string): string | undefined {
  if (UNSAFE_ID.test(value)) {
    return `The event's ${label} holds control characters or broken text.`;
  }
  if (value.length > MAX_ID_LENGTH) {
    return `The event's ${label} is longer than ${MAX_ID_LENGTH} characters.`;
  }
  return undefined;
}

/** Zernio's post id in an event, wherever its shape carries it. */
function postIdOfEvent(event: WebhookEvent): string | undefined {
  return (
    text(event.post?._id) ??
    text(event.post?.id) ??
    text(event.data?.post?._id) ??
    text(event.data?.post?.id) ??
    text(event.data?.postId) ??
    text(event.postId)
  );
}

const warn = (line: string) => logger.warn(line);

export async function handleZernioWebhook(
  request: { rawBody: Uint8Array; signature: string | undefined },
  deps: ZernioWebhookDeps,
): Promise<WebhookAnswer> {
  if (!deps.secret) return { status: 404, body: { error: "The Zernio webhook receiver is off." } };
  if (!verifyZernioSignature(request.rawBody, request.signature, deps.secret)) {
    return { status: 401, body: { error: "Invalid signature." } };
  }
  let event: WebhookEvent;
  try {
    event = JSON.parse(Buffer.from(request.rawBody).toString("utf8")) as WebhookEvent;
  } catch {
    return { status: 400, body: { error: "The body is not JSON." } };
  }
  const id = text(event?.id);
  const name = text(event?.event) ?? text(event?.type) ?? "unknown";
  if (!id) return { status: 400, body: { error: "The event has no id." } };
  const postId = postIdOfEvent(event);
  const problem =
    idProblem(id, "id") ??
    idProblem(name, "event name") ??
    (postId === undefined ? undefined : idProblem(postId, "post id"));
  if (problem) return { status: 400, body: { error: problem } };
  // Analytics (idempotent, so applied on duplicates too): post.platform.deleted stops the polling.
  if (postId && name.startsWith("post.platform.")) {
    await applyPlatformEvent(deps.db, postId, name, event);
  }
  if (!(await recordZernioWebhookEvent(deps.db, { id, event: name, postId: postId ?? null }))) {
    return { status: 200, body: { ok: true, duplicate: true } };
  }
  const post = await postOfEvent(deps, event, postId);
  if (!post) {
    return { status: 200, body: { ok: true, ignored: postId ? "unknown post" : "no post" } };
  }
  // Already cancelled here (our cancel deleted it at Zernio): nothing to read — the post is gone.
  if (name === "post.cancelled" && post.status === "cancelled") {
    return { status: 200, body: { ok: true, ignored: "already cancelled" } };
  }
  if (!post.zernio_post_id) return { status: 200, body: { ok: true, ignored: "not sent yet" } };
  try {
    const fresh = await refreshPost(post, deps.posting);
    // Nobody follows it right now (e.g. a retry started in Zernio's dashboard): start following.
    const followed = fresh.locked_until && fresh.locked_until.getTime() > Date.now();
    if (!TERMINAL_POST_STATUSES.includes(fresh.status) && !followed) {
      await deps.posting.queue.enqueueLater(fresh.id, new Date());
    }
  } catch (error) {
    // Zernio could not be read right now: the post job's polling picks the change up.
    (deps.logger ?? warn)(
      `[Posting] webhook ${name} for post ${post.id}: reading it failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    await deps.posting.queue.enqueueLater(post.id, new Date()).catch(() => {});
  }
  return { status: 200, body: { ok: true } };
}
