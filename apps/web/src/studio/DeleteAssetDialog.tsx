import type { MediaAsset } from "../trpc";
import { trpc } from "../trpc";
import { ConfirmDialog } from "./ConfirmDialog";

const posts = (n: number) => (n === 1 ? "1 post" : `${n} posts`);

/**
 * "Delete this image?" — and what happens to its posts, from the server (media.deleteImpact):
 * scheduled ones are cancelled at Zernio, published ones stay on the networks, and one being sent
 * or published right now holds the delete back (Zernio cannot stop it).
 */
export function DeleteAssetDialog(props: {
  asset: MediaAsset;
  open: boolean;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { asset } = props;
  const noun = asset.type === "video" ? "video" : "image";
  const impact = trpc.media.deleteImpact.useQuery(
    { id: asset.id },
    { enabled: props.open, staleTime: 0 },
  );
  const inFlight = impact.data?.inFlight ?? 0;
  return (
    <ConfirmDialog
      open={props.open}
      title={`Delete this ${noun}?`}
      confirmLabel={props.busy ? "Deleting…" : "Delete"}
      busy={props.busy || inFlight > 0}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      <p>The file is removed from storage. This cannot be undone.</p>
      <p>
        Posts of this {noun} that have not gone out yet are cancelled, at Zernio too, so they are
        never published. Posts already published stay on the networks: deleting it here does not
        remove them there.
      </p>
      {impact.data && (
        <ul className="delete-impact" aria-label="Its posts">
          {impact.data.scheduled > 0 && (
            <li>{posts(impact.data.scheduled)} scheduled: cancelled by this delete.</li>
          )}
          {impact.data.published > 0 && (
            <li>{posts(impact.data.published)} published: they stay on the networks.</li>
          )}
          {inFlight > 0 && (
            <li role="alert">
              {posts(inFlight)} being sent or published right now, which Zernio cannot stop: delete
              it in a minute, once {inFlight === 1 ? "it shows" : "they show"} as published or
              failed.
            </li>
          )}
        </ul>
      )}
    </ConfirmDialog>
  );
}
