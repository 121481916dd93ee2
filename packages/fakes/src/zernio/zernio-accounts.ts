// The Zernio fake's profiles, accounts and connect routes (split from zernio.ts): GET /v1/accounts
// (filtered by profileId; page and limit only together), GET/POST /v1/profiles (exact `name`
// filter; Idempotency-Key replays), GET /v1/connect/{platform} (answers an authUrl; a test
// "completes" the OAuth with `completeConnection`, which puts a new account into that profile).
// Written from @zernio/node 0.2.881's generated types (ListAccountsData, CreateProfileData,
// ListProfilesData, GetConnectUrlData). Every account belongs to exactly one profile.
import { randomBytes } from "node:crypto";
import { HttpResponse, http } from "msw";
import { ZernioFakeRefusal } from "./zernio-validate";

export const ZERNIO_MOCK_CONNECT_ORIGIN = "https://connect.zernio.mock";
/** The workspace's default profile (an ObjectId, as Zernio's are): the default accounts live in it. */
export const ZERNIO_MOCK_PROFILE_ID = "6650a1b2c3d4e5f601234567";

export interface ZernioMockAccount {
  _id: string;
  platform: string;
  profileId: string;
  username: string;
  displayName: string;
  profilePicture: string | null;
  profileUrl: string;
  isActive: boolean;
  needsReconnection: boolean;
  enabled: boolean;
  /** Zernio's per-platform metadata, e.g. X: `{ profileData: { extraData: { isPremium: true } } }`. */
  metadata?: Record<string, unknown>;
  /** Fake-only: the 403 the profile earns when over the plan's limit. */
  overLimit?: boolean;
}

export interface ZernioMockProfile {
  _id: string;
  name: string;
  description?: string;
  color?: string;
  isDefault: boolean;
  createdAt: string;
}

/** Zernio's connect platforms (GetConnectUrlData.path.platform). */
const CONNECT_PLATFORMS = new Set(
  "facebook instagram linkedin twitter tiktok youtube threads reddit pinterest bluesky googlebusiness telegram snapchat discord slack whatsapp".split(
    " ",
  ),
);
const OBJECT_ID = /^[a-f0-9]{24}$/;
const CREATE_PROFILE_FIELDS = new Set(["name", "description", "color"]);

const avatar = (name: string) => `https://avatars.zernio.mock/${name}.png`;
export function mockAccount(
  id: string,
  platform: string,
  username: string,
  displayName: string,
  state: Partial<ZernioMockAccount> = {},
): ZernioMockAccount {
  return {
    _id: id,
    platform,
    profileId: ZERNIO_MOCK_PROFILE_ID,
    username,
    displayName,
    profilePicture: avatar(id),
    profileUrl: `https://${platform}.example/${username}`,
    isActive: true,
    needsReconnection: false,
    enabled: true,
    ...state,
  };
}

/** The accounts the fake serves by default (in the default profile): most connected, a few not. */
export const ZERNIO_MOCK_ACCOUNTS: readonly ZernioMockAccount[] = [
  mockAccount("acc_instagram_1", "instagram", "streamline.studio", "Streamline Studio"),
  mockAccount("acc_tiktok_1", "tiktok", "streamline.studio", "Streamline Studio"),
  mockAccount("acc_twitter_1", "twitter", "streamline_ai", "Streamline AI"),
  mockAccount("acc_youtube_1", "youtube", "StreamlineAI", "Streamline AI"),
  mockAccount("acc_linkedin_1", "linkedin", "streamline-ai", "Streamline AI", {
    needsReconnection: true,
  }),
  mockAccount("acc_facebook_1", "facebook", "streamlineai", "Streamline AI", { isActive: false }),
  mockAccount("acc_threads_1", "threads", "streamline.studio", "Streamline Studio"),
  mockAccount("acc_pinterest_1", "pinterest", "streamlineai", "Streamline AI"),
];

const DEMO_PLATFORMS = [
  ["instagram", "Instagram"],
  ["tiktok", "TikTok"],
  ["youtube", "YouTube"],
  ["twitter", "X"],
  ["linkedin", "LinkedIn"],
  ["threads", "Threads"],
  ["facebook", "Facebook"],
  ["pinterest", "Pinterest"],
] as const;

/**
 * A profile's offline demo accounts: every name says "Demo", so nobody mistakes them for real
 * ones. The default profile's ids are `demo_<platform>`; any other profile's carry its id.
 */
export function demoAccountsFor(profileId: string): ZernioMockAccount[] {
  const suffix = profileId === ZERNIO_MOCK_PROFILE_ID ? "" : `_${profileId}`;
  return DEMO_PLATFORMS.map(([platform, label]) =>
    mockAccount(
      `demo_${platform}${suffix}`,
      platform,
      `demo_${platform}`,
      `Demo ${label} account`,
      {
        profileId,
        profileUrl: `https://demo.invalid/${platform}`,
      },
    ),
  );
}

/** The default profile's demo accounts. */
export const ZERNIO_DEMO_ACCOUNTS: readonly ZernioMockAccount[] =
  demoAccountsFor(ZERNIO_MOCK_PROFILE_ID);

export type AccountsRouteName =
  | "accounts.list"
  | "profiles.list"
  | "profiles.create"
  | "connect.url"
  | "accounts.delete"
  | "profiles.delete";

type Handle = (request: Request, params: Record<string, string>) => Promise<Response> | Response;
type Resolver = (info: {
  request: Request;
  params: Record<string, string | readonly string[] | undefined>;
}) => Promise<Response>;

export interface AccountsFakeOptions {
  baseURL: string;
  /** The fake's route wrapper (records, injects failures, checks the key). */
  route: (name: AccountsRouteName, handle: Handle) => Resolver;
  accounts: ZernioMockAccount[];
  /** Demo: every profile gets its demo accounts, and a profile id never seen is adopted. */
  demo?: boolean;
  connectOrigin?: string;
  /** GET /v1/accounts' `hasAnalyticsAccess` (default false). */
  analyticsAccess?: () => boolean;
  /** Serve every profile whatever `?name=` asks (a Zernio that ignores the filter). */
  ignoreProfileNameFilter?: boolean;
}

interface PendingConnection {
  state: string;
  platform: string;
  profileId: string;
  redirectUrl: string | undefined;
}

/** Profiles, accounts and connections, with the routes that serve them. */
export function createAccountsFake(options: AccountsFakeOptions) {
  const { baseURL, route } = options;
  const connectOrigin = options.connectOrigin ?? ZERNIO_MOCK_CONNECT_ORIGIN;
  const accounts = new Map<string, ZernioMockAccount>();
  const profiles = new Map<string, ZernioMockProfile>();
  const idempotent = new Map<string, { body: string; profile: ZernioMockProfile }>();
  const pending = new Map<string, PendingConnection>();
  let ignoreNameFilter = options.ignoreProfileNameFilter === true;

  function addProfile(
    profile: Omit<ZernioMockProfile, "createdAt" | "isDefault"> & {
      isDefault?: boolean;
    },
  ): ZernioMockProfile {
    const stored: ZernioMockProfile = {
      isDefault: false,
      createdAt: new Date().toISOString(),
      ...profile,
    };
    profiles.set(stored._id, stored);
    if (options.demo) for (const a of demoAccountsFor(stored._id)) accounts.set(a._id, a);
    return stored;
  }

  addProfile({ _id: ZERNIO_MOCK_PROFILE_ID, name: "Default profile", isDefault: true });
  for (const a of options.accounts) accounts.set(a._id, { ...a });
  for (const a of options.accounts) {
    if (!profiles.has(a.profileId))
      addProfile({ _id: a.profileId, name: `Profile ${a.profileId}` });
  }

  /** The profile, or a refusal as Zernio words it; demo mode adopts a well-formed unknown id. */
  function profileOf(id: string | null, param = "profileId"): ZernioMockProfile {
    if (!id || !OBJECT_ID.test(id)) {
      throw new ZernioFakeRefusal(400, {
        error: `${param} must be a valid ObjectId`,
        type: "invalid_request_error",
        param,
      });
    }
    const found = profiles.get(id);
    if (found) return found;
    if (options.demo) return addProfile({ _id: id, name: "Demo profile" });
    throw new ZernioFakeRefusal(404, { error: "Profile not found", type: "not_found" });
  }

  function completeConnection(
    authUrlOrState: string,
    details: Partial<Omit<ZernioMockAccount, "profileId" | "platform">> = {},
  ) {
    const state = authUrlOrState.includes("://")
      ? (new URL(authUrlOrState).searchParams.get("state") ?? "")
      : authUrlOrState;
    const connection = pending.get(state);
    if (!connection) throw new Error(`No pending Zernio connection for ${authUrlOrState}`);
    pending.delete(state);
    const id = details._id ?? `acc_${connection.platform}_${randomBytes(4).toString("hex")}`;
    const username = details.username ?? `user_${id.slice(-8)}`;
    const created = mockAccount(
      id,
      connection.platform,
      username,
      details.displayName ?? username,
      {
        ...details,
        profileId: connection.profileId,
      },
    );
    accounts.set(created._id, created);
    return {
      account: created,
      redirectTo: connection.redirectUrl
        ? connectedUrl(connection.redirectUrl, created)
        : undefined,
    };
  }

  const publicAccount = ({ overLimit: _overLimit, ...a }: ZernioMockAccount) => a;

  const handlers = [
    http.get(
      `${baseURL}/v1/accounts`,
      route("accounts.list", (request) => {
        const query = new URL(request.url).searchParams;
        const page = query.get("page");
        const limit = query.get("limit");
        if ((page === null) !== (limit === null)) {
          throw new ZernioFakeRefusal(400, {
            error: "page and limit must be supplied together",
            type: "invalid_request_error",
          });
        }
        const profileId = query.get("profileId");
        if (profileId !== null) profileOf(profileId);
        const status = query.get("status");
        const platform = query.get("platform");
        let list = [...accounts.values()]
          .filter((a) => profileId === null || a.profileId === profileId)
          .filter((a) => a.enabled || query.get("includeOverLimit") === "true")
          .filter((a) => !platform || a.platform === platform)
          .filter((a) => {
            const healthy = a.isActive && !a.needsReconnection;
            return !status || (status === "connected" ? healthy : !healthy);
          })
          .map(publicAccount);
        if (page !== null && limit !== null) {
          const p = Number(page);
          const l = Number(limit);
          if (!Number.isInteger(p) || p < 1 || !Number.isInteger(l) || l < 1) {
            throw new ZernioFakeRefusal(400, {
              error: "page and limit must be positive integers",
              type: "invalid_request_error",
            });
          }
          const total = list.length;
          list = list.slice((p - 1) * l, p * l);
          return HttpResponse.json({
            accounts: list,
            hasAnalyticsAccess: options.analyticsAccess?.() ?? false,
            pagination: { page: p, limit: l, total, pages: Math.ceil(total / l) },
          });
        }
        return HttpResponse.json({
          accounts: list,
          hasAnalyticsAccess: options.analyticsAccess?.() ?? false,
        });
      }),
    ),

    // @zernio/node deleteAccount: "Disconnects and removes a connected account. Repeating the call
    // for an account already disconnected returns 404."
    http.delete(
      `${baseURL}/v1/accounts/:accountId`,
      route("accounts.delete", (_request, params) => {
        const account = accounts.get(params.accountId ?? "");
        if (!account) {
          throw new ZernioFakeRefusal(404, { error: "Account not found", type: "not_found" });
        }
        accounts.delete(account._id);
        return HttpResponse.json({ message: "Account disconnected successfully" });
      }),
    ),

    // @zernio/node deleteProfile: "Active connected accounts block deletion (returns 400) -
    // disconnect them first. Any remaining disconnected accounts … are moved to another of your
    // profiles (a new one is created only if needed), never deleted."
    http.delete(
      `${baseURL}/v1/profiles/:profileId`,
      route("profiles.delete", (_request, params) => {
        // Never adopted (demo): a profile deleted once answers 404 like Zernio's.
        const profile = profiles.get(params.profileId ?? "");
        if (!profile) {
          throw new ZernioFakeRefusal(404, { error: "Profile not found", type: "not_found" });
        }
        const held = [...accounts.values()].filter((a) => a.profileId === profile._id);
        if (held.some((a) => a.isActive)) {
          throw new ZernioFakeRefusal(400, {
            error: "Profile has connected accounts. Disconnect them before deleting the profile.",
            type: "invalid_request_error",
          });
        }
        if (profile.isDefault) {
          throw new ZernioFakeRefusal(400, {
            error: "The default profile cannot be deleted",
            type: "invalid_request_error",
          });
        }
        for (const a of held) a.profileId = ZERNIO_MOCK_PROFILE_ID;
        profiles.delete(profile._id);
        return HttpResponse.json({ message: "Profile deleted successfully" });
      }),
    ),

    http.get(
      `${baseURL}/v1/profiles`,
      route("profiles.list", (request) => {
        const name = ignoreNameFilter ? null : new URL(request.url).searchParams.get("name");
        const list = [...profiles.values()].filter((p) => name === null || p.name === name);
        return HttpResponse.json({ profiles: list });
      }),
    ),

    http.post(
      `${baseURL}/v1/profiles`,
      route("profiles.create", async (request) => {
        const body = (await request.json().catch(() => undefined)) as
          | Record<string, unknown>
          | undefined;
        if (!body || typeof body !== "object" || Array.isArray(body)) {
          throw new ZernioFakeRefusal(400, { error: "Body must be a JSON object" });
        }
        const unknown = Object.keys(body).filter((k) => !CREATE_PROFILE_FIELDS.has(k));
        if (unknown.length) {
          throw new ZernioFakeRefusal(400, { error: `Unknown fields: ${unknown.join(", ")}` });
        }
        if (typeof body.name !== "string" || !body.name.trim()) {
          throw new ZernioFakeRefusal(400, { error: "name is required", param: "name" });
        }
        if (body.description !== undefined && typeof body.description !== "string") {
          throw new ZernioFakeRefusal(400, {
            error: "description must be a string",
            param: "description",
          });
        }
        const key = request.headers.get("idempotency-key");
        const text = JSON.stringify(body);
        if (key) {
          const seen = idempotent.get(key);
          if (seen && seen.body !== text) {
            throw new ZernioFakeRefusal(422, {
              error: "Idempotency-Key reused with a different body",
            });
          }
          if (seen) {
            return HttpResponse.json(
              { message: "Profile created successfully", profile: seen.profile },
              { status: 201 },
            );
          }
        }
        const profile = addProfile({
          _id: randomBytes(12).toString("hex"),
          name: body.name,
          ...(typeof body.description === "string" ? { description: body.description } : {}),
          ...(typeof body.color === "string" ? { color: body.color } : {}),
        });
        if (key) idempotent.set(key, { body: text, profile });
        return HttpResponse.json(
          { message: "Profile created successfully", profile },
          { status: 201 },
        );
      }),
    ),

    http.get(
      `${baseURL}/v1/connect/:platform`,
      route("connect.url", (request, params) => {
        const platform = params.platform ?? "";
        if (!CONNECT_PLATFORMS.has(platform)) {
          throw new ZernioFakeRefusal(400, {
            error: `Unsupported platform: ${platform}`,
            type: "invalid_request_error",
          });
        }
        const query = new URL(request.url).searchParams;
        const profile = profileOf(query.get("profileId"));
        const redirectUrl = query.get("redirect_url") ?? undefined;
        if (redirectUrl !== undefined && !isAbsoluteRedirect(redirectUrl)) {
          throw new ZernioFakeRefusal(400, {
            error: "redirect_url must be an absolute URL",
            code: "INVALID_REDIRECT_URL",
          });
        }
        if (options.demo && redirectUrl) {
          // Demo: nothing to sign in to; the profile already has its demo account there.
          const existing = [...accounts.values()].find(
            (a) => a.profileId === profile._id && a.platform === platform,
          );
          if (existing) {
            return HttpResponse.json({ authUrl: connectedUrl(redirectUrl, existing) });
          }
        }
        const state = randomBytes(12).toString("hex");
        pending.set(state, { state, platform, profileId: profile._id, redirectUrl });
        return HttpResponse.json({
          authUrl: `${connectOrigin}/oauth/${platform}?state=${state}`,
          state,
        });
      }),
    ),

    // Zernio's hosted sign-in page, as if the user signed in at once: the account joins the
    // profile and the browser is sent back to redirect_url with connected=…&profileId=…&
    // accountId=…&username=… (browser tests follow this round trip over loopback).
    http.get(`${connectOrigin}/oauth/:platform`, ({ request }) => {
      const state = new URL(request.url).searchParams.get("state") ?? "";
      if (!pending.has(state)) return new HttpResponse("Unknown or used state", { status: 400 });
      const { redirectTo } = completeConnection(state);
      return redirectTo
        ? new HttpResponse(null, { status: 302, headers: { Location: redirectTo } })
        : new HttpResponse("Connected. You can close this page.", { status: 200 });
    }),
  ];

  return {
    handlers,
    accounts,
    profiles,
    /** Tests: make GET /v1/profiles ignore (true) or honour (false) its `?name=` filter. */
    ignoreProfileNameFilter(ignore = true) {
      ignoreNameFilter = ignore;
    },
    /** The connections started and not completed yet. */
    pendingConnections: () => [...pending.values()],
    /** Forgets started connections (profiles and accounts stay, like the database rows do). */
    reset: () => pending.clear(),
    /**
     * The user finished the platform's sign-in for an authUrl (or its state): the new account is
     * in the profile the connect URL was made for. Returns it and where the browser is sent.
     */
    completeConnection,
    /** Moves accounts into a profile (tests: give a studio user's new profile some accounts). */
    moveAccounts(profileId: string, accountIds: readonly string[]) {
      profileOf(profileId);
      for (const id of accountIds) {
        const found = accounts.get(id);
        if (!found) throw new Error(`No such fake account ${id}`);
        found.profileId = profileId;
      }
    },
    accountsOf: (profileId: string) =>
      [...accounts.values()].filter((a) => a.profileId === profileId),
  };
}

function isAbsoluteRedirect(value: string): boolean {
  try {
    return Boolean(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Standard mode appends connected={platform}&profileId=X&accountId=Y&username=Z. */
function connectedUrl(redirectUrl: string, account: ZernioMockAccount): string {
  const url = new URL(redirectUrl);
  url.searchParams.set("connected", account.platform);
  url.searchParams.set("profileId", account.profileId);
  url.searchParams.set("accountId", account._id);
  url.searchParams.set("username", account.username);
  return url.toString();
}
