import type { RouterOutputs } from "@streamline/api";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { AppHeader } from "../AppHeader";
import { fieldErrorsOf, toastApiError } from "../lib/errors";
import { formatDate } from "../lib/format";
import { useDocumentTitle } from "../lib/page";
import { ConfirmDialog } from "../studio/ConfirmDialog";
import { trpc } from "../trpc";

type ApiKey = RouterOutputs["apiKeys"]["list"][number];
type NewKey = RouterOutputs["apiKeys"]["create"];

/** /settings/api-keys: keys for the CLI and internal apps. A key is shown once, when created. */
export default function ApiKeysPage() {
  useDocumentTitle("API keys");
  const keys = trpc.apiKeys.list.useQuery();
  const [created, setCreated] = useState<NewKey | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const active = keys.data?.filter((k) => !k.revokedAt) ?? [];
  const revoked = keys.data?.filter((k) => k.revokedAt) ?? [];

  return (
    <div className="app">
      <AppHeader />
      <main className="settings">
        <p>
          <a className="back-link" href="/ai-studio">
            ← Back to the studio
          </a>
        </p>
        <h1 ref={heading} tabIndex={-1} className="settings-title">
          API keys
        </h1>
        <p className="muted">
          For the Streamline CLI and internal apps: send a key as{" "}
          <code>Authorization: Bearer &lt;key&gt;</code>. It acts as you, so keep it secret; revoke
          it the moment it may have leaked.
        </p>
        <CreateKey onCreated={setCreated} />
        {created && <NewKeyNotice created={created} onDone={() => setCreated(null)} />}
        <section className="card" aria-labelledby="keys-title">
          <h2 id="keys-title" className="card-title">
            Your keys
          </h2>
          {keys.isPending ? (
            <p className="muted">Loading your keys…</p>
          ) : keys.isError ? (
            <div className="notice notice-error" role="alert">
              <p>Could not load your keys: {keys.error.message}</p>
              <button type="button" className="button" onClick={() => void keys.refetch()}>
                Try again
              </button>
            </div>
          ) : active.length === 0 && revoked.length === 0 ? (
            <p className="muted">No keys yet.</p>
          ) : (
            <table className="keys-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...active, ...revoked].map((key) => (
                  <KeyRow key={key.id} apiKey={key} onRevoked={() => heading.current?.focus()} />
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </div>
  );
}

function CreateKey({ onCreated }: { onCreated: (key: NewKey) => void }) {
  const utils = trpc.useUtils();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const create = trpc.apiKeys.create.useMutation({
    onSuccess(key) {
      setName("");
      setError(null);
      onCreated(key);
      void utils.apiKeys.list.invalidate();
    },
    onError(failure) {
      const field = fieldErrorsOf(failure).name?.[0];
      if (field) setError(field);
      else toastApiError(failure);
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (create.isPending) return;
    if (!name.trim()) return setError("Name the key, e.g. “CLI on my laptop”.");
    create.mutate({ name });
  };
  return (
    <form className="card key-create" onSubmit={onSubmit} noValidate>
      <h2 className="card-title">Create a key</h2>
      <div className="key-create-row">
        <div className="field">
          <label className="label" htmlFor="key-name">
            Name
          </label>
          <input
            id="key-name"
            className="input"
            maxLength={100}
            value={name}
            placeholder="CLI on my laptop"
            aria-invalid={Boolean(error)}
            aria-describedby={error ? "key-name-error" : undefined}
            onChange={(event) => {
              setName(event.target.value);
              setError(null);
            }}
          />
        </div>
        <button
          type="submit"
          className="button button-primary"
          aria-disabled={create.isPending}
          aria-busy={create.isPending}
        >
          {create.isPending ? "Creating…" : "Create key"}
        </button>
      </div>
      {error && (
        <p id="key-name-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** The whole key, this once: copy it now. Focus lands here so it is read out and in view. */
function NewKeyNotice({ created, onDone }: { created: NewKey; onDone: () => void }) {
  const box = useRef<HTMLElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    box.current?.focus();
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
      toast.success("Key copied");
    } catch {
      // No clipboard access (an insecure origin, or refused): select it for Ctrl+C instead.
      field.current?.select();
      toast.info("Press Ctrl+C (⌘C) to copy the selected key.");
    }
  };
  return (
    <section
      ref={box}
      tabIndex={-1}
      className="card key-new"
      aria-labelledby="key-new-title"
      aria-describedby="key-new-note"
    >
      <h2 id="key-new-title" className="card-title">
        Key “{created.name}” created
      </h2>
      <p id="key-new-note">
        Copy it now: this is the only time it is shown. Only its prefix is stored in a readable
        form.
      </p>
      <div className="key-new-row">
        <label className="visually-hidden" htmlFor="key-new-value">
          Your new API key
        </label>
        <input
          ref={field}
          id="key-new-value"
          className="input key-value"
          readOnly
          value={created.key}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button button-primary" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

function KeyRow({ apiKey, onRevoked }: { apiKey: ApiKey; onRevoked: () => void }) {
  const utils = trpc.useUtils();
  const [confirming, setConfirming] = useState(false);
  const revoke = trpc.apiKeys.revoke.useMutation({
    onSuccess() {
      setConfirming(false);
      toast.success(`Revoked “${apiKey.name}”`);
      void utils.apiKeys.list.invalidate();
      onRevoked();
    },
    onError: (error) => toastApiError(error),
  });
  return (
    <tr className={apiKey.revokedAt ? "is-revoked" : undefined}>
      <th scope="row">{apiKey.name}</th>
      <td>
        <code>{apiKey.prefix}…</code>
      </td>
      <td>
        <time dateTime={apiKey.createdAt}>{formatDate(apiKey.createdAt)}</time>
      </td>
      <td>
        {apiKey.lastUsedAt ? (
          <time dateTime={apiKey.lastUsedAt}>{formatDate(apiKey.lastUsedAt)}</time>
        ) : (
          "Never"
        )}
      </td>
      <td className="keys-actions">
        {apiKey.revokedAt ? (
          <span className="status">Revoked</span>
        ) : (
          <button
            type="button"
            className="button button-small button-danger-ghost"
            aria-label={`Revoke ${apiKey.name}`}
            onClick={() => setConfirming(true)}
          >
            Revoke
          </button>
        )}
        <ConfirmDialog
          open={confirming}
          title={`Revoke “${apiKey.name}”?`}
          confirmLabel={revoke.isPending ? "Revoking…" : "Revoke key"}
          busy={revoke.isPending}
          onConfirm={() => revoke.mutate({ id: apiKey.id })}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Anything using the key <code>{apiKey.prefix}…</code> stops working at once. This cannot
            be undone.
          </p>
        </ConfirmDialog>
      </td>
    </tr>
  );
}
