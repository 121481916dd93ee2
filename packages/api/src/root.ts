import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { accountRouter } from "./routers/account";
import { analyticsRouter } from "./routers/analytics";
import { apiKeysRouter } from "./routers/api-keys";
import { mediaRouter } from "./routers/media";
import { socialRouter } from "./routers/social";
import { createCallerFactory, createTRPCRouter, publicProcedure } from "./trpc";

export const appRouter = createTRPCRouter({
  health: publicProcedure.query(({ ctx }) => ({ ok: true as const, demo: ctx.demo })),
  /** The caller, or null when signed out. */
  me: publicProcedure.query(({ ctx }) => ctx.user),
  /** Export and delete the caller's own account (a session only). */
  account: createTRPCRouter(accountRouter),
  apiKeys: createTRPCRouter(apiKeysRouter),
  media: createTRPCRouter(mediaRouter),
  social: createTRPCRouter(socialRouter),
  /** Post analytics from Zernio and the insights built on them. */
  analytics: createTRPCRouter(analyticsRouter),
});

export type AppRouter = typeof appRouter;

/**
 * Calls procedures in-process with a given context: `createCaller({ ...deps, user, headers })`.
 * Procedure tests use it (testing/context.ts); the HTTP suites in apps/server cover the transport.
 */
export const createCaller = createCallerFactory(appRouter);
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
