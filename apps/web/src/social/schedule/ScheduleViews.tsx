// The Post dialog's parts, each a view over `useScheduleForm()`: the accounts to post to, the
// server's checks, and the buttons (captions, timing, media order and the
// preview have files of their own; TikTok's and Pinterest's choices are in PlatformOptions).
import { useId, useState } from "react";
import { messageOf, toastApiError } from "../../lib/errors";
import { Hint } from "../../studio/Hint";
import { trpc } from "../../trpc";
import { PLATFORM_LABEL, PLATFORMS, type Platform, PlatformIcon } from "../platforms";
import type { ScheduleForm } from "./useScheduleForm";

/** Why the dialog cannot show the form yet: loading, an error, or posting not set up. */
export function ScheduleStatus({ form }: { form: ScheduleForm }) {
  const { accounts } = form;
  if (accounts.isPending) {
    return (
      <p className="hint" role="status">
        Loading your accounts…
      </p>
    );
  }
  if (accounts.error) {
    return (
      <p className="notice notice-error" role="alert">
        {messageOf(accounts.error)}
      </p>
    );
  }
  return (
    <div className="notice schedule-unconfigured" role="alert">
      <strong>Posting is not set up.</strong>{" "}
      {accounts.data?.configured === false ? accounts.data.message : null}
      <p className="hint">
        Set <code>ZERNIO_API_KEY</code> in the server's environment (see <code>.env.example</code>)
        and restart it; your captions are kept.
      </p>
    </div>
  );
}

export function ScheduleTargets({ form }: { form: ScheduleForm }) {
  const id = useId();
  const { editing, list } = form;
  return (
    <fieldset className="schedule-accounts">
      <legend className="label">Accounts</legend>
      {editing ? (
        <ul className="account-list">
          {editing.targets.map((t) => (
            <li key={t.accountId} className="account-row">
              <PlatformIcon platform={t.platform} />
              {PLATFORM_LABEL[t.platform]} {t.handle ? `@${t.handle}` : t.accountId}
            </li>
          ))}
        </ul>
      ) : list.length === 0 ? (
        <p className="hint">No accounts are connected yet: connect one below.</p>
      ) : (
        <ul className="account-list">
          {list.map((account) => (
            <li
              key={account.id}
              className={`account-row${account.connected ? "" : " is-disconnected"}`}
            >
              <label className="check">
                <input
                  type="checkbox"
                  checked={form.picked.has(account.id) && account.connected}
                  disabled={!account.connected}
                  aria-describedby={account.connected ? undefined : `${id}-${account.id}`}
                  onChange={(e) => form.togglePicked(account.id, e.target.checked)}
                />
                <PlatformIcon platform={account.platform} />
                <span className="account-name">
                  {PLATFORM_LABEL[account.platform]}{" "}
                  <span className="muted">@{account.handle ?? account.displayName}</span>
                </span>
                {account.demo && <span className="badge badge-demo">Demo</span>}
              </label>
              {!account.connected && (
                <span id={`${id}-${account.id}`} className="account-reason">
                  {account.reason ?? "Disconnected"} — reconnect it in Zernio
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {!editing && <ConnectAccount beforeLeaving={form.keepForConnect} />}
    </fieldset>
  );
}

/**
 * The check as a whole: who decided (Zernio, or the local rules with Zernio's notice when it could
 * not be reached), how many problems stop the post (each is listed on its platform above), and
 * what a send was refused with.
 */
export function ScheduleChecks({ form }: { form: ScheduleForm }) {
  const { refusals, notice, validation, error, data } = form.check;
  return (
    <div className="schedule-checks" aria-live="polite">
      {notice && (
        <p className="notice schedule-notice" role="status">
          {notice}
        </p>
      )}
      {refusals.length > 0 && (
        <p className="field-error">
          {refusals.length === 1 ? "1 problem stops" : `${refusals.length} problems stop`} this
          post.
        </p>
      )}
      {data && validation && (
        <p className="hint">
          {validation.by === "zernio"
            ? "Checked by Zernio, which publishes it."
            : "Checked by the local rules."}
        </p>
      )}
      {error && <p className="field-error">Could not check the post: {messageOf(error)}</p>}
      {form.serverErrors.length > 0 && (
        <ul className="check-list check-refusals" role="alert">
          {form.serverErrors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ScheduleFooter({ form, close }: { form: ScheduleForm; close: () => void }) {
  const configured = form.accounts.data?.configured;
  const { blockedReason, pending } = form;
  return (
    <>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={close}>
          {configured === false ? "Close" : "Cancel"}
        </button>
        {configured && (
          <Hint text={blockedReason}>
            <button
              type="button"
              className="button button-primary"
              disabled={pending || blockedReason !== null}
              onClick={form.submit}
            >
              {pending ? "Sending…" : form.actionLabel}
            </button>
          </Hint>
        )}
      </div>
      {blockedReason && configured && <p className="hint schedule-blocked">{blockedReason}</p>}
    </>
  );
}

/**
 * Connect another account: Zernio's sign-in page for the platform, back to the studio after (the
 * dialog is kept first and reopened there, see store.ts).
 */
function ConnectAccount(props: { beforeLeaving: () => void }) {
  const id = useId();
  const [platform, setPlatform] = useState<Platform>("instagram");
  const connect = trpc.social.connect.useMutation({
    onSuccess: ({ url }) => {
      props.beforeLeaving();
      window.location.assign(url);
    },
    onError: toastApiError,
  });
  return (
    <div className="connect-row">
      <label className="visually-hidden" htmlFor={`${id}-platform`}>
        Platform to connect
      </label>
      <select
        id={`${id}-platform`}
        className="select"
        value={platform}
        onChange={(e) => setPlatform(e.target.value as Platform)}
      >
        {PLATFORMS.map((p) => (
          <option key={p} value={p}>
            {PLATFORM_LABEL[p]}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button button-small"
        disabled={connect.isPending}
        onClick={() => connect.mutate({ platform })}
      >
        {connect.isPending ? "Opening…" : "Connect an account"}
      </button>
    </div>
  );
}
