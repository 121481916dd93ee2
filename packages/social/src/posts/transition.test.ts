import { describe, expect, it } from "vitest";
import type { PostStatus } from "../types";
import { POST_STATES, type PostRecord, type PostState } from "./record";
import { type PostEvent, type PostEventType, transitionPost } from "./transition";

const NOW = new Date("2026-12-07T10:00:00Z");

function post(status: PostState, sent: boolean, over: Partial<PostRecord> = {}): PostRecord {
  return {
    id: "post-1",
    status,
    targets: [
      { platform: "x", accountId: "acc-x" },
      { platform: "instagram", accountId: "acc-ig" },
    ],
    captions: { x: { captionId: "c1", text: "hello", title: null } },
    results: [],
    publish_now: false,
    scheduled_for: new Date("2026-12-08T10:00:00Z"),
    scheduled_local: "2026-12-08T11:00",
    timezone: "Europe/Berlin",
    zernio_post_id: sent ? "z-1" : null,
    attempts: 1,
    error_code: null,
    error_message: null,
    completed_at: null,
    metadata: { tiktok: { consent: true } },
    ...over,
  };
}

const answer = (status: PostStatus["status"], platform = "published"): PostStatus => ({
  id: "z-1",
  status,
  scheduledFor: null,
  timezone: null,
  platforms: [
    {
      platform: "twitter",
      accountId: "acc-x",
      status: platform,
      platformPostUrl: platform === "published" ? "https://x.com/p/1" : null,
      publishedAt: null,
      errorMessage: platform === "failed" ? "refused" : null,
      errorCategory: null,
    },
  ],
});

const timing = {
  publish_now: true,
  scheduled_for: null,
  scheduled_local: null,
  timezone: null,
};
const captions = { x: { captionId: "c2", text: "edited", title: null } };

const EVENTS: Record<PostEventType, PostEvent> = {
  unconfigured: { type: "unconfigured" },
  send: { type: "send" },
  created: {
    type: "created",
    created: { postId: "z-1", post: undefined, duplicate: false, warnings: [] },
  },
  interrupted: { type: "interrupted" },
  sendFailed: {
    type: "sendFailed",
    failure: { code: "VALIDATION", message: "Too long", category: "user_content" },
  },
  zernioAnswered: { type: "zernioAnswered", status: answer("published") },
  goneAtZernio: { type: "goneAtZernio" },
  withdrawn: { type: "withdrawn" },
  edit: { type: "edit", captions, timing, status: answer("scheduled", "pending") },
  cancel: { type: "cancel" },
  retry: { type: "retry", status: answer("publishing", "publishing") },
  restore: { type: "restore" },
};

/** The states each event applies in: [post never sent to Zernio, post Zernio has]. */
const APPLIES: Record<PostEventType, [PostState[], PostState[]]> = {
  unconfigured: [["queued", "sending"], []],
  send: [["queued", "sending"], []],
  created: [["sending"], ["sending"]],
  interrupted: [["sending"], ["sending"]],
  sendFailed: [["sending"], ["sending"]],
  zernioAnswered: [[], [...POST_STATES]],
  goneAtZernio: [[], ["queued", "sending", "scheduled", "publishing"]],
  withdrawn: [[], ["scheduled"]],
  edit: [["queued"], ["queued", "scheduled"]],
  cancel: [["queued"], ["queued", "scheduled"]],
  retry: [["failed"], ["failed", "partial"]],
  restore: [["cancelled"], ["cancelled"]],
};

describe("transitionPost: every state × event", () => {
  const cases = POST_STATES.flatMap((state) =>
    (Object.keys(EVENTS) as PostEventType[]).flatMap((type) =>
      [false, true].map((sent) => ({ state, type, sent })),
    ),
  );
  it.each(cases)("$type in $state (sent to Zernio: $sent)", ({ state, type, sent }) => {
    const change = transitionPost(post(state, sent), EVENTS[type], NOW);
    const applies = APPLIES[type][sent ? 1 : 0].includes(state);
    expect(change !== undefined).toBe(applies);
    if (!change) return;
    // A guarded change is only written while the row is still where the decision saw it.
    if (change.guard) expect(change.guard).toContain(state);
  });
});

describe("transitionPost: the crash and retry rules", () => {
  it("send moves to sending before anything reaches Zernio, and counts the attempt", () => {
    const change = transitionPost(post("queued", false), { type: "send" }, NOW);
    expect(change).toEqual({
      patch: {
        status: "sending",
        attempts: 2,
        results: [
          expect.objectContaining({ platform: "x", status: "pending" }),
          expect.objectContaining({ platform: "instagram", status: "pending" }),
        ],
      },
      guard: ["queued", "sending"],
    });
  });

  it("a send interrupted by a shutdown goes back to queued, only from sending", () => {
    expect(transitionPost(post("sending", false), { type: "interrupted" }, NOW)).toEqual({
      patch: { status: "queued" },
      guard: ["sending"],
    });
  });

  it("saves Zernio's post id with the answer, so the post is only followed from then on", () => {
    const created = {
      postId: "z-9",
      post: undefined,
      duplicate: true,
      duplicateOf: "request-id" as const,
      warnings: ["w"],
    };
    const change = transitionPost(post("sending", false), { type: "created", created }, NOW);
    expect(change?.guard).toBeUndefined();
    expect(change?.patch).toMatchObject({
      status: "scheduled",
      zernio_post_id: "z-9",
      error_code: null,
      error_message: null,
      metadata: { tiktok: { consent: true }, linkedExisting: "request-id", zernioWarnings: ["w"] },
    });
    const now = transitionPost(
      post("sending", false, { publish_now: true }),
      { type: "created", created: { ...created, duplicate: false, warnings: [] } },
      NOW,
    );
    expect(now?.patch.status).toBe("publishing");
    expect(now?.patch.metadata).toEqual({ tiktok: { consent: true } });
    // A sent post is never sent again.
    expect(transitionPost(post("queued", true), { type: "send" }, NOW)).toBeUndefined();
  });

  it("a transient failure re-queues with the time; a final one fails every platform", () => {
    const failure = { code: "SERVER", message: "Zernio is down", category: null };
    const retryAt = new Date("2026-12-07T10:05:00Z");
    expect(
      transitionPost(post("sending", false), { type: "sendFailed", failure, retryAt }, NOW),
    ).toEqual({
      patch: {
        status: "queued",
        error_code: "SERVER",
        error_message: "Zernio is down — trying again at 2026-12-07T10:05:00.000Z.",
      },
      guard: ["sending"],
    });
    const final = transitionPost(post("sending", false), { type: "sendFailed", failure }, NOW);
    expect(final?.guard).toEqual(["sending", "queued"]);
    expect(final?.patch).toMatchObject({
      status: "failed",
      error_code: "SERVER",
      completed_at: NOW,
    });
    expect(final?.patch.results?.map((r) => r.status)).toEqual(["failed", "failed"]);
  });

  it("a final failure with a platform's own message (Zernio's validation finding) puts it there", () => {
    const failure = {
      code: "VALIDATION",
      message: "Zernio refused the post — X: Too long",
      category: "user_content",
      byPlatform: { x: "Too long" },
    };
    const final = transitionPost(post("sending", false), { type: "sendFailed", failure }, NOW);
    expect(final?.patch.results?.map((r) => [r.platform, r.errorMessage, r.errorCategory])).toEqual(
      [
        ["x", "Too long", "user_content"],
        ["instagram", "Zernio refused the post — X: Too long", "user_content"],
      ],
    );
  });

  it("a Zernio answer that changes nothing writes nothing", () => {
    const current = post("publishing", true);
    const first = transitionPost(
      current,
      { type: "zernioAnswered", status: answer("publishing", "publishing") },
      NOW,
    );
    expect(first?.patch.status).toBe("publishing");
    const after = { ...current, ...first?.patch } as PostRecord;
    expect(
      transitionPost(
        after,
        { type: "zernioAnswered", status: answer("publishing", "publishing") },
        NOW,
      ),
    ).toBeUndefined();
  });

  it("cancel: unsent only while queued; sent (deleted at Zernio) while queued or scheduled", () => {
    expect(transitionPost(post("queued", false), { type: "cancel" }, NOW)?.guard).toEqual([
      "queued",
    ]);
    const sent = transitionPost(
      post("scheduled", true, { results: [answerResult()] }),
      { type: "cancel" },
      NOW,
    );
    expect(sent?.guard).toEqual(["queued", "scheduled"]);
    expect(sent?.patch).toEqual({
      status: "cancelled",
      completed_at: NOW,
      results: [{ ...answerResult(), status: "cancelled" }],
    });
  });

  it("retry: an unsent failed post is queued again (same request id); a sent one takes Zernio's answer", () => {
    expect(
      transitionPost(post("failed", false, { error_code: "SERVER" }), { type: "retry" }, NOW),
    ).toEqual({
      patch: { status: "queued", error_code: null, error_message: null, completed_at: null },
      guard: ["failed"],
    });
    // Partial but never sent to Zernio is not a state a retry can start from.
    expect(transitionPost(post("partial", false), { type: "retry" }, NOW)).toBeUndefined();
    const sent = transitionPost(
      post("partial", true),
      { type: "retry", status: answer("publishing", "publishing") },
      NOW,
    );
    expect(sent?.patch).toMatchObject({ status: "publishing", attempts: 2, completed_at: null });
    expect(transitionPost(post("partial", true), { type: "retry" }, NOW)).toBeUndefined();
  });

  it("edit: unsent rows change under a queued guard; sent ones take Zernio's answer", () => {
    const unsent = transitionPost(post("queued", false), { type: "edit", captions, timing }, NOW);
    expect(unsent).toEqual({ patch: { captions, ...timing }, guard: ["queued"] });
    const sent = transitionPost(post("scheduled", true), EVENTS.edit, NOW);
    expect(sent?.guard).toBeUndefined();
    expect(sent?.patch).toMatchObject({ captions, publish_now: true, status: "scheduled" });
  });

  it("withdrawn and gone: the post ends cancelled or failed with the reason", () => {
    expect(
      transitionPost(post("scheduled", true), { type: "withdrawn" }, NOW)?.patch,
    ).toMatchObject({ status: "cancelled", error_code: "MEDIA_DELETED", completed_at: NOW });
    expect(
      transitionPost(post("publishing", true), { type: "goneAtZernio" }, NOW)?.patch,
    ).toMatchObject({ status: "failed", error_code: "NOT_FOUND", completed_at: NOW });
    expect(
      transitionPost(post("queued", false), { type: "unconfigured" }, NOW)?.patch,
    ).toMatchObject({ status: "failed", error_code: "NOT_CONFIGURED", completed_at: NOW });
  });
});

function answerResult() {
  return {
    platform: "x",
    accountId: "acc-x",
    status: "scheduled",
    url: null,
    publishedAt: null,
    errorMessage: null,
    errorCategory: null,
  };
}

describe("transitionPost: undoing a cancel (restore)", () => {
  it("queues the post again without Zernio's id, under a new x-request-id each time", () => {
    const cancelled = post("cancelled", true, { completed_at: NOW });
    const first = transitionPost(cancelled, { type: "restore" }, NOW);
    expect(first).toMatchObject({
      patch: {
        status: "queued",
        zernio_post_id: null,
        completed_at: null,
        metadata: { tiktok: { consent: true }, restores: 1, sendKey: "post-1.r1" },
      },
      guard: ["cancelled"],
    });
    const again = transitionPost(
      post("cancelled", true, { metadata: { restores: 1, sendKey: "post-1.r1" } }),
      { type: "restore" },
      NOW,
    );
    expect(again?.patch.metadata).toMatchObject({ restores: 2, sendKey: "post-1.r2" });
  });

  it("never for a post Now, a withdrawn one, or one that published somewhere", () => {
    const now = post("cancelled", true, { publish_now: true });
    const withdrawn = post("cancelled", true, { error_code: "MEDIA_DELETED" });
    const published = post("cancelled", true, {
      results: [
        {
          platform: "x",
          accountId: "acc-x",
          status: "published",
          url: null,
          publishedAt: null,
          errorMessage: null,
          errorCategory: null,
        },
      ],
    });
    for (const p of [now, withdrawn, published]) {
      expect(transitionPost(p, { type: "restore" }, NOW)).toBeUndefined();
    }
  });
});
