import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { useLocation } from "wouter";
import { authClient, useStudioSession } from "./client";

const loadPopup = () => import("./UserMenuPopup");
const UserMenuPopup = lazy(loadPopup);

/**
 * Who is signed in, their API keys, and the way out: a menu button; the menu (Radix Menu) loads
 * on first use — on hover or focus of the button, before the click.
 */
export function UserMenu() {
  const session = useStudioSession();
  const [open, setOpen] = useState(false);
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);

  if (session.state !== "signed-in") return null;
  const { user } = session;
  const initials = user.name
    .split(/\s+/)
    .map((part) => part[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const signOut = async () => {
    const { error } = await authClient.signOut();
    if (error) return void toast.error(error.message ?? "Could not sign out.");
    queryClient.clear();
    navigate("/sign-in");
  };

  return (
    <div className="user-menu">
      <button
        ref={button}
        type="button"
        className="user-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onPointerEnter={() => void loadPopup()}
        onFocus={() => void loadPopup()}
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
        <Suspense fallback={null}>
          <UserMenuPopup
            anchor={button}
            id={menuId}
            user={user}
            onClose={close}
            onNavigate={(path) => {
              close(false);
              navigate(path);
            }}
            onSignOut={() => void signOut()}
          />
        </Suspense>
      )}
    </div>
  );
}
