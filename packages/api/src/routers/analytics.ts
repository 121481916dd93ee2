import { isValidTimezone } from "@streamline/social";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { analyticsAccess, dismissAnalyticsNotice } from "../analytics/access";
import { bestTimesFor } from "../analytics/best-times";
import { exportCsv } from "../analytics/csv";
import { figuresOfAsset, figuresOfPost, figuresOfPosts } from "../analytics/figures";
import { INSIGHT_KEYS, INSIGHT_METRICS, insightsFor } from "../analytics/insights";
import { platformSchema } from "../social/schemas";
import { protectedProcedure } from "../trpc";

const day = z.iso.date("Send a date as YYYY-MM-DD.");
const range = {
  from: day.optional(),
  to: day.optional(),
};
const checkRange = (
  value: { from?: string | undefined; to?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if (value.from && value.to && value.from > value.to) {
    ctx.addIssue({ code: "custom", path: ["from"], message: "from must not be after to." });
  }
  if (value.from && value.to && Date.parse(value.to) - Date.parse(value.from) > 366 * 86_400_000) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "The range is at most 366 days." });
  }
};

export const postsFiguresInput = z.object({
  postIds: z
    .array(z.uuid("Not a post id."))
    .min(1, "Send at least one post id.")
    .max(100, "At most 100 posts at once."),
});
export const postFiguresInput = z.object({ postId: z.uuid("Not a post id.") });
export const assetFiguresInput = z.object({ assetId: z.uuid("Not an asset id.") });
export const insightsInput = z
  .object({
    ...range,
    platform: platformSchema.optional(),
    metric: z.enum(INSIGHT_METRICS).optional(),
    keys: z
      .array(z.enum(INSIGHT_KEYS))
      .min(1)
      .refine((list) => new Set(list).size === list.length, "Each key once.")
      .optional(),
  })
  .superRefine(checkRange)
  .default({});
export const exportInput = z
  .object({ ...range, platform: platformSchema.optional() })
  .superRefine(checkRange)
  .default({});

export const bestTimesInput = z
  .object({
    ...range,
    timezone: z
      .string()
      .max(100)
      .refine(isValidTimezone, "Use an IANA timezone such as Europe/Berlin."),
    accountId: z.string().min(1).max(200, "That is not an account id.").optional(),
    platform: platformSchema.optional(),
    metric: z.enum(INSIGHT_METRICS).optional(),
    limit: z.number().int().min(1).max(20, "At most 20 suggestions.").optional(),
  })
  .superRefine(checkRange);

/** Post analytics (Zernio) and the insights built on them. Platform ids are ours (x). */
export const analyticsRouter = {
  /** Whether analytics can be read (the workspace's add-on), and whether to tell the user once. */
  access: protectedProcedure.query(({ ctx }) => analyticsAccess(ctx)),

  /** The user saw the "no analytics access" notice: `access.showNotice` is false from now on. */
  dismissNotice: protectedProcedure.mutation(({ ctx }) => dismissAnalyticsNotice(ctx)),

  /** Latest figures + sparkline series of many posts (posts page cards); unknown ids come back empty. */
  posts: protectedProcedure.input(postsFiguresInput).query(async ({ ctx, input }) => {
    const own = await ctx.db
      .selectFrom("scheduled_posts")
      .select("id")
      .where("user_id", "=", ctx.user.id)
      .where("id", "in", input.postIds)
      .execute();
    const ids = new Set(own.map((p) => p.id));
    return {
      posts: await figuresOfPosts(
        ctx,
        [...new Set(input.postIds)].filter((id) => ids.has(id)),
      ),
    };
  }),

  /** One post's figures per platform (NOT_FOUND for another user's post). */
  post: protectedProcedure
    .input(postFiguresInput)
    .query(({ ctx, input }) => figuresOfPost(ctx, input.postId)),

  /** Every post of an asset, their totals and a series summed per schedule step. */
  asset: protectedProcedure
    .input(assetFiguresInput)
    .query(({ ctx, input }) => figuresOfAsset(ctx, input.assetId)),

  /** Engagement (or views, impressions, likes) compared by how and when the content was made. */
  insights: protectedProcedure
    .input(insightsInput)
    .query(({ ctx, input }) => insightsFor(ctx, input)),

  /** Weekday × hour in `timezone`: each hour's posts and median, and the best as queue slots. */
  bestTimes: protectedProcedure
    .input(bestTimesInput)
    .query(({ ctx, input }) => bestTimesFor(ctx, input)),

  /** The same rows as CSV (one line per post and platform, latest figures). */
  exportCsv: protectedProcedure.input(exportInput).query(({ ctx, input }) => exportCsv(ctx, input)),
} satisfies TRPCRouterRecord;
