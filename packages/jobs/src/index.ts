export { changeAsset, type GenerationPhase, type MediaEventPayload } from "./events";
export {
  abandonGeneration,
  type GenerationDeps,
  type ProviderJobState,
  retryPlan,
  runGeneration,
} from "./generation";
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
