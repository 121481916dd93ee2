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
