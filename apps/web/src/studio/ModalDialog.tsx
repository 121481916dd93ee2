// The studio's modal on Radix UI's Dialog (@radix-ui/react-dialog) and FocusScope: focus moves
// to the first control (the safe choice) and Tab stays inside, Escape cancels, a click outside
// does nothing, and focus goes back to where it was when it closes. Loaded on first use (it is
// mounted only while open), so the studio's first screen does not carry it.
//
// Radix's `modal` mode would also set aria-hidden on the whole page behind; the native <dialog>
// this replaces made it inert instead, and the page's lists stay countable by the e2e suites.
// So the Dialog runs non-modal with a trapped FocusScope, an overlay of our own and aria-modal.
import * as Dialog from "@radix-ui/react-dialog";
import { FocusScope } from "@radix-ui/react-focus-scope";
import type { KeyboardEvent, ReactNode } from "react";

export default function ModalDialog(props: {
  title: ReactNode;
  children: ReactNode;
  className?: string;
  titleClassName?: string;
  /** Beside the title (the lightbox's Close button), in a `<div className={headClassName}>`. */
  headEnd?: ReactNode;
  headClassName?: string;
  /** False when the caller puts focus back itself (the lightbox, before the composer takes it). */
  returnFocus?: boolean;
  onClose: () => void;
  onKeyDown?: (event: KeyboardEvent<HTMLDivElement>) => void;
}) {
  const title = (
    <Dialog.Title className={props.titleClassName ?? "dialog-title"}>{props.title}</Dialog.Title>
  );
  const stayPut = (event: Event) => {
    if (props.returnFocus === false) event.preventDefault();
  };
  return (
    <Dialog.Root open modal={false} onOpenChange={(open) => !open && props.onClose()}>
      <Dialog.Portal>
        <div className="dialog-overlay" aria-hidden="true" />
        <Dialog.Content
          className={`modal-dialog ${props.className ?? "dialog"}`}
          aria-modal="true"
          // The body is read as the dialog's content; no separate description element.
          aria-describedby={undefined}
          onInteractOutside={(event) => event.preventDefault()}
          onCloseAutoFocus={stayPut}
          onKeyDown={props.onKeyDown}
        >
          <FocusScope className="modal-scope" trapped loop onUnmountAutoFocus={stayPut}>
            {props.headEnd ? (
              <div className={props.headClassName}>
                {title}
                {props.headEnd}
              </div>
            ) : (
              title
            )}
            {props.children}
          </FocusScope>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
