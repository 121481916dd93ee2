// What can be done with several results picked in the history: post them as one carousel (the
// Post dialog with their ids, in the order picked), download them as one .zip, or delete them
// (one confirm with their posts' impact). Shown above the grid while something is picked.
import { useQueryClient } from "@tanstack/react-query";
import { getQueryKey } from "@trpc/react-query";
import { lazy, Suspense, useState } from "react";
import { toast } from "sonner";
import { messageOf } from "../lib/errors";
import { scheduleStore, useScheduleRequest } from "../social/store";
import { type MediaAsset, trpc } from "../trpc";
import { collectArchive, readFile, saveAs, zipFiles } from "./archive";
import { DeleteSelectionDialog } from "./DeleteSelectionDialog";
import { useEditHistory } from "./useAssetActions";

const ScheduleDialog = lazy(() => import("../social/ScheduleDialog"));
/** The Post dialog's card name for a selection (one at a time, like a card's). */
const SELECTION = "selection";

const isReady = (a: MediaAsset) => a.status === "succeeded" && Boolean(a.resultUrl);
const results = (n: number) => (n === 1 ? "1 result" : `${n} results`);

export function SelectionBar(props: {
  selected: MediaAsset[];
  shown: number;
  onSelectAll: () => void;
  onClear: () => void;
  onDeleted: (ids: string[]) => void;
}) {
  const { selected } = props;
  const [confirming, setConfirming] = useState(false);
  const actions = useSelectionActions(props.onDeleted, () => setConfirming(false));
  const first = selected[0];
  const request = useScheduleRequest(first?.id ?? "", SELECTION);
  const allReady = selected.length > 0 && selected.every(isReady);
  const notReady = allReady ? undefined : "Only finished results can be posted or downloaded";
  return (
    <section className="selection-bar" aria-label="Selected results">
      <p className="selection-count" role="status">
        {results(selected.length)} selected
      </p>
      <button
        type="button"
        className="button button-small button-primary"
        disabled={!allReady}
        title={notReady}
        onClick={() =>
          first &&
          scheduleStore.open({
            assetId: first.id,
            variant: SELECTION,
            postNow: true,
            assetIds: selected.map((a) => a.id),
          })
        }
      >
        {selected.length > 1 ? "Post as carousel" : "Post"}
      </button>
      <button
        type="button"
        className="button button-small"
        disabled={!allReady || actions.zipping}
        title={notReady}
        onClick={() => void actions.download(selected)}
      >
        {actions.zipping ? "Preparing .zip…" : "Download .zip"}
      </button>
      <button
        type="button"
        className="button button-small button-danger"
        onClick={() => setConfirming(true)}
      >
        Delete
      </button>
      {selected.length < props.shown && (
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={props.onSelectAll}
        >
          Select all {props.shown}
        </button>
      )}
      <button type="button" className="button button-small button-ghost" onClick={props.onClear}>
        Clear selection
      </button>
      <DeleteSelectionDialog
        assets={selected}
        open={confirming}
        busy={actions.deleting}
        onConfirm={() => void actions.remove(selected)}
        onCancel={() => setConfirming(false)}
      />
      {request && first && (
        <Suspense fallback={null}>
          <ScheduleDialog asset={first} request={request} onClose={() => scheduleStore.close()} />
        </Suspense>
      )}
    </section>
  );
}

/** Delete several (one media.delete each, the card's own call) and download several as a .zip. */
function useSelectionActions(onDeleted: (ids: string[]) => void, onDone: () => void) {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const editHistory = useEditHistory();
  const del = trpc.media.delete.useMutation();
  const [deleting, setDeleting] = useState(false);
  const [zipping, setZipping] = useState(false);

  const remove = async (assets: MediaAsset[]) => {
    setDeleting(true);
    const gone: string[] = [];
    const failed: string[] = [];
    let cancelledPosts = 0;
    for (const asset of assets) {
      try {
        const answer = await del.mutateAsync({ id: asset.id });
        gone.push(asset.id);
        cancelledPosts += answer.cancelledPosts;
        queryClient.removeQueries({ queryKey: getQueryKey(trpc.media.byId, { id: asset.id }) });
      } catch (error) {
        failed.push(messageOf(error));
      }
    }
    editHistory((items) => items.filter((a) => !gone.includes(a.id)));
    void utils.media.list.invalidate();
    void utils.social.posts.invalidate();
    setDeleting(false);
    onDone();
    onDeleted(gone);
    if (gone.length) {
      const posts = cancelledPosts ? `; ${cancelledPosts} scheduled posts cancelled` : "";
      toast.success(`Deleted ${results(gone.length)}${posts}`);
    }
    if (failed.length) toast.error(`${results(failed.length)} not deleted: ${failed[0]}`);
  };

  const download = async (assets: MediaAsset[]) => {
    setZipping(true);
    try {
      const plan = await collectArchive(
        assets.map((a) => a.id),
        { resolve: (id) => utils.media.byId.fetch({ id }, { staleTime: 0 }), read: readFile },
      );
      const count = Object.keys(plan.files).length;
      if (count === 0) throw new Error("None of them could be read.");
      saveAs(await zipFiles(plan.files), `streamline-${count}-results.zip`);
      if (plan.skipped.length)
        toast.warning(`${results(plan.skipped.length)} left out of the .zip`);
    } catch (error) {
      toast.error(`Could not make the .zip: ${messageOf(error)}`);
    } finally {
      setZipping(false);
    }
  };
  return { remove, download, deleting, zipping };
}
