// The account menu itself, on Radix UI's Menu (@radix-ui/react-menu, what Radix's DropdownMenu is
// built from): roving focus with arrows, Home / End and typeahead, Escape and a click outside
// close it, placed under the button by Radix's Popper. Loaded on first use: the button that opens
// it (UserMenu.tsx) is in the first bundle and is this menu's anchor, so the studio's first screen
// does not carry the menu. Non-modal like the hand-written one it replaces: the page behind stays
// readable, and a click outside lands where it was aimed.
import * as Menu from "@radix-ui/react-menu";
import type { MouseEvent, RefObject } from "react";
import type { StudioUser } from "./client";

export default function UserMenuPopup(props: {
  anchor: RefObject<HTMLButtonElement | null>;
  id: string;
  user: StudioUser;
  /** refocus: put focus back on the button (Escape, Sign out), not after a click elsewhere. */
  onClose: (refocus: boolean) => void;
  onNavigate: (path: string) => void;
  onSignOut: () => void;
}) {
  const { anchor, user } = props;
  // A plain left click on a link is the studio's own navigation; others (new tab…) are the browser's.
  const go = (path: string) => (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    // Prevented: Radix does not also select (and close) the item; onNavigate closes it.
    event.preventDefault();
    props.onNavigate(path);
  };
  const outside = (event: Event) => {
    // The button toggles the menu itself.
    if (anchor.current?.contains(event.target as Node)) event.preventDefault();
  };
  return (
    <Menu.Root open modal={false} onOpenChange={(open) => !open && props.onClose(true)}>
      <Menu.Anchor virtualRef={anchor} />
      <Menu.Portal>
        <Menu.Content
          id={props.id}
          className="menu"
          aria-label="Account"
          side="bottom"
          align="end"
          sideOffset={6}
          collisionPadding={8}
          // Radix focuses the menu on open (and its first item only after a key press): the first
          // item takes focus, by mouse as by keyboard.
          onFocus={(event) => {
            if (event.target !== event.currentTarget) return;
            event.currentTarget.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
          }}
          // UserMenu puts focus back itself when it should.
          onCloseAutoFocus={(event) => event.preventDefault()}
          onPointerDownOutside={(event) => {
            outside(event);
            if (!event.defaultPrevented) props.onClose(false);
          }}
          onFocusOutside={outside}
        >
          <Menu.Label className="menu-header">
            <span className="menu-user-name">{user.name}</span>
            <span className="muted">{user.email}</span>
          </Menu.Label>
          <Menu.Item asChild>
            <a className="menu-item" href="/settings/account" onClick={go("/settings/account")}>
              Account and data
            </a>
          </Menu.Item>
          <Menu.Item asChild>
            <a className="menu-item" href="/settings/api-keys" onClick={go("/settings/api-keys")}>
              API keys
            </a>
          </Menu.Item>
          <Menu.Item asChild onSelect={props.onSignOut}>
            <button type="button" className="menu-item">
              Sign out
            </button>
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
