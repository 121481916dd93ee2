// "Edit captions": each platform of the post with its caption (and title where the network has
// one), the same counters as the Post dialog (CaptionField), saved through social.update — the
// server checks them as it checks a new post, and Zernio receives the PUT when it has the post.
import { type FormEvent, useState } from "react";
import { type CaptionDraft, CaptionField } from "../social/CaptionField";
import type { Platform } from "../social/platforms";
import ModalDialog from "../studio/ModalDialog";
import type { ListedPost } from "./types";
import type { PostActions } from "./usePostActions";

function draftsOf(post: ListedPost): Array<[Platform, CaptionDraft]> {
  const platforms = [...new Set(post.platforms.map((p) => p.platform))];
  return platforms.map((platform) => {
    const caption = post.captions[platform];
    return [platform, { text: caption?.text ?? "", title: caption?.title ?? "" }];
  });
}

export function CaptionsDialog(props: {
  post: ListedPost;
  actions: PostActions;
  onClose: () => void;
}) {
  const { post, actions, onClose } = props;
  const [drafts, setDrafts] = useState(() => draftsOf(post));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const captions = Object.fromEntries(
      drafts.map(([platform, d]) => [
        platform,
        d.title.trim() ? { text: d.text, title: d.title } : { text: d.text },
      ]),
    );
    try {
      await actions.editCaptions(post, captions);
      onClose();
    } catch {
      // The toast says why (the server's check, naming the platform); the dialog stays open.
    }
  };
  return (
    <ModalDialog title="Edit captions" onClose={onClose} className="dialog captions-dialog">
      <form onSubmit={submit} noValidate>
        <div className="dialog-body">
          {drafts.map(([platform, draft], index) => (
            <CaptionField
              key={platform}
              platform={platform}
              draft={draft}
              rows={4}
              onChange={(next) =>
                setDrafts(drafts.map((entry, i) => (i === index ? [platform, next] : entry)))
              }
            />
          ))}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={actions.editing}>
            Save captions
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
