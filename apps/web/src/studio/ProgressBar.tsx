import { phaseText } from "../lib/format";

/** Live progress of one generation; "~" marks our estimate when the provider reports none. */
export function ProgressBar(props: {
  progress: number;
  phase: string;
  estimated: boolean;
  status: string;
}) {
  const percent = Math.max(0, Math.min(100, Math.round(props.progress)));
  const value = `${props.estimated ? "~" : ""}${percent}%`;
  const phase = phaseText(props.status === "queued" ? "queued" : props.phase);
  const waiting = props.status === "queued" && percent === 0;
  return (
    <div className="progress">
      <div className="progress-head">
        <span className="progress-phase">{phase}</span>
        <span className="progress-value">{waiting ? "" : value}</span>
      </div>
      <div
        className={`progress-track${waiting ? " is-waiting" : ""}`}
        role="progressbar"
        aria-label="Generation progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={waiting ? undefined : percent}
        aria-valuetext={waiting ? phase : `${value}, ${phase}`}
      >
        <div className="progress-fill" style={{ width: `${waiting ? 0 : percent}%` }} />
      </div>
    </div>
  );
}
