// Whose accounts a caller may see and post to. Posting uses one server-wide ZERNIO_API_KEY, so
// Zernio alone cannot tell studio users apart: each user gets their own Zernio profile (a
// `social_profiles` row), sees only the accounts in it, connects new accounts into it, and every
// target of check / schedule / update (and, again, the posting job) must be one of them.
// ZERNIO_SHARED_ACCOUNTS=1 (single-team installs) keeps the old behaviour: every account of the
// workspace is every user's.
//
// Creating the profile (ensureProfile), safe under concurrency and crashes:
// 1. a 'ready' row answers at once;
// 2. otherwise the caller inserts a 'creating' claim (user_id is the primary key, so of several
//    concurrent first requests exactly one inserts); the others poll the row until it is ready;
// 3. the claim holder first looks the profile up by its deterministic name (GET /v1/profiles?name=,
//    Zernio's documented way to recover an ambiguous create) and adopts it — only a profile whose
//    name is exactly the user's (the filter is not trusted) and that no other row holds — else
//    creates it with Idempotency-Key = the row's claim_key, then marks the row ready with its id;
// 4. any failure (a refused create, a database error) drops the claim (the next request tries
//    again);
// 5. crash recovery: a holder that dies mid-create leaves a 'creating' row. Once it is older than
//    the stale time (longer than one create with all its retries), the next request takes the
//    claim over in one UPDATE (one winner) and repeats step 3 — the name lookup finds a profile
//    the dead holder did create, and the kept claim_key replays its create if Zernio still has
//    it — so a crash never leaves a user without a profile nor gives them two.
import { randomUUID } from "node:crypto";
import {
  claimSocialProfile,
  completeSocialProfile,
  findSocialProfile,
  findSocialProfileOwner,
  releaseSocialProfileClaim,
  takeOverSocialProfileClaim,
} from "@streamline/db";
import type { ConnectUrlInput, SocialAccount, ZernioClient } from "@streamline/social";
import { type Platform, platformLabel, toZernioPlatform } from "@streamline/social";
import { TRPCError } from "@trpc/server";
import type { ApiContext, SessionUser, SocialDeps } from "../context";
import { fieldError } from "../media/upload";
import { viaZernio } from "./errors";

type Ctx = ApiContext & { user: SessionUser };

/** A claim older than this is taken over: > one create's 3 attempts × 30 s timeout + pauses. */
export const PROFILE_CLAIM_STALE_MS = 3 * 60_000;
/** How long a concurrent request waits for another one's create before asking to try again. */
export const PROFILE_WAIT_MS = 20_000;
/** social.check runs live while the user types: it reuses an account list this fresh. */
const CHECK_CACHE_MS = 15_000;

/** The profile's name at Zernio: deterministic, so an ambiguous create can be found again. */
export const profileNameOf = (userId: string) => `Streamline user ${userId}`;

/** Shared (single-team) mode: ZERNIO_SHARED_ACCOUNTS=1. */
export const isShared = (social: SocialDeps) => social.sharedAccounts === true;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The caller's Zernio profile id, created (once) on first use. */
export async function ensureProfile(ctx: Ctx, zernio: ZernioClient): Promise<string> {
  const userId = ctx.user.id;
  const social = ctx.social;
  const staleAfterMs = social?.profileClaimStaleMs ?? PROFILE_CLAIM_STALE_MS;
  const deadline = Date.now() + (social?.profileWaitMs ?? PROFILE_WAIT_MS);
  let pause = 25;
  for (;;) {
    const row = await findSocialProfile(ctx.db, userId);
    if (row?.status === "ready" && row.zernio_profile_id) return row.zernio_profile_id;
    const me = randomUUID();
    const claim = row
      ? await takeOverSocialProfileClaim(ctx.db, { userId, claimedBy: me, staleAfterMs })
      : await claimSocialProfile(ctx.db, {
          userId,
          claimKey: `streamline-profile-${randomUUID()}`,
          claimedBy: me,
        });
    if (claim) return createClaimed(ctx, zernio, claim.claim_key, me);
    if (Date.now() > deadline) {
      throw new TRPCError({
        code: "SERVICE_UNAVAILABLE",
        message: "Your posting profile is still being set up — try again in a moment.",
      });
    }
    await sleep(pause);
    pause = Math.min(500, pause * 2);
  }
}

async function createClaimed(
  ctx: Ctx,
  zernio: ZernioClient,
  claimKey: string,
  claimedBy: string,
): Promise<string> {
  const userId = ctx.user.id;
  let done: Awaited<ReturnType<typeof completeSocialProfile>>;
  let profileId: string;
  try {
    profileId =
      (await adoptableProfile(ctx, zernio)) ?? (await createProfile(zernio, userId, claimKey));
    if (await profileOwnedByOther(ctx, userId, profileId)) {
      // Zernio answered an id another user's row holds: never hand their accounts over.
      throw new TRPCError({
        code: "BAD_GATEWAY",
        message: "Zernio answered a posting profile that is not yours — try again in a moment.",
      });
    }
    done = await completeSocialProfile(ctx.db, { userId, claimedBy, zernioProfileId: profileId });
  } catch (error) {
    // Any failure (Zernio's, or the database's) drops the claim: the next request tries again
    // instead of waiting for a claim nobody works on any more.
    await releaseSocialProfileClaim(ctx.db, { userId, claimedBy }).catch(() => {});
    throw error;
  }
  if (done) return profileId;
  // Our claim went stale and another request took it over: its answer is the one kept.
  const row = await findSocialProfile(ctx.db, userId);
  if (row?.status === "ready" && row.zernio_profile_id) return row.zernio_profile_id;
  return ensureProfile(ctx, zernio);
}

/**
 * The profile an earlier (crashed or ambiguous) create made for this user: named exactly for
 * them — a Zernio that ignores `?name=` answers every profile, the workspace's Default first —
 * and not held by any other user's row.
 */
async function adoptableProfile(ctx: Ctx, zernio: ZernioClient): Promise<string | undefined> {
  const name = profileNameOf(ctx.user.id);
  const listed = await viaZernio(() => zernio.listProfiles({ name }));
  for (const profile of listed) {
    if (profile.name !== name || profile.isDefault) continue;
    if (!(await profileOwnedByOther(ctx, ctx.user.id, profile.id))) return profile.id;
  }
  return undefined;
}

async function profileOwnedByOther(ctx: Ctx, userId: string, profileId: string) {
  const owner = await findSocialProfileOwner(ctx.db, profileId);
  return owner !== undefined && owner !== userId;
}

async function createProfile(zernio: ZernioClient, userId: string, claimKey: string) {
  const created = await viaZernio(() =>
    zernio.createProfile({
      name: profileNameOf(userId),
      description: "Streamline AI Studio: this user's connected accounts",
      idempotencyKey: claimKey,
    }),
  );
  return created.id;
}

/** Where the caller's accounts live: their own profile, or (shared mode) the whole workspace. */
export async function scopeOf(ctx: Ctx, social: SocialDeps, zernio: ZernioClient) {
  return isShared(social) ? undefined : await ensureProfile(ctx, zernio);
}

const checkCache = new WeakMap<
  ZernioClient,
  Map<string, { at: number; accounts: SocialAccount[] }>
>();

/** The accounts the caller may use (fresh from Zernio; `cached` allows a 15 s old list). */
export async function accountsOfCaller(
  ctx: Ctx,
  social: SocialDeps,
  zernio: ZernioClient,
  options: { cached?: boolean } = {},
): Promise<SocialAccount[]> {
  const profileId = await scopeOf(ctx, social, zernio);
  let cache = checkCache.get(zernio);
  if (!cache) {
    cache = new Map();
    checkCache.set(zernio, cache);
  }
  const key = profileId ?? "*shared*";
  const hit = cache.get(key);
  if (options.cached && hit && Date.now() - hit.at < CHECK_CACHE_MS) return hit.accounts;
  const accounts = await viaZernio(() =>
    zernio.listAccounts(profileId === undefined ? {} : { profileId }),
  );
  // Per-user: keep only what Zernio says is in the profile (never trust a missing filter).
  const mine =
    profileId === undefined ? accounts : accounts.filter((a) => a.profileId === profileId);
  cache.set(key, { at: Date.now(), accounts: mine });
  return mine;
}

/**
 * Every target must be one of the caller's accounts: BAD_REQUEST on `targets` otherwise, before
 * anything is posted. Returns the accounts by id for the caller's further checks.
 */
export async function assertOwnTargets(
  ctx: Ctx,
  social: SocialDeps,
  zernio: ZernioClient,
  targets: ReadonlyArray<{ accountId: string; platform: Platform }>,
  options: { cached?: boolean } = {},
): Promise<Map<string, SocialAccount>> {
  let byId = new Map((await accountsOfCaller(ctx, social, zernio, options)).map((a) => [a.id, a]));
  // A cached list may predate an account the user just connected: look once more before refusing.
  if (options.cached && targets.some((t) => !byId.has(t.accountId))) {
    byId = new Map((await accountsOfCaller(ctx, social, zernio)).map((a) => [a.id, a]));
  }
  const foreign = targets.find((t) => !byId.has(t.accountId));
  if (foreign) {
    throw fieldError(
      "targets",
      isShared(social)
        ? `${platformLabel(foreign.platform)}: account ${foreign.accountId} is not connected in Zernio.`
        : `${platformLabel(foreign.platform)}: account ${foreign.accountId} is not one of your connected accounts.`,
    );
  }
  return byId;
}

/** social.connect: Zernio's sign-in URL for a platform; the account lands in the caller's profile. */
export async function connectUrlOf(
  ctx: Ctx,
  social: SocialDeps,
  zernio: ZernioClient,
  platform: Platform,
) {
  const scope = await scopeOf(ctx, social, zernio);
  let profileId = scope;
  if (profileId === undefined) {
    // Shared mode: the workspace's default profile (every account is everyone's anyway).
    const profiles = await viaZernio(() => zernio.listProfiles());
    profileId = (profiles.find((p) => p.isDefault) ?? profiles[0])?.id;
    if (!profileId) {
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message: "The Zernio workspace has no profile to connect accounts into.",
      });
    }
  }
  // Back to the studio the call came from when it is one of ours (the Vite dev server under
  // `pnpm dev`, the server itself after `pnpm build`); API-key callers send no Origin: APP_ORIGIN.
  const from = ctx.headers.get("origin");
  const origin =
    from && ctx.trustedOrigins.includes(from)
      ? from
      : (social.appOrigin ?? "http://localhost:3000");
  const redirectUrl = new URL("/ai-studio", origin).toString();
  const url = await viaZernio(() =>
    zernio.connectUrl({
      platform: toZernioPlatform(platform) as ConnectUrlInput["platform"],
      profileId: profileId as string,
      redirectUrl,
    }),
  );
  // The caller connects something new: the next check must not answer from an older list.
  checkCache.get(zernio)?.delete(scope ?? "*shared*");
  return { url };
}
