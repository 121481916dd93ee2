// A post as the posting domain sees it: the fields of a scheduled_posts row that body building,
// Zernio answers and transitions read, and the patch they write. Structural, so this package needs
// no database: packages/db's ScheduledPost fits PostRecord, and a PostPatch fits its update type.

/** Where a post is. The same list as packages/db's SCHEDULED_POST_STATUSES (checked there). */
export const POST_STATES = [
  "queued",
  "sending",
  "scheduled",
  "publishing",
  "published",
  "partial",
  "failed",
  "cancelled",
] as const;
export type PostState = (typeof POST_STATES)[number];

/** A post in one of these never changes again by itself (social.retry may re-open failed/partial). */
export const TERMINAL_POST_STATES: readonly PostState[] = [
  "published",
  "partial",
  "failed",
  "cancelled",
];

export type PostTargetRecord = { accountId: string; platform: string };
export type PostCaptionRecord = { captionId: string; text: string; title: string | null };
/** One platform's outcome, our platform ids (x, not twitter). */
export type PostPlatformResult = {
  platform: string;
  accountId: string;
  /** pending | scheduled | publishing | published | failed | cancelled */
  status: string;
  url: string | null;
  publishedAt: string | null;
  errorMessage: string | null;
  errorCategory: string | null;
};

export interface PostRecord {
  id: string;
  status: PostState;
  targets: PostTargetRecord[];
  captions: Record<string, PostCaptionRecord>;
  results: PostPlatformResult[];
  publish_now: boolean;
  scheduled_for: Date | null;
  scheduled_local: string | null;
  timezone: string | null;
  zernio_post_id: string | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  completed_at: Date | null;
  metadata: { [key: string]: unknown };
}

/** What a transition writes on the row. */
export type PostPatch = Partial<
  Pick<
    PostRecord,
    | "status"
    | "results"
    | "captions"
    | "publish_now"
    | "scheduled_for"
    | "scheduled_local"
    | "timezone"
    | "zernio_post_id"
    | "attempts"
    | "error_code"
    | "error_message"
    | "completed_at"
    | "metadata"
  >
>;
