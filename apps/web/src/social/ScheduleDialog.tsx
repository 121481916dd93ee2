// The Post dialog: accounts, the media in order (a carousel), the caption per platform (prefilled
// from the latest version; written here in one click when missing) with its counters, when (Now, At
// a time in an IANA timezone — the browser's by default — or Add to queue: each account's next free
// slot), a preview per platform of how the post will look, and the server's pre-publish check run
// live (debounced) as the user edits; the send button stays off while an error stands.
// State and server traffic live in useScheduleForm(); the parts are views in schedule/ and preview/.
import ModalDialog from "../studio/ModalDialog";
import type { MediaAsset } from "../trpc";
import type { Platform } from "./platforms";
import { MediaOrder } from "./preview/MediaOrder";
import { PostPreview } from "./preview/PostPreview";
import { useMediaItems } from "./preview/useMediaItems";
import { PinterestOptions, TikTokOptions } from "./schedule/PlatformOptions";
import { PostCaptions } from "./schedule/PostCaptions";
import { PostTiming } from "./schedule/PostTiming";
import {
  ScheduleChecks,
  ScheduleFooter,
  ScheduleStatus,
  ScheduleTargets,
} from "./schedule/ScheduleViews";
import { type ScheduleForm, useScheduleForm } from "./schedule/useScheduleForm";
import type { ScheduleRequest } from "./store";

function handleOf(form: ScheduleForm, platform: Platform): string | null {
  const target = form.editing
    ? form.editing.targets.find((t) => t.platform === platform)
    : form.list.find((a) => a.platform === platform && a.connected && form.picked.has(a.id));
  if (!target) return null;
  return "handle" in target ? (target.handle ?? null) : null;
}

function PostForm({ form, asset }: { form: ScheduleForm; asset: MediaAsset }) {
  const items = useMediaItems(form.order, asset);
  return (
    <form
      className="schedule-form"
      onSubmit={(e) => {
        e.preventDefault();
        form.submit();
      }}
    >
      <ScheduleTargets form={form} />
      <MediaOrder items={items} onMove={form.editing ? undefined : form.moveItem} />
      <PostCaptions form={form} />
      <TikTokOptions form={form} />
      <PinterestOptions form={form} />
      <PostTiming form={form} />
      <PostPreview
        platforms={form.platforms}
        handleOf={(p) => handleOf(form, p)}
        draftOf={form.draftOf}
        limits={form.limits}
        items={items}
      />
      <ScheduleChecks form={form} />
    </form>
  );
}

export default function ScheduleDialog(props: {
  asset: MediaAsset;
  request: ScheduleRequest;
  onClose: () => void;
}) {
  const close = props.onClose;
  const form = useScheduleForm({ asset: props.asset, request: props.request, close });

  // On the studio's Radix Dialog wrapper: focus moves in and stays, Escape closes, and focus goes
  // back to the opener on close (ModalDialog's FocusScope).
  return (
    <ModalDialog
      title={form.title}
      className="dialog schedule-dialog"
      headClassName="schedule-head"
      headEnd={
        props.asset.demo || form.accounts.data?.demo ? (
          <span className="badge badge-demo">Demo</span>
        ) : undefined
      }
      onClose={close}
    >
      {form.accounts.isPending || form.accounts.error || form.accounts.data.configured === false ? (
        <ScheduleStatus form={form} />
      ) : (
        <PostForm form={form} asset={props.asset} />
      )}
      <ScheduleFooter form={form} close={close} />
    </ModalDialog>
  );
}
