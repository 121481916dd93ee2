// What can be done to one generation — delete, retry (or resume), cancel, star — and how each
// answer updates the cached copies of it (the history's pages and its own row), in one place for
// the preview card, the grid card and the lightbox.
import { useQueryClient } from "@tanstack/react-query";
import { getQueryKey } from "@trpc/react-query";
import { toast } from "sonner";
import { toastApiError } from "../lib/errors";
import { type MediaAsset, trpc } from "../trpc";
import { progressStore } from "./progress";

type ListPages = { pages: { items: MediaAsset[]; nextCursor: string | null }[] };

/** Every loaded page of the history, each page's items mapped by `change`. */
export function useEditHistory() {
  const queryClient = useQueryClient();
  return (change: (items: MediaAsset[]) => MediaAsset[]) =>
    queryClient.setQueriesData<ListPages>({ queryKey: getQueryKey(trpc.media.list) }, (data) =>
      data?.pages
        ? { ...data, pages: data.pages.map((p) => ({ ...p, items: change(p.items) })) }
        : data,
    );
}

const deletedText = (cancelledPosts: number) =>
  cancelledPosts
    ? `Deleted; ${cancelledPosts === 1 ? "its scheduled post was" : `${cancelledPosts} scheduled posts were`} cancelled`
    : "Deleted";

/**
 * Delete, retry and cancel for one card. `onSettled` runs after a delete or a retry succeeded
 * (the card closes its confirm dialog), `onDeleted` after a delete (focus moves on).
 */
export function useAssetActions(options: {
  onDone?: () => void;
  onDeleted?: (id: string) => void;
}) {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const editHistory = useEditHistory();

  const refresh = (updated: MediaAsset) => {
    progressStore.forget(updated.id);
    utils.media.byId.setData({ id: updated.id }, updated);
    void utils.media.list.invalidate();
  };
  const remove = trpc.media.delete.useMutation({
    onSuccess({ id, cancelledPosts }) {
      options.onDone?.();
      // Gone from every loaded page at once; the refetch confirms it.
      editHistory((items) => items.filter((a) => a.id !== id));
      void utils.media.list.invalidate();
      queryClient.removeQueries({ queryKey: getQueryKey(trpc.media.byId, { id }) });
      options.onDeleted?.(id);
      // Its scheduled posts were cancelled: the chips and the queue say so.
      void utils.social.posts.invalidate();
      toast.success(deletedText(cancelledPosts));
    },
    onError: (error) => toastApiError(error),
  });
  const retry = trpc.media.retry.useMutation({
    onSuccess: (updated) => {
      options.onDone?.();
      refresh(updated);
    },
    onError: (error) => toastApiError(error),
  });
  const cancel = trpc.media.cancel.useMutation({
    onSuccess: refresh,
    onError: (error) => toastApiError(error),
  });
  return {
    remove: (asset: MediaAsset) => remove.mutate({ id: asset.id }),
    retry: (asset: MediaAsset) => retry.mutate({ id: asset.id }),
    cancel: (asset: MediaAsset) => cancel.mutate({ id: asset.id }),
    removing: remove.isPending,
    retrying: retry.isPending,
    canceling: cancel.isPending,
  };
}

/** Star / unstar: every loaded copy of the asset changes at once; the refetch confirms it. */
export function useStar() {
  const utils = trpc.useUtils();
  const editHistory = useEditHistory();
  const patch = (id: string, starred: boolean) => {
    utils.media.byId.setData({ id }, (a) => (a ? { ...a, starred } : a));
    editHistory((items) => items.map((a) => (a.id === id ? { ...a, starred } : a)));
  };
  const star = trpc.media.star.useMutation({
    onMutate: ({ id, starred }) => patch(id, starred),
    onError: (error, { id, starred }) => {
      patch(id, !starred);
      toastApiError(error);
    },
    onSettled: () => void utils.media.list.invalidate(),
  });
  return (asset: MediaAsset, starred: boolean) => star.mutate({ id: asset.id, starred });
}
