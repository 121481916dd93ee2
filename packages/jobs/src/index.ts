export { changeAsset, type GenerationPhase, type MediaEventPayload } from "./events";
export {
  type GenerationDeps,
  type ProviderJobState,
  retryPlan,
  runGeneration,
} from "./generation";
export { estimateProgress } from "./progress";
export {
  createGenerationQueue,
  GENERATION_QUEUE,
  type GenerationJobData,
  type GenerationQueue,
  type QueueOptions,
} from "./queue";
export { requestedVideoShape } from "./video-shape";
export { startGenerationWorker } from "./worker";
