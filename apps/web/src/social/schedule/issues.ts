// The server's pre-publish check as the dialog reads it. Zernio's validation is the authority: each
// issue says who found it (`source`), and `validation` says who decided (Zernio, or the local rules
// when Zernio could not be reached, with a notice saying so). Older servers send neither: an issue
// without a source is a local rule's.
import type { RouterOutputs } from "@streamline/api";
import type { Platform } from "../platforms";

type CheckOutput = RouterOutputs["social"]["check"];
export type IssueSource = "zernio" | "local";
export type CheckIssue = {
  platform: Platform;
  rule: string;
  message: string;
  field: string;
  source: IssueSource;
};
export type Validation = { by: IssueSource; notice?: string | undefined };

type RawIssue = Omit<CheckIssue, "source"> & { source?: IssueSource | undefined };
type RawCheck = CheckOutput & { validation?: Validation | undefined };

const withSource = (issue: RawIssue): CheckIssue => ({ ...issue, source: issue.source ?? "local" });

export function readCheck(data: CheckOutput | undefined) {
  const raw = data as RawCheck | undefined;
  const refusals = ((raw?.refusals ?? []) as RawIssue[]).map(withSource);
  const warnings = ((raw?.warnings ?? []) as RawIssue[]).map(withSource);
  return {
    refusals,
    warnings,
    validation: raw?.validation ?? null,
    notice: raw?.validation?.notice ?? null,
  };
}

export const SOURCE_LABEL: Record<IssueSource, string> = {
  zernio: "Zernio",
  local: "Local rule",
};
