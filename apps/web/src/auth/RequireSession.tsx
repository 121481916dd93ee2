import { type ReactNode, useEffect, useRef, useState } from "react";
import { Redirect } from "wouter";
import { authClient, toStudioSession } from "./client";

/** First retry after 1 s, doubling to at most every 10 s, for as long as the server is away. */
export const retryDelayMs = (attempt: number) => Math.min(1_000 * 2 ** attempt, 10_000);

/**
 * Signed-out visitors go to /sign-in, and come back here afterwards. When the server does not
 * answer (first run: Vite is up seconds before the API; a restart; a dropped connection) the
 * check is retried with backoff until it does, and the page carries on by itself.
 */
export function RequireSession({ children, path }: { children: ReactNode; path: string }) {
  const hook = authClient.useSession();
  const session = toStudioSession(hook);
  const attempt = useRef(0);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const { error, refetch } = hook;

  useEffect(() => {
    if (!error) {
      attempt.current = 0;
      setRetryAt(null);
      return;
    }
    // A new error object per failed check: schedule the next one.
    const delay = retryDelayMs(attempt.current++);
    setRetryAt(Date.now() + delay);
    const timer = setTimeout(() => void refetch(), delay);
    return () => clearTimeout(timer);
  }, [error, refetch]);

  if (session.state === "loading") {
    return (
      <div className="splash" role="status">
        <span className="spinner" aria-hidden="true" /> Loading the studio…
      </div>
    );
  }
  if (session.state === "unreachable") {
    return (
      <div className="splash">
        <span className="spinner" aria-hidden="true" />
        {/* Announced once; the countdown below is not a live region. */}
        <p role="status">Waiting for the studio server…</p>
        <p className="muted">
          It did not answer ({session.message}). Trying again
          {retryAt ? <RetryIn at={retryAt} /> : null} — this page continues by itself.
        </p>
        <button type="button" className="button" onClick={() => void refetch()}>
          Try now
        </button>
      </div>
    );
  }
  if (session.state === "signed-out") {
    return <Redirect to={`/sign-in?next=${encodeURIComponent(path)}`} replace />;
  }
  return <>{children}</>;
}

function RetryIn({ at }: { at: number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((at - Date.now()) / 1_000));
  return <> in {seconds} s</>;
}
