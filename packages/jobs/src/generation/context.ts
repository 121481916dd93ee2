// What one run of a generation shares between its steps, and `advance`: the one way a step
// changes the row (through `transition`).
import type { Database, MediaAsset } from "@streamline/db";
import type { MediaProviders, ModelSpec, PollPolicy, ReferenceImage } from "@streamline/providers";
import type { MediaStorage } from "@streamline/storage";
import type { Kysely } from "kysely";
import { changeAsset, type GenerationPhase } from "../events";
import type { ProviderJob } from "./provider-job";
import { type GenerationEvent, transition } from "./transition";

export interface GenerationDeps {
  db: Kysely<Database>;
  providers: MediaProviders;
  storage: MediaStorage;
  /** Loads the stored reference photo of an asset (kept in storage, never in the row). */
  loadReferenceImage?: ((asset: MediaAsset) => Promise<ReferenceImage | undefined>) | undefined;
  poll?: Partial<PollPolicy> | undefined;
  /** Minimum time between two progress writes for one asset. */
  progressIntervalMs?: number | undefined;
  /** Where terminal failure lines go (tests); the process logger at level error by default. */
  logger?: ((line: string) => void) | undefined;
  /** Where warnings go (a transient failure the job rides out); the process logger by default. */
  warn?: ((line: string) => void) | undefined;
}

/** One run of one asset's generation: what its steps share. */
export interface GenerationRun {
  deps: GenerationDeps;
  assetId: string;
  signal: AbortSignal | undefined;
  /**
   * Fires when the worker is shutting down (SIGTERM): honoured only at safe points — before the
   * claim, and while a saved provider job is polled — never during a create, which is left to
   * answer so its job id is saved (`signal` still cuts it off when the grace period ends).
   */
  drain?: AbortSignal | undefined;
  spec: ModelSpec | undefined;
  policy: PollPolicy;
  /** The row as last written by this run. */
  asset: MediaAsset;
  /** What we know of the provider job (what a failure records). */
  job: ProviderJob;
  phase: GenerationPhase;
  /** When this run started (progress estimates count from here). */
  startedAt: number;
  /** When the deadline started: the submission's claim, or the Retry that resumed the job. */
  since: number;
  /** The provider reported the result: from here on the generation was billed. */
  delivered: boolean;
  lastProgressWrite: number;
}

/** The asset was canceled or deleted while the run followed it: stop without a word. */
export class Canceled extends Error {}

export const deadlineOf = (run: GenerationRun): number =>
  run.since + run.policy.timeoutMs[run.asset.type];

/**
 * Moves the row through `transition` and keeps the run's view of it. Undefined when the change
 * was refused or its guard no longer held (the asset stopped meanwhile).
 */
export async function advance(
  run: GenerationRun,
  event: GenerationEvent,
): Promise<MediaAsset | undefined> {
  const next = transition(run.asset, event);
  if ("refused" in next) return undefined;
  if (next.event === null && Object.keys(next.patch).length === 0) {
    run.job = next.job;
    return run.asset;
  }
  const updated = await changeAsset(run.deps.db, run.asset, next.patch, next.event, next.guard);
  if (updated) {
    run.asset = updated;
    run.job = next.job;
  }
  return updated;
}

/** Thrown at a safe point while the worker drains: the job is retried and resumes elsewhere. */
export class ShuttingDown extends Error {
  constructor() {
    super("The worker is shutting down; the job resumes on the next worker.");
    this.name = "ShuttingDown";
  }
}
