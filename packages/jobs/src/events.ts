import type { Database, MediaAsset, MediaAssetUpdate, MediaStatus } from "@streamline/db";
import {
  changeMediaAsset,
  lockMediaAssetForChange,
  publishMediaEvent,
  TERMINAL_STATUSES,
  updateMediaAsset,
} from "@streamline/db";
import { inSpan, metrics } from "@streamline/telemetry";
import type { Kysely } from "kysely";
import {
  type GenerationAsset,
  type GenerationEvent,
  type TransitionGuard,
  transition,
} from "./generation/transition";

/** Where a generation is, for models whose API reports no progress of its own. */
export type GenerationPhase = "queued" | "submitting" | "generating" | "storing" | "done";

/** What subscribers receive about an asset. Small and JSON-only: it travels through NOTIFY. */
export type MediaEventPayload = {
  kind: "status" | "progress" | "result" | "error";
  status: MediaStatus;
  phase: GenerationPhase;
  progress: number;
  /** True when `progress` is our estimate from elapsed time, not the provider's figure. */
  estimated: boolean;
  error?: { code: string; message: string } | undefined;
};

/**
 * MEDIA_LEGACY_ROUND_TRIPS=1: the earlier multi-statement paths (changeAsset as BEGIN + SELECT …
 * FOR UPDATE + UPDATE + event + COMMIT, …), kept so benchmarks measure before and after in one run.
 */
export const LEGACY_ROUND_TRIPS = process.env.MEDIA_LEGACY_ROUND_TRIPS === "1";

/**
 * Applies a change to an asset row and publishes the matching event in one statement (its own transaction), so the
 * row and what subscribers hear never disagree. `where` guards the update (e.g. "not canceled"): when
 * it no longer holds, nothing is written or published and undefined comes back. A null event is
 * bookkeeping no subscriber hears of (the submission claim).
 */
export async function changeAsset(
  db: Kysely<Database>,
  asset: Pick<MediaAsset, "id" | "user_id">,
  patch: MediaAssetUpdate,
  event: MediaEventPayload | null,
  where: TransitionGuard = {},
): Promise<MediaAsset | undefined> {
  // Bookkeeping nobody hears of gets no span; every published change is one ("…to the event").
  const updated = event
    ? await inSpan(
        "media.event",
        { attributes: { "streamline.event.kind": event.kind, "streamline.status": event.status } },
        () => writeChange(db, asset, patch, event, where),
      )
    : await writeChange(db, asset, patch, event, where);
  if (updated && patch.status && TERMINAL_STATUSES.includes(patch.status)) countTerminal(updated);
  return updated;
}

/** One generation reached a terminal status (README "Observability": streamline.generations). */
export function countTerminal(
  asset: Pick<MediaAsset, "provider" | "model" | "type" | "status" | "error_code">,
): void {
  metrics().generations.add(1, {
    "gen_ai.provider.name": asset.provider,
    "gen_ai.request.model": asset.model,
    "media.type": asset.type,
    status: asset.status,
    ...(asset.status === "failed" ? { "error.type": asset.error_code ?? "UNKNOWN" } : {}),
  });
}

async function writeChange(
  db: Kysely<Database>,
  asset: Pick<MediaAsset, "id" | "user_id">,
  patch: MediaAssetUpdate,
  event: MediaEventPayload | null,
  where: TransitionGuard,
): Promise<MediaAsset | undefined> {
  if (!LEGACY_ROUND_TRIPS) {
    return changeMediaAsset(db, { id: asset.id, userId: asset.user_id }, patch, event, where);
  }
  const apply = async (tx: Kysely<Database>) => {
    if (where.notStatus?.length || where.unclaimed) {
      const current = await lockMediaAssetForChange(tx, asset.id);
      if (!current) return undefined;
      if (where.notStatus?.includes(current.status)) return undefined;
      if (where.unclaimed && current.provider_job_id !== null) return undefined;
    }
    const updated = await updateMediaAsset(tx, asset.id, patch);
    if (updated && event) {
      await publishMediaEvent(tx, { assetId: asset.id, userId: asset.user_id, payload: event });
    }
    return updated;
  };
  return db.isTransaction ? apply(db) : db.transaction().execute(apply);
}

/**
 * Moves an asset through the generation state machine (see generation/transition.ts): the patch,
 * event and guard come from `transition`, so the worker and the routers share every rule. Undefined
 * when the transition is refused for the asset as read, or its guard no longer holds.
 */
export async function changeGeneration(
  db: Kysely<Database>,
  asset: GenerationAsset & Pick<MediaAsset, "id" | "user_id">,
  event: GenerationEvent,
): Promise<MediaAsset | undefined> {
  const next = transition(asset, event);
  if ("refused" in next) return undefined;
  return changeAsset(db, asset, next.patch, next.event, next.guard);
}
