// Whether the workspace can read analytics at all (Zernio's analytics add-on: GET /v1/accounts'
// hasAnalyticsAccess, checked by the refresh job and kept in zernio_analytics_state), and whether
// this user was already told it cannot — the studio says so once.
import { analyticsNoticeSeen, markAnalyticsNoticeSeen, readAnalyticsState } from "@streamline/db";
import type { ApiContext, SessionUser } from "../context";

type Ctx = ApiContext & { user: SessionUser };

export async function analyticsAccess(ctx: Ctx) {
  const configured = Boolean(ctx.social?.zernio);
  const state = await readAnalyticsState(ctx.db);
  const status: "available" | "unavailable" | "unknown" = !configured
    ? "unknown"
    : state.hasAccess === null
      ? "unknown"
      : state.hasAccess
        ? "available"
        : "unavailable";
  const seen = status === "unavailable" ? await analyticsNoticeSeen(ctx.db, ctx.user.id) : true;
  return {
    configured,
    status,
    checkedAt: state.checkedAt?.toISOString() ?? null,
    /** True until the user dismisses it (analytics.dismissNotice), only when access is missing. */
    showNotice: status === "unavailable" && !seen,
    message: !configured
      ? "Posting is not configured — add ZERNIO_API_KEY"
      : status === "unavailable"
        ? "Your Zernio workspace has no analytics add-on: post figures are not read."
        : null,
  };
}

export async function dismissAnalyticsNotice(ctx: Ctx) {
  await markAnalyticsNoticeSeen(ctx.db, ctx.user.id);
  return { ok: true as const };
}
