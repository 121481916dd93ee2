// The generation state machine, every asset status × provider job × event, and the money rules
// (claim before submit, save the id first, never re-send an unanswered create, resume rather than
// re-create, the deadline kept from the claim, charges only for what was delivered).
import type { MediaStatus } from "@streamline/db";
import { describe, expect, it } from "vitest";
import { type ProviderJobState, providerJobOf, retryPlan } from "./provider-job";
import {
  type GenerationAsset,
  type GenerationEvent,
  nextStep,
  type TransitionResult,
  transition,
} from "./transition";

const STATUSES: MediaStatus[] = ["queued", "running", "succeeded", "failed", "canceled"];
const JOBS = ["none", "claimed", "unknown", "live", "ended"] as const;
const CLAIMED_AT = Date.parse("2026-12-07T10:00:00.000Z");
const AT = new Date("2026-12-07T10:05:00.000Z");
const STOPPED = ["succeeded", "failed", "canceled"];

/** An asset row in the given status whose stored columns describe the given provider job. */
function assetIn(status: MediaStatus, job: (typeof JOBS)[number]): GenerationAsset {
  const columns = {
    none: { provider_job_id: null, metadata: {} },
    claimed: { provider_job_id: `submitting:${CLAIMED_AT}`, metadata: {} },
    unknown: { provider_job_id: `submitting:${CLAIMED_AT}`, metadata: { providerJob: "unknown" } },
    live: {
      provider_job_id: "video_1",
      metadata: { submittedAt: new Date(CLAIMED_AT).toISOString() },
    },
    ended: { provider_job_id: "video_1", metadata: { providerJob: "ended" } },
  }[job];
  return {
    status,
    progress: 40,
    attempts: 1,
    error_code: status === "failed" ? "TIMEOUT" : null,
    error_message: status === "failed" ? "too slow" : null,
    updated_at: AT,
    deleted_at: null,
    ...columns,
    metadata: { storage: { referenceKey: "ref/1" }, ...columns.metadata },
  };
}

const EVENTS: GenerationEvent[] = [
  { type: "start" },
  { type: "claim", at: CLAIMED_AT },
  { type: "refused" },
  { type: "unanswered" },
  { type: "submitted", operationId: "video_2", claimedAt: CLAIMED_AT, finished: false },
  { type: "providerFailed" },
  { type: "progress", phase: "generating", progress: 50, estimated: false },
  { type: "storing" },
  {
    type: "stored",
    costUsd: 0.4,
    at: AT,
    result: {
      resultUrl: "local:video/1",
      thumbnailUrl: null,
      width: 720,
      height: 1280,
      durationSeconds: 4,
      storage: { resultKey: "video/1", thumbnailKey: null },
      mimeType: "video/mp4",
      bytes: 10,
    },
  },
  {
    type: "fail",
    error: { code: "PROVIDER_ERROR", message: "no" },
    phase: "generating",
    job: "live",
    costUsd: null,
    at: AT,
  },
  { type: "abandon", at: AT },
  { type: "cancel", at: AT },
  { type: "delete", at: AT },
  { type: "retry", at: AT },
];

/** When each event is refused, by the asset's status and its provider job. */
function refusedWhen(event: GenerationEvent["type"], status: MediaStatus, job: string): boolean {
  const stopped = STOPPED.includes(status);
  switch (event) {
    case "start":
    case "cancel":
    case "abandon":
      return stopped;
    case "claim":
      return job !== "none";
    case "refused":
    case "submitted":
      return job !== "claimed";
    case "unanswered":
      return job !== "claimed" && job !== "unknown";
    case "retry":
      return status !== "failed" && status !== "canceled";
    default:
      return false;
  }
}

/** The provider job after each event (when not refused). */
function jobAfter(type: GenerationEvent["type"], job: (typeof JOBS)[number]): ProviderJobState {
  switch (type) {
    case "claim":
      return "claimed";
    case "refused":
      return "none";
    case "unanswered":
      return "unknown";
    case "submitted":
      return "live";
    case "providerFailed":
    case "stored":
      return job === "live" ? "ended" : job;
    case "abandon":
      return job === "claimed" ? "unknown" : job;
    case "retry":
      return job === "live" ? "live" : "none";
    default:
      return job;
  }
}

/** What must still hold in the database when the patch is written. */
function guardOf(type: GenerationEvent["type"]) {
  switch (type) {
    case "claim":
      return { unclaimed: true };
    case "retry":
      return { notStatus: ["queued", "running", "succeeded"] };
    case "start":
    case "progress":
    case "storing":
    case "stored":
    case "fail":
    case "abandon":
    case "cancel":
      return { notStatus: STOPPED };
    default:
      return {};
  }
}

function applied(result: TransitionResult) {
  if ("refused" in result) throw new Error(`refused: ${result.refused}`);
  return result;
}

describe("transition: every status × provider job × event", () => {
  for (const status of STATUSES) {
    for (const job of JOBS) {
      describe(`${status}, provider job ${job}`, () => {
        it("decodes the provider job from the row", () => {
          expect(providerJobOf(assetIn(status, job)).state).toBe(job);
        });
        for (const event of EVENTS) {
          it(event.type, () => {
            const result = transition(assetIn(status, job), event);
            if (refusedWhen(event.type, status, job)) {
              expect(result).toHaveProperty("refused");
              return;
            }
            const next = applied(result);
            expect(next.job.state).toBe(jobAfter(event.type, job));
            expect(next.guard).toEqual(guardOf(event.type));
          });
        }
      });
    }
  }
});

describe("the money rules", () => {
  it("claims before it submits: only an asset with no provider job may be claimed", () => {
    const claim = applied(
      transition(assetIn("running", "none"), { type: "claim", at: CLAIMED_AT }),
    );
    expect(claim.patch).toEqual({ provider_job_id: `submitting:${CLAIMED_AT}` });
    // The guard makes the claim atomic: a second worker finds the id written and stops.
    expect(claim.guard).toEqual({ unclaimed: true });
    expect(claim.event).toBeNull();
    expect(nextStep({ state: "none" })).toBe("submit");
  });

  it("saves the provider's job id and the claim time (the deadline's start) first", () => {
    const next = applied(
      transition(assetIn("running", "claimed"), {
        type: "submitted",
        operationId: "video_9",
        claimedAt: CLAIMED_AT,
        finished: false,
      }),
    );
    expect(next.patch.provider_job_id).toBe("video_9");
    expect(next.patch.metadata).toMatchObject({
      submittedAt: new Date(CLAIMED_AT).toISOString(),
      storage: { referenceKey: "ref/1" },
    });
    expect(next.event).toMatchObject({ status: "running", phase: "generating", progress: 1 });
    expect(next.job).toEqual({ state: "live", id: "video_9" });
  });

  it("a synchronous answer leaves no job to resume", () => {
    const next = applied(
      transition(assetIn("running", "claimed"), {
        type: "submitted",
        operationId: "img_1",
        claimedAt: CLAIMED_AT,
        finished: true,
      }),
    );
    expect(next.job.state).toBe("ended");
  });

  it("an answered refusal releases the claim; an unanswered create keeps it", () => {
    const refused = applied(transition(assetIn("running", "claimed"), { type: "refused" }));
    expect(refused.patch).toEqual({ provider_job_id: null });
    const lost = applied(transition(assetIn("running", "claimed"), { type: "unanswered" }));
    expect(lost.patch).toEqual({});
    expect(lost.job).toEqual({ state: "unknown", claimedAt: CLAIMED_AT });
  });

  it("never re-sends an unanswered create: after a crash mid-submit the run stops", () => {
    for (const job of ["claimed", "unknown"] as const) {
      const asset = assetIn("running", job);
      expect(nextStep(providerJobOf(asset))).toBe("interrupted");
      expect(transition(asset, { type: "claim", at: Date.now() })).toHaveProperty("refused");
    }
    // A crashed row is started again (the run then fails it as unknown, never submits).
    const start = applied(transition(assetIn("running", "claimed"), { type: "start" }));
    expect(start.patch).toEqual({ status: "running", attempts: 2 });
    expect(start.event).toMatchObject({ phase: "generating" });
  });

  it("follows a saved job after a crash instead of submitting again", () => {
    expect(nextStep(providerJobOf(assetIn("running", "live")))).toBe("poll");
    expect(nextStep(providerJobOf(assetIn("running", "ended")))).toBe("poll");
    expect(applied(transition(assetIn("queued", "none"), { type: "start" })).event).toMatchObject({
      status: "running",
      phase: "submitting",
    });
  });

  it("Retry resumes a job that may still finish, keeping its submission time", () => {
    const asset = assetIn("failed", "live");
    expect(retryPlan(asset)).toBe("resume");
    const next = applied(transition(asset, { type: "retry", at: AT }));
    expect(next.patch).not.toHaveProperty("provider_job_id");
    expect(next.patch).not.toHaveProperty("cost_usd");
    expect(next.patch).toMatchObject({ status: "queued", progress: 0, error_code: null });
    expect(next.patch.metadata).toEqual({
      storage: { referenceKey: "ref/1" },
      submittedAt: new Date(CLAIMED_AT).toISOString(),
      resumedAt: AT.toISOString(),
      previousErrors: [
        { code: "TIMEOUT", message: "too slow", at: AT.toISOString(), retry: "resume" },
      ],
    });
  });

  it("Retry starts a new job only when none can still finish (the user confirmed: new)", () => {
    for (const job of ["none", "claimed", "unknown", "ended"] as const) {
      const asset = assetIn("failed", job);
      expect(retryPlan(asset)).toBe("new");
      const next = applied(transition(asset, { type: "retry", at: AT }));
      expect(next.patch).toMatchObject({ provider_job_id: null, cost_usd: null });
      expect(next.patch.metadata).not.toHaveProperty("providerJob");
      expect(next.patch.metadata).not.toHaveProperty("submittedAt");
      expect(nextStep(next.job)).toBe("submit");
    }
  });

  it("keeps the earlier errors across Retries, and two Retry clicks make one job", () => {
    const asset = assetIn("canceled", "live");
    asset.metadata.previousErrors = [{ code: "X", message: "first", at: "t", retry: "new" }];
    const next = applied(transition(asset, { type: "retry", at: AT }));
    expect((next.patch.metadata as { previousErrors: unknown[] }).previousErrors).toHaveLength(2);
    expect(next.guard.notStatus).toEqual(["queued", "running", "succeeded"]);
  });

  it("charges only what the worker says was delivered", () => {
    const stored = EVENTS.find((e) => e.type === "stored") as GenerationEvent;
    const done = applied(transition(assetIn("running", "live"), stored));
    expect(done.patch).toMatchObject({ status: "succeeded", cost_usd: 0.4, progress: 100 });
    expect(done.patch.metadata).toMatchObject({
      providerJob: "ended",
      storage: { referenceKey: "ref/1", resultKey: "video/1", thumbnailKey: null },
    });
    const failed = applied(
      transition(assetIn("running", "live"), {
        type: "fail",
        error: { code: "TIMEOUT", message: "late" },
        phase: "storing",
        job: "live",
        costUsd: null,
        at: AT,
      }),
    );
    expect(failed.patch).toMatchObject({ status: "failed", cost_usd: null, error_code: "TIMEOUT" });
    expect(failed.patch.metadata).toMatchObject({ providerJob: "live" });
    expect(failed.event).toMatchObject({ kind: "error", phase: "storing", progress: 40 });
  });

  it("a download that fails keeps the job live, so Retry downloads again", () => {
    expect(applied(transition(assetIn("running", "live"), { type: "storing" })).job.state).toBe(
      "live",
    );
  });

  it("abandons a job whose workers kept dying with what is known of it", () => {
    const live = applied(transition(assetIn("running", "live"), { type: "abandon", at: AT }));
    expect(live.patch).toMatchObject({ status: "failed", error_code: "TIMEOUT" });
    expect(live.patch.metadata).toMatchObject({ providerJob: "live" });
    expect(live.patch.error_message).toMatch(/Retry picks it up again, with no new charge/);
    const claimed = applied(transition(assetIn("running", "claimed"), { type: "abandon", at: AT }));
    expect(claimed.patch.metadata).toMatchObject({ providerJob: "unknown" });
    expect(retryPlan({ ...assetIn("failed", "claimed"), ...claimed.patch } as never)).toBe("new");
    const none = applied(transition(assetIn("queued", "none"), { type: "abandon", at: AT }));
    expect(none.patch.metadata).toMatchObject({ providerJob: "none" });
  });

  it("cancel stops an active asset; delete also soft-deletes a stopped one", () => {
    const cancel = applied(transition(assetIn("running", "live"), { type: "cancel", at: AT }));
    expect(cancel.patch).toEqual({ status: "canceled", completed_at: AT });
    expect(transition(assetIn("succeeded", "ended"), { type: "cancel", at: AT })).toEqual({
      refused: "This generation already succeeded.",
    });
    const active = applied(transition(assetIn("queued", "none"), { type: "delete", at: AT }));
    expect(active.patch).toEqual({ deleted_at: AT, status: "canceled", completed_at: AT });
    const done = applied(transition(assetIn("succeeded", "ended"), { type: "delete", at: AT }));
    expect(done.patch).toEqual({ deleted_at: AT });
    expect(done.event).toMatchObject({ status: "succeeded", phase: "done" });
  });

  it("a deleted asset is never started again", () => {
    const asset = { ...assetIn("queued", "none"), deleted_at: AT };
    expect(transition(asset, { type: "start" })).toHaveProperty("refused");
  });

  it("reads rows from before providerJob existed as live (polling is cheaper than a second create)", () => {
    expect(providerJobOf({ provider_job_id: "op_1", metadata: {} }).state).toBe("live");
    expect(providerJobOf({ provider_job_id: "op_1", metadata: { providerJob: 7 } }).state).toBe(
      "live",
    );
  });
});
