import { lazy, Suspense } from "react";

// The modal itself (Radix Dialog) loads on first use: the studio's first screen does not carry it.
const ModalDialog = lazy(() => import("./ModalDialog"));

/**
 * A modal question: focus is trapped, Escape cancels and focus returns to the control that opened
 * it. Mounted only while open.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  if (!props.open) return null;
  return (
    <Suspense fallback={null}>
      <ModalDialog title={props.title} onClose={props.onCancel}>
        <div className="dialog-body">{props.children}</div>
        <div className="dialog-actions">
          {/* First in order, so opening focuses it: the safe choice. */}
          <button type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={props.onConfirm}
            disabled={props.busy}
          >
            {props.confirmLabel}
          </button>
        </div>
      </ModalDialog>
    </Suspense>
  );
}
