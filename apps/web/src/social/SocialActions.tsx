// The social actions on a result card: Post (the one entry to the Post dialog: now, at a time, or
// the queue), Generate Caption and the per-platform status chips. The caption panel and the Post
// dialog (and twitter-text, which counts X posts) load on first use, so the studio's first screen
// does not carry them.
import { lazy, Suspense, useEffect, useId, useState } from "react";
import { toast } from "sonner";
import { toastApiError } from "../lib/errors";
import { useLiveProgress } from "../studio/progress";
import { type MediaAsset, trpc } from "../trpc";
import { PLATFORM_LABEL, PlatformIcon, type ScheduledPost } from "./platforms";
import { resumeAfterConnect, scheduleStore, useScheduleRequest } from "./store";
import "./social.css";
import { Hint } from "../studio/Hint";

const loadCaptionPanel = () => import("./CaptionPanel");
const loadScheduleDialog = () => import("./ScheduleDialog");
const CaptionPanel = lazy(loadCaptionPanel);
const ScheduleDialog = lazy(loadScheduleDialog);

type Variant = "preview" | "grid" | "lightbox";

/**
 * Back from Zernio's sign-in page: says which account was connected and reopens the schedule
 * dialog that was open when the user left (once per page load).
 */
export function useConnectReturn(): void {
  useEffect(() => {
    const back = resumeAfterConnect();
    if (!back) return;
    const label = PLATFORM_LABEL[back.platform as keyof typeof PLATFORM_LABEL] ?? back.platform;
    toast.success(`${label} connected${back.username ? ` as @${back.username}` : ""}`);
    if (!scheduleStore.isOpen()) return;
    // The dialog's module loads on demand: fetch it now so it opens without a second wait.
    void loadScheduleDialog();
  }, []);
}
const isReady = (asset: MediaAsset) => asset.status === "succeeded" && Boolean(asset.resultUrl);

/** "Post": opens the Post dialog (on "Now"; At a time and Add to queue are in it). Also hosts that card's dialog. */
export function PostAction(props: { asset: MediaAsset; variant: Variant }) {
  const { asset, variant } = props;
  const request = useScheduleRequest(asset.id, variant);
  const ready = isReady(asset);
  return (
    <>
      <Hint
        text={
          ready ? "Post it now, at a time, or add it to the queue" : "Post once the result is ready"
        }
      >
        <button
          type="button"
          className={`button button-small${ready ? "" : " is-disabled"}`}
          aria-disabled={ready ? undefined : "true"}
          onPointerEnter={ready ? () => void loadScheduleDialog() : undefined}
          onClick={() =>
            ready
              ? scheduleStore.open({ assetId: asset.id, variant, postNow: true })
              : toast.info("Post once the result is ready", { id: "post-not-ready" })
          }
        >
          Post
        </button>
      </Hint>
      {request && (
        <Suspense fallback={null}>
          <ScheduleDialog asset={asset} request={request} onClose={() => scheduleStore.close()} />
        </Suspense>
      )}
    </>
  );
}

/** The preview's next step: Generate Caption (the panel opens under the card); Post is on the card. */
export function SocialNext(props: { asset: MediaAsset; variant: Variant }) {
  const { asset } = props;
  const [captionsOpen, setCaptionsOpen] = useState(false);
  const panelId = useId();
  return (
    <>
      <div className="asset-actions asset-next">
        <button
          type="button"
          className="button button-small"
          aria-expanded={captionsOpen}
          aria-controls={captionsOpen ? panelId : undefined}
          onPointerEnter={() => void loadCaptionPanel()}
          onClick={() => setCaptionsOpen((open) => !open)}
        >
          {captionsOpen ? "Hide Captions" : "Generate Caption"}
        </button>
      </div>
      {captionsOpen && (
        <Suspense
          fallback={
            <p className="hint" role="status">
              Loading captions…
            </p>
          }
        >
          <CaptionPanel id={panelId} asset={asset} />
        </Suspense>
      )}
    </>
  );
}

/** Every post event (they come on the studio's one media.onProgress stream) refetches the posts. */
const handledEvents = new WeakSet<object>();

/** The user's posts, one query for every card; refreshed by post events. */
export function useAssetPosts(assetId: string): ScheduledPost[] {
  const utils = trpc.useUtils();
  const event = useLiveProgress(assetId);
  useEffect(() => {
    if (event && event.kind === "post" && !handledEvents.has(event)) {
      handledEvents.add(event);
      void utils.social.posts.invalidate();
    }
  }, [event, utils]);
  const posts = trpc.social.posts.useQuery({}, { staleTime: 30_000 });
  return (posts.data ?? []).filter((post) => post.assetId === assetId);
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});

/** Per-platform status of this asset's posts: Scheduled for …, Publishing, Published → link, Failed. */
export function PostStatusChips(props: { asset: MediaAsset; variant: Variant }) {
  const { asset, variant } = props;
  const posts = useAssetPosts(asset.id).filter((post) => post.status !== "cancelled");
  const utils = trpc.useUtils();
  const done = () => void utils.social.posts.invalidate();
  const retry = trpc.social.retry.useMutation({
    onSuccess: () => {
      toast.success("Publishing the failed platforms again");
      done();
    },
    onError: toastApiError,
  });
  const cancel = trpc.social.cancel.useMutation({
    onSuccess: () => {
      toast.success("Scheduled post cancelled");
      done();
    },
    onError: toastApiError,
  });
  if (posts.length === 0) return null;
  const shown = variant === "grid" ? posts.slice(0, 1) : posts.slice(0, 4);
  return (
    <ul className="post-list" aria-label="Posts">
      {shown.map((post) => (
        <li key={post.id} className="post-item" data-post-status={post.status}>
          <ul className="post-chips">
            {post.status === "partial" && (
              <li className="post-chip chip-partial">Partial: some platforms failed</li>
            )}
            {post.platforms.map((target) => (
              <li
                key={`${target.accountId}-${target.platform}`}
                className={`post-chip chip-${chipKind(post, target.status)}`}
                data-platform={target.platform}
              >
                <PlatformIcon platform={target.platform} />
                <span className="visually-hidden">{PLATFORM_LABEL[target.platform]}: </span>
                <ChipText post={post} target={target} />
              </li>
            ))}
          </ul>
          {variant === "preview" && (post.canRetry || post.canCancel) && (
            <div className="post-actions">
              {post.canRetry && (
                <button
                  type="button"
                  className="button button-small"
                  disabled={retry.isPending}
                  onClick={() => retry.mutate({ postId: post.id })}
                >
                  Retry
                </button>
              )}
              {post.canCancel && !post.publishNow && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() =>
                    scheduleStore.open({
                      assetId: asset.id,
                      variant,
                      postNow: false,
                      postId: post.id,
                    })
                  }
                >
                  Reschedule
                </button>
              )}
              {post.canCancel && (
                <button
                  type="button"
                  className="button button-small button-danger-ghost"
                  disabled={cancel.isPending}
                  onClick={() => cancel.mutate({ postId: post.id })}
                >
                  Cancel post
                </button>
              )}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

type Target = ScheduledPost["platforms"][number];

function chipKind(post: ScheduledPost, status: string): string {
  if (status === "published" || status === "failed" || status === "publishing") return status;
  if (status === "cancelled") return "cancelled";
  return post.publishNow ? "publishing" : "scheduled";
}

function ChipText(props: { post: ScheduledPost; target: Target }) {
  const { post, target } = props;
  const kind = chipKind(post, target.status);
  const handle = target.handle ? ` @${target.handle}` : "";
  switch (kind) {
    case "published":
      return target.url ? (
        <a href={target.url} target="_blank" rel="noopener noreferrer">
          Published{handle} ↗
        </a>
      ) : (
        <span>Published{handle}</span>
      );
    case "failed":
      return (
        <span title={target.errorMessage ?? undefined}>
          Failed{handle}: {target.errorMessage ?? post.error?.message ?? "the platform refused it"}
        </span>
      );
    case "publishing":
      return <span>Publishing{handle}…</span>;
    case "cancelled":
      return <span>Cancelled{handle}</span>;
    default:
      return (
        <span>
          Scheduled for{" "}
          {post.scheduledFor ? (
            <time dateTime={new Date(post.scheduledFor).toISOString()}>
              {timeFormat.format(new Date(post.scheduledFor))}
            </time>
          ) : (
            "later"
          )}
          {handle}
        </span>
      );
  }
}
