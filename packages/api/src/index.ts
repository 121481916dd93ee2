export {
  type ApiContext,
  type ApiDeps,
  type CaptionDeps,
  createContextFactory,
  type MediaLimits,
  type ReferenceImageSource,
  type SessionUser,
  type SocialDeps,
} from "./context";
export {
  createProgressStreamHandler,
  ProgressFanout,
  progressFanoutOf,
  serializeForWire,
} from "./media/fanout";
export { MEDIA_MAX_VARIANTS, PROMPT_MAX_LENGTH } from "./media/schemas";
export { openStreamsOf } from "./media/streams";
export { retryAfterSecondsOf } from "./retry-later";
export {
  type AppRouter,
  appRouter,
  createCaller,
  type RouterInputs,
  type RouterOutputs,
} from "./root";
export type { CaptionDto } from "./social/captions";
export type { PostIssueDto } from "./social/checks";
export { POSTING_NOT_CONFIGURED } from "./social/errors";
export type { ScheduledPostDto, SocialAccountDto } from "./social/posts";
export {
  handleZernioWebhook,
  verifyZernioSignature,
  type ZernioWebhookDeps,
} from "./social/webhook";
