import { type MediaAsset, trpc } from "../trpc";
import { ConfirmDialog } from "./ConfirmDialog";

const results = (n: number) => (n === 1 ? "1 result" : `${n} results`);
/** "1 of them is" / "2 of them are" (a carousel is one post of several results: counted by result). */
const ofThem = (n: number, total: number) =>
  total === 1 ? "It is" : `${n} of them ${n === 1 ? "is" : "are"}`;

/**
 * "Delete 3 results?" — what happens to their posts, summed from the server's media.deleteImpact
 * of each (the same answer the one-card dialog shows): scheduled posts are cancelled, published
 * ones stay on the networks, and one being sent right now holds the delete back.
 */
export function DeleteSelectionDialog(props: {
  assets: MediaAsset[];
  open: boolean;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  // Asked again every 2 s while a post is going out, so Delete turns on once it has landed.
  const impacts = trpc.useQueries((t) =>
    props.assets.map((a) =>
      t.media.deleteImpact(
        { id: a.id },
        {
          enabled: props.open,
          staleTime: 0,
          refetchInterval: (q) => (q.state.data?.inFlight ? 2_000 : false),
        },
      ),
    ),
  );
  const count = (key: "scheduled" | "published" | "inFlight") =>
    impacts.filter((q) => (q.data?.[key] ?? 0) > 0).length;
  const [scheduled, published, inFlight] = [
    count("scheduled"),
    count("published"),
    count("inFlight"),
  ];
  const total = props.assets.length;
  const known = impacts.every((q) => q.data);
  return (
    <ConfirmDialog
      open={props.open}
      title={`Delete ${results(props.assets.length)}?`}
      confirmLabel={props.busy ? "Deleting…" : `Delete ${results(props.assets.length)}`}
      busy={props.busy || inFlight > 0}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      <p>Their files are removed from storage. This cannot be undone.</p>
      <p>
        Posts of them that have not gone out yet are cancelled, at Zernio too. Posts already
        published stay on the networks.
      </p>
      {known && (
        <ul className="delete-impact" aria-label="Their posts">
          {scheduled > 0 && (
            <li>{ofThem(scheduled, total)} in scheduled posts: cancelled by this delete.</li>
          )}
          {published > 0 && (
            <li>{ofThem(published, total)} in published posts: they stay on the networks.</li>
          )}
          {inFlight > 0 && <li>{ofThem(inFlight, total)} in a post going out right now.</li>}
          {scheduled + published + inFlight === 0 && <li>None of them is in a post.</li>}
        </ul>
      )}
      {inFlight > 0 && (
        <p role="alert">
          Zernio cannot stop a post being sent or published: Delete turns on once it shows as
          published or failed (or unselect {inFlight === 1 ? "that result" : "those results"}).
        </p>
      )}
    </ConfirmDialog>
  );
}
