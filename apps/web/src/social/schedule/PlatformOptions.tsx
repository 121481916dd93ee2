// The Post dialog's per-account choices (issue 19 item 7), from each account's own options:
// TikTok — "Who can view" from the creator's privacy levels (required, nothing pre-selected, as
// TikTok's rules ask), the creator's nickname, the interactions (those the creator switched off
// or that TikTok does not offer for the post are disabled) and the consent; Pinterest — the board to pin to. The server's refusal of either
// field shows on it.
import { useId } from "react";
import { messageOf } from "../../lib/errors";
import { INTERACTION_OF } from "./account-options";
import type { ScheduleForm, TikTokChoice } from "./useScheduleForm";

type BoxKey = keyof TikTokChoice & ("allowComment" | "allowDuet" | "allowStitch" | "consent");
const TIKTOK_CHOICES = [
  ["allowComment", "Allow comments"],
  ["allowDuet", "Allow Duet"],
  ["allowStitch", "Allow Stitch"],
  ["consent", "I agree to publish this to TikTok (TikTok's Music Usage Confirmation applies)"],
] as const satisfies readonly (readonly [BoxKey, string])[];

function FieldErrors(props: { id: string; errors: string[] | undefined }) {
  if (!props.errors?.length) return null;
  return (
    <p id={props.id} className="field-error" role="alert">
      {props.errors.join(" ")}
    </p>
  );
}

function WhoCanView({ form, id }: { form: ScheduleForm; id: string }) {
  const levels = form.options.tiktok?.privacyLevels ?? [];
  const errors = form.fieldErrors["tiktok.privacyLevel"];
  return (
    <div className="field">
      <label className="label" htmlFor={`${id}-privacy`}>
        Who can view
      </label>
      <select
        id={`${id}-privacy`}
        className="select"
        required
        value={form.tiktok.privacyLevel ?? ""}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-privacy-error` : undefined}
        onChange={(e) =>
          form.setTiktok((t) => ({ ...t, privacyLevel: e.target.value || undefined }))
        }
      >
        <option value="">Choose who can view…</option>
        {levels.map((level) => (
          <option key={level.value} value={level.value}>
            {level.label}
          </option>
        ))}
      </select>
      <FieldErrors id={`${id}-privacy-error`} errors={errors} />
    </div>
  );
}

function TikTokStatus({ form }: { form: ScheduleForm }) {
  const { tiktok, tiktokLoading, tiktokError } = form.options;
  if (tiktokLoading) return <p className="hint">Reading this TikTok account's options…</p>;
  if (tiktokError)
    return <p className="field-error">Could not read TikTok's options: {messageOf(tiktokError)}</p>;
  if (!tiktok) return null;
  return (
    <>
      {tiktok.nicknames.length > 0 && (
        <p className="hint">
          Posting as <strong>{tiktok.nicknames.join(", ")}</strong> on TikTok.
        </p>
      )}
      {!tiktok.canPostMore && (
        <p className="notice notice-error" role="alert">
          This TikTok account cannot post more right now (TikTok's posting cap); try again later.
        </p>
      )}
    </>
  );
}

export function TikTokOptions({ form }: { form: ScheduleForm }) {
  const id = useId();
  if (!form.askTiktok) return null;
  const disabled = form.options.tiktok?.disabled;
  const box = ([key, label]: (typeof TIKTOK_CHOICES)[number]) => {
    const off = key === "consent" ? null : (disabled?.[INTERACTION_OF[key]] ?? null);
    return (
      <label key={key} className="check">
        <input
          type="checkbox"
          checked={form.tiktok[key] && !off}
          disabled={off !== null}
          onChange={(e) => form.setTiktok((t) => ({ ...t, [key]: e.target.checked }))}
        />
        {label}
        {off ? ` (${off})` : ""}
      </label>
    );
  };
  return (
    <fieldset className="schedule-tiktok">
      <legend className="label">TikTok</legend>
      <TikTokStatus form={form} />
      {form.options.tiktok && <WhoCanView form={form} id={id} />}
      <p className="hint">Who may interact with this post:</p>
      {TIKTOK_CHOICES.map(box)}
    </fieldset>
  );
}

export function PinterestOptions({ form }: { form: ScheduleForm }) {
  const id = useId();
  if (!form.askPinterest) return null;
  const { boards, boardsLoading, boardsError } = form.options;
  const errors = form.fieldErrors["pinterest.boardId"];
  return (
    <fieldset className="schedule-pinterest">
      <legend className="label">Pinterest</legend>
      {boardsLoading && <p className="hint">Reading this account's boards…</p>}
      {boardsError && (
        <p className="field-error">Could not read the boards: {messageOf(boardsError)}</p>
      )}
      {boards && boards.length === 0 && (
        <p className="hint">This account has no boards yet: create one on Pinterest first.</p>
      )}
      {boards && boards.length > 0 && (
        <div className="field">
          <label className="label" htmlFor={`${id}-board`}>
            Board
          </label>
          <select
            id={`${id}-board`}
            className="select"
            value={form.sentBoardId ?? ""}
            aria-invalid={errors?.length ? true : undefined}
            aria-describedby={errors?.length ? `${id}-board-error` : undefined}
            onChange={(e) => form.setBoardId(e.target.value)}
          >
            {boards.map((board) => (
              <option key={board.id} value={board.id}>
                {board.name}
                {board.privacy === "SECRET" ? " (secret)" : ""}
              </option>
            ))}
          </select>
          <FieldErrors id={`${id}-board-error`} errors={errors} />
        </div>
      )}
    </fieldset>
  );
}
