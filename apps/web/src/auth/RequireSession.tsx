import type { ReactNode } from "react";
import { Redirect } from "wouter";
import { useStudioSession } from "./client";

/** Signed-out visitors go to /sign-in, and come back here afterwards. */
export function RequireSession({ children, path }: { children: ReactNode; path: string }) {
  const session = useStudioSession();
  if (session.state === "loading") {
    return (
      <div className="splash" role="status">
        <span className="spinner" aria-hidden="true" /> Loading the studio…
      </div>
    );
  }
  if (session.state === "unreachable") {
    return (
      <div className="splash" role="alert">
        <p>Could not check your session: {session.message}</p>
        <button type="button" className="button" onClick={() => location.reload()}>
          Try again
        </button>
      </div>
    );
  }
  if (session.state === "signed-out") {
    return <Redirect to={`/sign-in?next=${encodeURIComponent(path)}`} replace />;
  }
  return <>{children}</>;
}
