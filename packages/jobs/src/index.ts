export { changeAsset, type GenerationPhase, type MediaEventPayload } from "./events";
export { type GenerationDeps, runGeneration } from "./generation";
export { estimateProgress } from "./progress";
export {
  createGenerationQueue,
  GENERATION_QUEUE,
  type GenerationJobData,
  type GenerationQueue,
  type QueueOptions,
} from "./queue";
export { startGenerationWorker } from "./worker";
