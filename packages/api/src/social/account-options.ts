// What one of the caller's accounts can be posted with (issue 19 item 7), where Zernio exposes it:
// TikTok's creator info (GET /v1/accounts/{id}/tiktok/creator-info: the privacy levels a post must
// pick from, interactions the creator switched off, whether they can post more today), Pinterest's
// boards (GET /v1/accounts/{id}/pinterest-boards: platformSpecificData.boardId) and X Premium (the
// account's profileData isPremium: 25,000 characters instead of 280).
import {
  captionLimit,
  fromZernioPlatform,
  isSocialError,
  type Platform,
  type SocialAccount,
  type ZernioClient,
} from "@streamline/social";
import type { ApiContext, SessionUser } from "../context";
import { fieldError } from "../media/upload";
import type { PostDraft } from "./checks";
import { postingNotConfigured, viaZernio } from "./errors";
import { accountsOfCaller } from "./profiles";

type Ctx = ApiContext & { user: SessionUser };

/** The account ids among `accounts` that X reports as subscribed (Premium). */
export function premiumAccounts(accounts: Iterable<SocialAccount>): Set<string> {
  const out = new Set<string>();
  for (const account of accounts) if (account.premium) out.add(account.id);
  return out;
}

/** social.accountOptions: `{ accountId, platform, x, tiktok, pinterest }` (null where n/a). */
export async function accountOptionsOf(
  ctx: Ctx,
  input: { accountId: string; mediaType?: "video" | "photo" | undefined },
) {
  const social = ctx.social;
  if (!social?.zernio) throw postingNotConfigured();
  const zernio = social.zernio;
  const account = (await accountsOfCaller(ctx, social, zernio, { cached: true })).find(
    (a) => a.id === input.accountId,
  );
  if (!account) {
    throw fieldError(
      "accountId",
      `Account ${input.accountId} is not one of your connected accounts.`,
    );
  }
  const platform = (fromZernioPlatform(account.platform) ?? null) as Platform | null;
  const tiktok =
    platform === "tiktok"
      ? await viaZernio(() =>
          zernio.tiktokCreatorInfo(
            account.id,
            input.mediaType ? { mediaType: input.mediaType } : {},
          ),
        )
      : null;
  const pinterest =
    platform === "pinterest"
      ? { boards: await viaZernio(() => zernio.pinterestBoards(account.id)) }
      : null;
  const premium = account.premium === true;
  return {
    accountId: account.id,
    platform,
    /** X: Premium (per Zernio's account metadata) and the caption limit that follows. */
    x: platform === "x" ? { premium, captionLimit: captionLimit("twitter", { premium }) } : null,
    /** TikTok: privacyLevels [{value, label}], canPostMore, maxVideoDurationSec, interactions. */
    tiktok,
    /** Pinterest: boards [{id, name, description, privacy}]; the first is Zernio's default. */
    pinterest,
  };
}
export type AccountOptionsDto = Awaited<ReturnType<typeof accountOptionsOf>>;

/**
 * A picked TikTok privacy level and Pinterest board are checked against each target account's own
 * list before anything is written (Zernio's create refuses either with 400). When Zernio cannot be
 * asked, the choice is left to the create to judge.
 */
export async function assertPlatformOptions(
  zernio: ZernioClient,
  draft: Pick<PostDraft, "targets" | "tiktok" | "pinterest">,
): Promise<void> {
  const privacyLevel = draft.tiktok?.privacyLevel;
  const boardId = draft.pinterest?.boardId;
  for (const target of draft.targets) {
    if (target.platform === "tiktok" && privacyLevel) {
      const levels = await optional(() => zernio.tiktokCreatorInfo(target.accountId));
      const allowed = levels?.privacyLevels.map((l) => l.value);
      if (allowed && !allowed.includes(privacyLevel)) {
        throw fieldError(
          "tiktok.privacyLevel",
          `TikTok: this account cannot post with privacy level ${privacyLevel}; choose one of ${allowed.join(", ")}.`,
        );
      }
    }
    if (target.platform === "pinterest" && boardId) {
      const boards = await optional(() => zernio.pinterestBoards(target.accountId));
      if (boards && !boards.some((b) => b.id === boardId)) {
        throw fieldError(
          "pinterest.boardId",
          "Pinterest: that board is not one of this account's boards.",
        );
      }
    }
  }
}

async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isSocialError(error)) return undefined;
    throw error;
  }
}
