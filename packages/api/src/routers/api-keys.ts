import { createApiKey, listApiKeys, revokeApiKey } from "@streamline/db";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { sessionProcedure } from "../trpc";

/** API keys for internal apps: created and revoked by a signed-in person; listed by prefix only. */
export const apiKeysRouter = {
  list: sessionProcedure.query(async ({ ctx }) =>
    (await listApiKeys(ctx.db, ctx.user.id)).map((key) => ({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      createdAt: key.created_at,
      lastUsedAt: key.last_used_at,
      revokedAt: key.revoked_at,
    })),
  ),

  /** The only time the whole key is shown: it is stored hashed. */
  create: sessionProcedure
    .input(z.object({ name: z.string().trim().min(1, "Name the key.").max(100) }))
    .mutation(async ({ ctx, input }) => {
      const { key, apiKey } = await createApiKey(ctx.db, { userId: ctx.user.id, name: input.name });
      return { id: apiKey.id, name: apiKey.name, prefix: apiKey.prefix, key };
    }),

  revoke: sessionProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    // Answered once this process has heard the revocation's NOTIFY: every process drops the key
    // from its cache on it, so the key is refused everywhere by the time the caller reads this.
    const heard = ctx.events.apiKeys?.heard(input.id, 2_000);
    if (!(await revokeApiKey(ctx.db, { userId: ctx.user.id, id: input.id }))) {
      throw new TRPCError({ code: "NOT_FOUND", message: "No such active key." });
    }
    await heard;
    return { id: input.id, revoked: true as const };
  }),
} satisfies TRPCRouterRecord;
