import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { mediaRouter } from "./routers/media";
import { createTRPCRouter, publicProcedure } from "./trpc";

export const appRouter = createTRPCRouter({
  health: publicProcedure.query(() => ({ ok: true as const })),
  media: createTRPCRouter(mediaRouter),
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
