// Queue slots (issue 19): each account's weekly posting times, the free ones for the calendar, and
// "Add to queue": one post per chosen account, in that account's next free slot. A slot is booked
// (packages/db bookQueueSlot) before its post is written; two concurrent adds never get one slot.
import { randomUUID } from "node:crypto";
import {
  bookQueueSlot,
  findScheduledPostByKey,
  heldQueueSlots,
  listQueueSlots,
  type QueueSlotRow,
  releaseQueueSlot,
  replaceQueueSlots,
} from "@streamline/db";
import { slotInstants } from "@streamline/social";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser } from "../context";
import { fieldError } from "../media/upload";
import { postDto, schedulePost } from "./posts";
import { accountsOfCaller } from "./profiles";
import type { AddToQueueInput } from "./schemas";

type Ctx = ApiContext & { user: SessionUser };

/** How far ahead "Add to queue" looks for a free slot. */
const QUEUE_HORIZON_DAYS = 56;
/** A slot closer than this is not booked (a past time would publish at once). */
const QUEUE_LEAD_MS = 2 * 60_000;

const nowOf = (ctx: Ctx) => ctx.social?.now?.() ?? new Date();

function groupSlots(rows: readonly QueueSlotRow[]) {
  const byAccount = new Map<
    string,
    { accountId: string; timezone: string; slots: Array<{ weekday: number; time: string }> }
  >();
  for (const row of rows) {
    const entry = byAccount.get(row.account_id) ?? {
      accountId: row.account_id,
      timezone: row.timezone,
      slots: [],
    };
    entry.slots.push({ weekday: row.weekday, time: row.local_time });
    byAccount.set(row.account_id, entry);
  }
  return [...byAccount.values()];
}

/** social.queueSlots: the caller's weekly slots per account. */
export async function queueSlotsOf(ctx: Ctx, accountId: string | undefined) {
  return { accounts: groupSlots(await listQueueSlots(ctx.db, { userId: ctx.user.id, accountId })) };
}

/** social.setQueueSlots: replaces an account's slots; the account must be the caller's. */
export async function setQueueSlots(
  ctx: Ctx,
  input: { accountId: string; timezone: string; slots: Array<{ weekday: number; time: string }> },
) {
  const social = ctx.social;
  if (social?.zernio) {
    const accounts = await accountsOfCaller(ctx, social, social.zernio);
    if (!accounts.some((a) => a.id === input.accountId)) {
      throw fieldError("accountId", "This account is not one of your connected accounts.");
    }
  }
  const rows = await replaceQueueSlots(ctx.db, { userId: ctx.user.id, ...input });
  return groupSlots(rows)[0] ?? { accountId: input.accountId, timezone: input.timezone, slots: [] };
}

/** social.freeSlots: the account's slots in [from, to) that no live post holds. */
export async function freeSlotsOf(
  ctx: Ctx,
  input: { accountId: string; from?: string | undefined; to?: string | undefined },
) {
  const rows = await listQueueSlots(ctx.db, { userId: ctx.user.id, accountId: input.accountId });
  const [account] = groupSlots(rows);
  if (!account) return { accountId: input.accountId, timezone: null, slots: [] };
  const from = input.from ? new Date(input.from) : nowOf(ctx);
  const to = input.to ? new Date(input.to) : new Date(from.getTime() + 14 * 86_400_000);
  const days = Math.ceil((to.getTime() - from.getTime()) / 86_400_000) + 2;
  const held = new Set(
    (await heldQueueSlots(ctx.db, { accountId: input.accountId, from, to })).map((d) =>
      d.getTime(),
    ),
  );
  const slots = slotInstants(account.slots, account.timezone, new Date(from.getTime() - 1), days)
    .filter((s) => s.at < to && !held.has(s.at.getTime()))
    .map((s) => ({ at: s.at, local: s.local }));
  return { accountId: input.accountId, timezone: account.timezone, slots };
}

/**
 * social.addToQueue: one post per chosen account, each in that account's next free slot (booked
 * first; the post is then written as social.schedule writes it, at the slot's local time and
 * timezone). Idempotent by key: the same key returns the same posts.
 */
export async function addToQueue(ctx: Ctx, input: AddToQueueInput) {
  const posts = [];
  for (const [index, target] of input.targets.entries()) {
    const key = `${input.idempotencyKey}:q${index}`;
    const existing = await findScheduledPostByKey(ctx.db, ctx.user.id, key);
    if (existing) {
      posts.push(await postDto(ctx, existing));
      continue;
    }
    const rows = await listQueueSlots(ctx.db, { userId: ctx.user.id, accountId: target.accountId });
    const [account] = groupSlots(rows);
    if (!account) {
      throw fieldError(
        "targets",
        `Account ${target.accountId} has no queue slots yet: set its posting times first.`,
      );
    }
    const after = new Date(nowOf(ctx).getTime() + QUEUE_LEAD_MS);
    let posted = false;
    for (const slot of slotInstants(account.slots, account.timezone, after, QUEUE_HORIZON_DAYS)) {
      const postId = randomUUID();
      const booking = { accountId: target.accountId, slotAt: slot.at, postId };
      if (!(await bookQueueSlot(ctx.db, { ...booking, userId: ctx.user.id }))) continue;
      try {
        const post = await schedulePost(
          ctx,
          {
            ...input,
            targets: [target],
            publishNow: false,
            scheduledFor: slot.local,
            timezone: account.timezone,
            idempotencyKey: key,
          },
          { id: postId },
        );
        posts.push(post);
      } catch (error) {
        await releaseQueueSlot(ctx.db, booking);
        throw error;
      }
      posted = true;
      break;
    }
    if (!posted) {
      throw new TRPCError({
        code: "CONFLICT",
        message: `Account ${target.accountId} has no free queue slot in the next ${QUEUE_HORIZON_DAYS / 7} weeks.`,
      });
    }
  }
  return { posts };
}
