import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { useLocation } from "wouter";
import { useDocumentTitle } from "../lib/page";
import { useStudioSession } from "./client";

/** The frame both account screens share: brand, title, form, and the way to the other screen. */
export function AuthScreen(props: {
  title: string;
  subtitle: string;
  submitLabel: string;
  busy: boolean;
  error: string | null;
  onSubmit: () => void;
  footer: ReactNode;
  children: ReactNode;
}) {
  const session = useStudioSession();
  const [, navigate] = useLocation();
  useDocumentTitle(props.title);
  // Signed in (just now, or already): on to where the user was going. Waiting for the session
  // itself, not the sign-in call, keeps the studio's guard from seeing a stale "signed out".
  useEffect(() => {
    if (session.state === "signed-in") navigate(nextPath(), { replace: true });
  }, [session.state, navigate]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit();
  };
  return (
    <main className="auth-page">
      <form className="auth-card card" onSubmit={onSubmit} aria-labelledby="auth-title">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" /> Streamline AI Studio
        </p>
        <h1 id="auth-title" className="auth-title">
          {props.title}
        </h1>
        <p className="muted">{props.subtitle}</p>
        {props.children}
        {props.error && (
          <p className="field-error" role="alert">
            {props.error}
          </p>
        )}
        <button type="submit" className="button button-primary button-large" disabled={props.busy}>
          {props.busy && <span className="spinner" aria-hidden="true" />}
          {props.submitLabel}
        </button>
        <p className="auth-footer">{props.footer}</p>
      </form>
    </main>
  );
}

/**
 * Where to go after signing in: the page that sent the user here, if it is one of ours. The
 * value is resolved the way the browser will resolve it (`/\evil.example` and `/\t/evil.example`
 * are other hosts to a URL parser) and kept only when it stays on this origin; anything else
 * would also make history.replaceState throw and strand a signed-in user on this page.
 */
export function nextPath(): string {
  const fallback = "/ai-studio";
  const next = new URLSearchParams(location.search).get("next");
  if (!next?.startsWith("/")) return fallback;
  try {
    const url = new URL(next, location.origin);
    if (url.origin !== location.origin) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

/** One labelled input of an account form. */
export function AuthField(props: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  type?: "text" | "email" | "password";
  autoComplete: string;
  required?: boolean;
  hint?: string;
}) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  const inputId = `field-${props.name}`;
  const password = props.type === "password";
  const [shown, setShown] = useState(false);
  const input = (
    <input
      id={inputId}
      className="input"
      type={password && shown ? "text" : (props.type ?? "text")}
      name={props.name}
      autoComplete={props.autoComplete}
      required={props.required}
      aria-describedby={hintId}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      // A shown password is still not for the browser's spell checker or autocorrect.
      spellCheck={password ? false : undefined}
      autoCapitalize={password ? "off" : undefined}
    />
  );
  return (
    <div className="field">
      <label className="label" htmlFor={inputId}>
        {props.label}
      </label>
      {password ? (
        <div className="input-with-button">
          {input}
          <button
            type="button"
            className="button button-ghost button-small input-toggle"
            aria-pressed={shown}
            aria-controls={inputId}
            onClick={() => setShown((s) => !s)}
          >
            {shown ? "Hide" : "Show"}
            <span className="visually-hidden"> password</span>
          </button>
        </div>
      ) : (
        input
      )}
      {props.hint && (
        <span id={hintId} className="hint">
          {props.hint}
        </span>
      )}
    </div>
  );
}

/** better-auth's error, with the Retry-After the server sent when it was a 429. */
type AuthError = { message?: string | undefined; status?: number | undefined };

/** A refused attempt in words: a rate limit always says when to try again. */
export function authErrorText(
  error: AuthError,
  retryAfterSeconds: number | null,
  fallback: string,
): string {
  const message = error.message?.trim();
  if (error.status === 429) {
    if (message && /try again in/i.test(message)) return message;
    const wait = retryAfterSeconds ?? 60;
    const when =
      wait < 90
        ? `${wait} second${wait === 1 ? "" : "s"}`
        : `${Math.ceil(wait / 60)} minute${Math.ceil(wait / 60) === 1 ? "" : "s"}`;
    return `Too many attempts. Try again in ${when}.`;
  }
  return message || fallback;
}

/**
 * Runs an account action (sign in, sign up) with a busy flag and its error message. `check` may
 * refuse before any request is sent.
 */
export function useAuthAction(
  action: (fetchOptions: {
    onError: (context: { response: Response }) => void;
  }) => Promise<{ error?: AuthError | null | undefined }>,
  fallbackMessage: string,
  check: () => string | null = () => null,
) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const problem = check();
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    let retryAfter: number | null = null;
    const result = await action({
      onError({ response }) {
        const seconds = Number(response.headers.get("retry-after"));
        retryAfter = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : null;
      },
    });
    setBusy(false);
    if (result.error) setError(authErrorText(result.error, retryAfter, fallbackMessage));
  };
  return { busy, error, submit };
}
