import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { toast } from "sonner";
import { useLocation } from "wouter";
import { AppHeader } from "../AppHeader";
import { authClient, useStudioSession } from "../auth/client";
import { fieldErrorsOf, toastApiError } from "../lib/errors";
import { useDocumentTitle } from "../lib/page";
import { ConfirmDialog } from "../studio/ConfirmDialog";
import { trpc } from "../trpc";

/** /settings/account: export your data, delete your account. */
export default function AccountPage() {
  useDocumentTitle("Account");
  const session = useStudioSession();
  return (
    <div className="app">
      <AppHeader />
      <main className="settings">
        <p>
          <a className="back-link" href="/ai-studio">
            ← Back to the studio
          </a>
        </p>
        <h1 className="settings-title">Account</h1>
        {session.state === "signed-in" && (
          <p className="muted">
            Signed in as {session.user.name} ({session.user.email}).
          </p>
        )}
        <ExportData />
        <DeleteAccount />
      </main>
    </div>
  );
}

/** Downloads account.exportData as a JSON file. */
function ExportData() {
  const utils = trpc.useUtils();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const data = await utils.account.exportData.fetch(undefined, { staleTime: 0 });
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = `streamline-export-${new Date().toISOString().slice(0, 10)}.json`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast.success(`Exported ${data.assets.length} assets and ${data.captions.length} captions`);
    } catch (error) {
      toastApiError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title" className="card-title">
        Export your data
      </h2>
      <p>
        One JSON file with every asset's details (prompt, model, options, size, cost, dates, a link
        to its file while your account exists), every caption version, every post and its result,
        and your API keys' names (never the keys).
      </p>
      <button
        type="button"
        className="button"
        aria-busy={busy}
        aria-disabled={busy}
        onClick={() => void (busy ? undefined : download())}
      >
        {busy ? "Exporting…" : "Export data"}
      </button>
    </section>
  );
}

/** account.delete behind a dialog that asks for the password. */
function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const remove = trpc.account.delete.useMutation({
    async onSuccess() {
      setOpen(false);
      queryClient.clear();
      // The session is gone with the account; this only clears the client's copy of it.
      await authClient.signOut().catch(() => undefined);
      toast.success("Your account was deleted.");
      navigate("/sign-in");
    },
    onError(failure) {
      const field = fieldErrorsOf(failure).password?.[0];
      if (field) setError(field);
      else toastApiError(failure);
    },
  });
  const confirm = (event?: FormEvent) => {
    event?.preventDefault();
    if (remove.isPending) return;
    if (!password) return setError("Enter your password to confirm.");
    remove.mutate({ password });
  };
  const close = () => {
    setOpen(false);
    setPassword("");
    setError(null);
  };
  return (
    <section className="card" aria-labelledby="delete-account-title">
      <h2 id="delete-account-title" className="card-title">
        Delete your account
      </h2>
      <p>
        Deletes your account and everything in it: posts that have not gone out are cancelled (at
        Zernio too), your connected social accounts are disconnected and your Zernio profile
        removed, and every image, video, caption and API key is deleted. Posts already published
        stay on the networks. Export your data first if you want to keep it.
      </p>
      <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
        Delete account…
      </button>
      <ConfirmDialog
        open={open}
        title="Delete your account?"
        confirmLabel={remove.isPending ? "Deleting…" : "Delete my account"}
        busy={remove.isPending}
        onConfirm={() => confirm()}
        onCancel={close}
      >
        <p>This cannot be undone. Enter your password to confirm.</p>
        <form onSubmit={confirm} noValidate>
          <div className="field">
            <label className="label" htmlFor="delete-account-password">
              Password
            </label>
            <input
              id="delete-account-password"
              className="input"
              type="password"
              autoComplete="current-password"
              value={password}
              aria-invalid={Boolean(error)}
              aria-describedby={error ? "delete-account-error" : undefined}
              onChange={(event) => {
                setPassword(event.target.value);
                setError(null);
              }}
            />
          </div>
          {error && (
            <p id="delete-account-error" className="field-error" role="alert">
              {error}
            </p>
          )}
        </form>
      </ConfirmDialog>
    </section>
  );
}
