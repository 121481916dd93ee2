// The schedule dialog: accounts, the caption per platform (prefilled from the latest version), when
// ("Post now", or a local date-time in an IANA timezone, the browser's by default), and the server's
// pre-publish checks run live (debounced) as the user edits; Schedule stays off while refused.
// State and server traffic live in useScheduleForm(); the parts are views in schedule/.
import ModalDialog from "../studio/ModalDialog";
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
    </ModalDialog>
  );
}
