import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { deleteAccount } from "../account/delete";
import { exportAccountData } from "../account/export";
import { protectedProcedure } from "../trpc";

/** The account itself is the person's: a signed-in session, never an API key. */
const accountProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.method !== "session") {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Sign in to the studio to export or delete your account.",
    });
  }
  return next();
});

export const accountRouter = {
  /** Every asset's metadata, every caption and post, as JSON (see account/export.ts). */
  exportData: accountProcedure.query(({ ctx }) => exportAccountData(ctx)),

  /**
   * Deletes the account and everything it holds, after checking the password (account/delete.ts):
   * scheduled posts cancelled at Zernio, the Zernio profile removed, every file, every row.
   */
  delete: accountProcedure
    .input(
      z.object({
        password: z
          .string({ error: "Enter your password to confirm." })
          .min(1, "Enter your password to confirm.")
          .max(128, "That password is not right."),
      }),
    )
    .mutation(({ ctx, input }) => deleteAccount(ctx, input.password)),
} satisfies TRPCRouterRecord;
