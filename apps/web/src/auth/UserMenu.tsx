import { useQueryClient } from "@tanstack/react-query";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { useLocation } from "wouter";
import { authClient, useStudioSession } from "./client";

/** Who is signed in, their API keys, and the way out. A menu button with the keyboard pattern. */
export function UserMenu() {
  const session = useStudioSession();
  const [open, setOpen] = useState(false);
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onPointer = (event: Event) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  if (session.state !== "signed-in") return null;
  const { user } = session;
  const initials = user.name
    .split(/\s+/)
    .map((part) => part[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();

  const signOut = async () => {
    const { error } = await authClient.signOut();
    if (error) return void toast.error(error.message ?? "Could not sign out.");
    queryClient.clear();
    navigate("/sign-in");
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      list[(to + list.length) % list.length]?.focus();
    };
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key === "ArrowDown") move(at + 1);
    else if (event.key === "ArrowUp") move(at - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(list.length - 1);
    else if (event.key === "Tab") setOpen(false);
  };

  return (
    <div className="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="user-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        <span className="avatar" aria-hidden="true">
          {initials || "?"}
        </span>
        {/* Hidden visually on a phone, never from the accessibility tree: the button's name. */}
        <span className="user-name">{user.name}</span>
        <span className="visually-hidden">, account menu</span>
      </button>
      {open && (
        <div className="menu">
          <div className="menu-header">
            <strong>{user.name}</strong>
            <span className="muted">{user.email}</span>
          </div>
          <div
            ref={menu}
            id={menuId}
            className="menu-items"
            role="menu"
            aria-label="Account"
            tabIndex={-1}
            onKeyDown={onMenuKey}
          >
            <a
              role="menuitem"
              className="menu-item"
              href="/settings/account"
              onClick={(event) => {
                event.preventDefault();
                setOpen(false);
                navigate("/settings/account");
              }}
            >
              Account and data
            </a>
            <a
              role="menuitem"
              className="menu-item"
              href="/settings/api-keys"
              onClick={(event) => {
                event.preventDefault();
                setOpen(false);
                navigate("/settings/api-keys");
              }}
            >
              API keys
            </a>
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => void signOut()}
            >
              Sign out
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
