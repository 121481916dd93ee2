import type { RouterInputs, RouterOutputs } from "@streamline/api";

export type ListedPost = RouterOutputs["social"]["list"]["items"][number];
export type ListInput = RouterInputs["social"]["list"];

/** What the filter bar holds; the list and the calendar turn it into social.list input. */
export type PostFilters = {
  status: string;
  platform: string;
  accountId: string;
  /** Local days "YYYY-MM-DD" in the user's zone, inclusive; "" = open. */
  fromDay: string;
  toDay: string;
  q: string;
};

export const NO_FILTERS: PostFilters = {
  status: "",
  platform: "",
  accountId: "",
  fromDay: "",
  toDay: "",
  q: "",
};

export const STATUS_LABEL: Record<string, string> = {
  queued: "Queued",
  sending: "Sending",
  scheduled: "Scheduled",
  publishing: "Publishing",
  published: "Published",
  partial: "Partly published",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** The page's heading: focus lands there when the focused post leaves the list. */
export const POSTS_TITLE_ID = "posts-title";

/** A post on its way out: the listing is read again every few seconds while one is shown. */
const IN_FLIGHT = new Set(["queued", "sending", "publishing"]);
export const FOLLOW_MS = 4_000;

export function followWhileInFlight(query: {
  state: { data?: { pages: Array<{ items: ListedPost[] }> } | undefined };
}): number | false {
  const pages = query.state.data?.pages ?? [];
  return pages.some((page) => page.items.some((post) => IN_FLIGHT.has(post.status)))
    ? FOLLOW_MS
    : false;
}
