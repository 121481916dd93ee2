// The schedule dialog: accounts, the caption per platform (prefilled from the latest version), when
// ("Post now", or a local date-time in an IANA timezone, the browser's by default), and the server's
// pre-publish checks run live (debounced) as the user edits; Schedule stays off while refused.
// State and server traffic live in useScheduleForm(); the parts are views in schedule/.
import { useEffect, useId, useRef } from "react";
import type { MediaAsset } from "../trpc";
import {
  ScheduleCaptions,
  ScheduleChecks,
  ScheduleFooter,
  ScheduleStatus,
  ScheduleTargets,
  ScheduleTikTok,
  ScheduleTiming,
} from "./schedule/ScheduleViews";
import { useScheduleForm } from "./schedule/useScheduleForm";
import type { ScheduleRequest } from "./store";

export default function ScheduleDialog(props: {
  asset: MediaAsset;
  request: ScheduleRequest;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const close = () => {
    ref.current?.close();
  };
  const form = useScheduleForm({ asset: props.asset, request: props.request, close });

  // Opened as a modal (focus moves in, Escape closes); focus goes back to the opener on close.
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog schedule-dialog"
      aria-labelledby={`${id}-title`}
      onClose={props.onClose}
    >
      <div className="schedule-head">
        <h2 id={`${id}-title`} className="dialog-title">
          {form.title}
        </h2>
        {props.asset.demo || form.accounts.data?.demo ? (
          <span className="badge badge-demo">Demo</span>
        ) : null}
      </div>
      {form.accounts.isPending || form.accounts.error || form.accounts.data.configured === false ? (
        <ScheduleStatus form={form} />
      ) : (
        <form
          className="schedule-form"
          onSubmit={(e) => {
            e.preventDefault();
            form.submit();
          }}
        >
          <ScheduleTargets form={form} />
          <ScheduleCaptions form={form} />
          <ScheduleTikTok form={form} />
          <ScheduleTiming form={form} />
          <ScheduleChecks form={form} />
        </form>
      )}
      <ScheduleFooter form={form} close={close} />
    </dialog>
  );
}
