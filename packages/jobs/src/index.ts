export {
  ANALYTICS_QUEUE,
  type AnalyticsQueue,
  createAnalyticsQueue,
  startAnalyticsWorker,
} from "./analytics-queue";
export {
  type AnalyticsDeps,
  type AnalyticsTickResult,
  DEFAULT_ANALYTICS_CALLS_PER_MINUTE,
  nextRefresh,
  pendingRetryAt,
  REFRESH_STEP_LABELS,
  REFRESH_STEPS_MS,
  refreshDueAt,
  refreshJitterMs,
  runAnalyticsTick,
} from "./analytics-refresh";
export {
  changeAsset,
  changeGeneration,
  countTerminal,
  type GenerationPhase,
  LEGACY_ROUND_TRIPS,
  type MediaEventPayload,
} from "./events";
export {
  type ProviderJob,
  type ProviderJobState,
  providerJobOf,
  retryPlan,
} from "./generation/provider-job";
export { abandonGeneration, type GenerationDeps, runGeneration } from "./generation/run";
export {
  type GenerationEvent,
  nextStep,
  type TransitionResult,
  transition,
} from "./generation/transition";
export {
  createPostingQueue,
  POSTING_QUEUE,
  type PostingDeps,
  type PostingJobData,
  type PostingQueue,
  type PostingQueueOptions,
  runPost,
  startPostingWorker,
} from "./posting";
export { refreshPost } from "./posting-run";
export { estimateProgress } from "./progress";
export {
  createGenerationQueue,
  GENERATION_DEAD_LETTER,
  GENERATION_QUEUE,
  type GenerationJobData,
  type GenerationQueue,
  type QueueOptions,
} from "./queue";
export { requestedVideoShape } from "./video-shape";
export { startGenerationWorker } from "./worker";
