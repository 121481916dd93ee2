// The Post dialog's captions: one field per chosen platform with its live counters (characters and
// hashtags vs the platform's limits), what the check found on that platform (errors block, warnings
// show; each says whether Zernio or a local rule found it), and — when some are still empty — one
// button that writes them here, through the caption panel's pipeline and budget.
import { CaptionField } from "../CaptionField";
import { PLATFORM_LABEL, type Platform } from "../platforms";
import { type CheckIssue, SOURCE_LABEL } from "./issues";
import type { ScheduleForm } from "./useScheduleForm";

const names = (platforms: Platform[]) => platforms.map((p) => PLATFORM_LABEL[p]).join(", ");

function IssueList(props: { issues: CheckIssue[]; kind: "refusals" | "warnings" }) {
  if (props.issues.length === 0) return null;
  return (
    <ul className={`check-list check-${props.kind}`}>
      {props.issues.map((issue) => (
        <li key={`${issue.source}-${issue.rule}-${issue.message}`} data-source={issue.source}>
          <span className={`issue-source source-${issue.source}`}>
            {SOURCE_LABEL[issue.source]}
            {props.kind === "refusals" ? " · error" : " · warning"}
          </span>{" "}
          {issue.message}
        </li>
      ))}
    </ul>
  );
}

/** What the check found on one platform: its errors (they block Post) and its warnings. */
export function PlatformIssues({ form, platform }: { form: ScheduleForm; platform: Platform }) {
  const { refusals, warnings } = form.check.issuesOf(platform);
  if (refusals.length === 0 && warnings.length === 0) return null;
  return (
    <div className="platform-issues" data-platform={platform}>
      <IssueList issues={refusals} kind="refusals" />
      <IssueList issues={warnings} kind="warnings" />
    </div>
  );
}

/** "No caption yet for …": one click writes them (the same spend as Generate Caption). */
function MissingCaptions({ form }: { form: ScheduleForm }) {
  const { missing, writing, error, writeMissing } = form.captions;
  if (missing.length === 0 && !writing && !error) return null;
  return (
    <div className="missing-captions">
      {missing.length > 0 && (
        <p className="hint">
          No caption yet for {names(missing)}: write {missing.length === 1 ? "it" : "them"} here
          from the media (counts against your daily spend like Generate Caption).
        </p>
      )}
      {(missing.length > 0 || writing) && (
        <button
          type="button"
          className="button button-small"
          disabled={writing}
          onClick={writeMissing}
        >
          {writing
            ? "Writing captions…"
            : `Write ${missing.length === 1 ? "caption" : "captions"} for ${names(missing)}`}
        </button>
      )}
      <p className="visually-hidden" role="status">
        {writing ? "Writing captions" : ""}
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function PostCaptions({ form }: { form: ScheduleForm }) {
  if (form.platforms.length === 0) return null;
  return (
    <fieldset className="schedule-captions">
      <legend className="label">Caption per platform</legend>
      <MissingCaptions form={form} />
      {form.platforms.map((p) => (
        <div key={p} className="schedule-caption">
          <CaptionField
            platform={p}
            rows={3}
            draft={form.draftOf(p)}
            limits={form.limits}
            onChange={(next) => form.setDraft(p, next)}
          />
          <PlatformIssues form={form} platform={p} />
        </div>
      ))}
    </fieldset>
  );
}
