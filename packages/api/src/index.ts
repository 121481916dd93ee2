export { PROMPT_MAX_LENGTH } from "./media/schemas";
export { type AppRouter, appRouter, type RouterInputs, type RouterOutputs } from "./root";
export {
  type ApiContext,
  type ApiDeps,
  createContextFactory,
  type MediaLimits,
  type ReferenceImageSource,
  type SessionUser,
} from "./trpc";
