// The list view: the upcoming queue (soonest first) or the history (published, partial, failed,
// cancelled; newest first), a page of 20 at a time through social.list's cursor. Posts can be
// selected (checkboxes, Shift for a range) and cancelled or moved together (BulkBar).
import { trpc } from "../trpc";
import { BulkBar } from "./BulkBar";
import { filterInput } from "./Filters";
import { PostCard } from "./PostCard";
import { useSelection } from "./selection";
import { followWhileInFlight, type ListedPost, type PostFilters } from "./types";
import type { PostActions } from "./usePostActions";

const NO_POSTS: ListedPost[] = [];

export function PostList(props: {
  view: "upcoming" | "history";
  filters: PostFilters;
  q: string;
  zone: string;
  actions: PostActions;
}) {
  const { view, zone } = props;
  const input = { ...filterInput(props.filters, zone, props.q), view };
  const pages = trpc.social.list.useInfiniteQuery(input, {
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 15_000,
    refetchInterval: followWhileInFlight,
  });
  const posts = pages.data?.pages.flatMap((page) => page.items) ?? NO_POSTS;
  const selection = useSelection(posts.map((p) => p.id));
  if (pages.isPending) {
    return (
      <p className="muted" role="status">
        Loading posts…
      </p>
    );
  }
  if (pages.isError) {
    return (
      <p className="notice notice-error" role="alert">
        Could not load the posts: {pages.error.message}
      </p>
    );
  }
  return (
    <section aria-label={view === "upcoming" ? "Upcoming posts" : "Post history"}>
      <p className="muted" role="status">
        {posts.length === 0
          ? view === "upcoming"
            ? "Nothing is scheduled. Post or schedule from the studio."
            : "No published, failed or cancelled posts yet."
          : `${posts.length}${pages.hasNextPage ? "+" : ""} post${posts.length === 1 && !pages.hasNextPage ? "" : "s"}`}
      </p>
      {posts.length > 0 && (
        <BulkBar posts={posts} selection={selection} zone={zone} actions={props.actions} />
      )}
      <ul className="posts-items">
        {posts.map((post) => (
          <PostCard
            key={post.id}
            post={post}
            zone={zone}
            actions={props.actions}
            selection={selection}
          />
        ))}
      </ul>
      {pages.hasNextPage && (
        <button
          type="button"
          className="button posts-more"
          disabled={pages.isFetchingNextPage}
          onClick={() => void pages.fetchNextPage()}
        >
          {pages.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}
