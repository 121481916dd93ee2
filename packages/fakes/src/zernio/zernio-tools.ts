// The Zernio fake's validation tools and per-account posting options (split from zernio.ts), written
// from @zernio/node 0.2.881 (sdk.gen.ts doc comments, types.gen.ts) and Zernio's OpenAPI spec:
// - POST /v1/tools/validate/post: "Dry-run the full post validation pipeline without publishing …
//   missing media for Instagram/TikTok/YouTube, hashtag limits, … character limit violations.
//   Accepts the same body as POST /v1/posts. Does NOT validate accounts, process media, or track
//   usage. … a twitter accountId is resolved … only to pick the 280 vs 25000 character limit.
//   Returns errors for failures and warnings for near-limit content (>90% of character limit)."
//   Both verdicts answer 200: `{valid: true, message, warnings}` or `{valid: false, errors, warnings}`
//   (ValidatePostResponse's two variants); a malformed body is refused with 400 as the create does.
// - POST /v1/tools/validate/media {url}: a HEAD of the URL (here: the fake's own uploads) →
//   `{valid, url, contentType, size, sizeFormatted, type, platformLimits}`; private/localhost → 400.
// - GET /v1/accounts/{id}/tiktok/creator-info (TikTok accounts only) and
//   GET /v1/accounts/{id}/pinterest-boards (GetTikTokCreatorInfoResponse, GetPinterestBoardsResponse).
// The create (zernio.ts) applies the same platform-option checks: a TikTok privacyLevel outside the
// creator's list and a Pinterest boardId the account does not have are refused with 400.
import { captionLength, hashtagCount } from "@streamline/social";
import { HttpResponse, http } from "msw";
import type { ZernioMockAccount } from "./zernio-accounts";
import { validateCreatePost, ZernioFakeRefusal } from "./zernio-validate";

export type ToolsRouteName =
  | "tools.validatePost"
  | "tools.validateMedia"
  | "accounts.tiktokCreatorInfo"
  | "accounts.pinterestBoards";

type Handle = (request: Request, params: Record<string, string>) => Promise<Response> | Response;
type Resolver = (info: {
  request: Request;
  params: Record<string, string | readonly string[] | undefined>;
}) => Promise<Response>;

/** Zernio's text limits per platform (its platform pages; Pinterest's description from Pinterest). */
const TEXT_LIMITS: Record<string, { label: string; max: number; title?: number }> = {
  twitter: { label: "Twitter/X", max: 280 },
  instagram: { label: "Instagram", max: 2_200 },
  tiktok: { label: "TikTok", max: 2_200 },
  linkedin: { label: "LinkedIn", max: 3_000 },
  youtube: { label: "YouTube", max: 5_000, title: 100 },
  threads: { label: "Threads", max: 500 },
  pinterest: { label: "Pinterest", max: 800, title: 100 },
  facebook: { label: "Facebook", max: 63_206 },
};
const X_PREMIUM_MAX = 25_000;
/** "Catches issues like missing media for Instagram/TikTok/YouTube". */
const MEDIA_REQUIRED = new Set(["instagram", "tiktok", "youtube"]);
const MAX_MEDIA: Record<string, number> = { twitter: 4, instagram: 10, threads: 10, linkedin: 20 };

/** Per-platform upload size limits (bytes) validate/media compares a file against. */
const SIZE_LIMITS: Record<string, { image: number; video: number }> = {
  twitter: { image: 5 * 1024 ** 2, video: 512 * 1024 ** 2 },
  instagram: { image: 8 * 1024 ** 2, video: 300 * 1024 ** 2 },
  tiktok: { image: 20 * 1024 ** 2, video: 4 * 1024 ** 3 },
  linkedin: { image: 8 * 1024 ** 2, video: 5 * 1024 ** 3 },
  youtube: { image: 2 * 1024 ** 2, video: 256 * 1024 ** 3 },
  threads: { image: 8 * 1024 ** 2, video: 1024 ** 3 },
  pinterest: { image: 20 * 1024 ** 2, video: 2 * 1024 ** 3 },
  facebook: { image: 10 * 1024 ** 2, video: 4 * 1024 ** 3 },
};

export const DEFAULT_TIKTOK_PRIVACY_LEVELS = [
  { value: "PUBLIC_TO_EVERYONE", label: "Everyone" },
  { value: "MUTUAL_FOLLOW_FRIENDS", label: "Friends" },
  { value: "FOLLOWER_OF_CREATOR", label: "Followers" },
  { value: "SELF_ONLY", label: "Only me" },
];
export const DEFAULT_PINTEREST_BOARDS = [
  { id: "board_ideas_1", name: "Ideas", description: "Everything we make", privacy: "PUBLIC" },
  { id: "board_drafts_2", name: "Drafts", description: "", privacy: "SECRET" },
];

export interface TikTokCreatorSetup {
  privacyLevels?: Array<{ value: string; label: string }>;
  canPostMore?: boolean;
  maxVideoDurationSec?: number;
  /** Interactions the creator switched off in the TikTok app. */
  disabled?: Array<"comment" | "duet" | "stitch">;
}
export type PinterestBoardSetup = Array<{
  id: string;
  name: string;
  description?: string;
  privacy?: string;
}>;

export interface ToolsFakeOptions {
  baseURL: string;
  route: (name: ToolsRouteName, handle: Handle) => Resolver;
  accounts: Map<string, ZernioMockAccount>;
  /** Looks up one of the fake's own uploads by its public URL. */
  upload: (url: string) => { contentType: string; bytes: number } | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const fmt = (n: number) => n.toLocaleString("en-US");

export function createToolsFake(options: ToolsFakeOptions) {
  const { baseURL, route, accounts } = options;
  const creators = new Map<string, TikTokCreatorSetup>();
  const boards = new Map<string, PinterestBoardSetup>();
  /** accountId or platform → extra errors validate/post reports (a rule the fake has no data for). */
  const injected = new Map<string, string[]>();

  const isPremium = (accountId: string | undefined) => {
    const data = accountId ? accounts.get(accountId)?.metadata?.profileData : undefined;
    const p = data as { isPremium?: unknown; extraData?: { isPremium?: unknown } } | undefined;
    return (p?.extraData?.isPremium ?? p?.isPremium) === true;
  };
  const privacyLevelsOf = (accountId: string) =>
    creators.get(accountId)?.privacyLevels ?? DEFAULT_TIKTOK_PRIVACY_LEVELS;
  const boardsOf = (accountId: string) => boards.get(accountId) ?? DEFAULT_PINTEREST_BOARDS;

  /** The platform-option checks the create applies too (400 there, an error here). */
  function optionProblem(entry: Record<string, unknown>): string | undefined {
    const data = isObject(entry.platformSpecificData) ? entry.platformSpecificData : {};
    const accountId = String(entry.accountId);
    if (entry.platform === "tiktok" && data.privacyLevel !== undefined) {
      const allowed = privacyLevelsOf(accountId).map((l) => l.value);
      if (!allowed.includes(String(data.privacyLevel))) {
        return `privacyLevel "${String(data.privacyLevel)}" is not available for this TikTok account (allowed: ${allowed.join(", ")})`;
      }
    }
    if (entry.platform === "pinterest" && data.boardId !== undefined) {
      const account = accounts.get(accountId);
      if (account && !boardsOf(accountId).some((b) => b.id === data.boardId)) {
        return `boardId "${String(data.boardId)}" is not a board of this Pinterest account`;
      }
    }
    return undefined;
  }

  /** One platform entry of a validate/post body: its errors and warnings. */
  function checkEntry(
    entry: Record<string, unknown> & { platform: string; accountId?: string },
    body: { content?: string | undefined; mediaItems: Array<Record<string, unknown>> },
  ) {
    const errors: string[] = [];
    const warnings: string[] = [];
    const platform = entry.platform;
    const limits = TEXT_LIMITS[platform];
    const text =
      typeof entry.customContent === "string" ? entry.customContent : (body.content ?? "");
    const media = Array.isArray(entry.customMedia)
      ? (entry.customMedia as Array<Record<string, unknown>>)
      : body.mediaItems;
    if (limits) {
      const max = platform === "twitter" && isPremium(entry.accountId) ? X_PREMIUM_MAX : limits.max;
      const length = platform === "twitter" ? captionLength("twitter", text) : [...text].length;
      if (length > max) {
        errors.push(`${limits.label} content exceeds ${fmt(max)} characters (${fmt(length)})`);
      } else if (length > 0.9 * max) {
        warnings.push(
          `${limits.label} content is ${fmt(length)} of ${fmt(max)} characters (over 90% of the limit)`,
        );
      }
      const data = isObject(entry.platformSpecificData) ? entry.platformSpecificData : {};
      const title = typeof data.title === "string" ? data.title : "";
      if (limits.title !== undefined && [...title].length > limits.title) {
        errors.push(
          `${limits.label} title exceeds ${limits.title} characters (${[...title].length})`,
        );
      }
    }
    if (MEDIA_REQUIRED.has(platform) && media.length === 0) {
      errors.push(`${limits?.label ?? platform} requires at least one image or video`);
    }
    if (platform === "youtube" && media.length > 0 && !media.some((m) => m.type === "video")) {
      errors.push("YouTube requires a video");
    }
    const maxMedia = MAX_MEDIA[platform];
    if (maxMedia !== undefined && media.length > maxMedia) {
      errors.push(
        `${limits?.label ?? platform} allows at most ${maxMedia} media items (${media.length})`,
      );
    }
    const hashtags = hashtagCount(text);
    if (platform === "instagram" && hashtags > 30) {
      errors.push(`Instagram allows at most 30 hashtags (${hashtags})`);
    } else if (platform === "instagram" && hashtags > 5) {
      warnings.push(`Instagram recommends at most 5 hashtags (${hashtags})`);
    }
    if (platform === "threads" && hashtags > 1) {
      errors.push(`Threads allows one topic tag per post (${hashtags})`);
    }
    const option = optionProblem(entry);
    if (option) errors.push(option);
    errors.push(...(injected.get(entry.accountId ?? "") ?? []), ...(injected.get(platform) ?? []));
    return { errors, warnings };
  }

  const handlers = [
    http.post(
      `${baseURL}/v1/tools/validate/post`,
      route("tools.validatePost", async (request) => {
        // The same schema as the create (400 for a malformed body); nothing is stored or counted.
        const valid = validateCreatePost(await request.json().catch(() => undefined));
        const errors: Array<{ platform: string; error: string }> = [];
        const warnings: Array<{ platform: string; warning: string }> = [];
        for (const entry of valid.platforms) {
          const found = checkEntry(entry, valid);
          errors.push(...found.errors.map((error) => ({ platform: entry.platform, error })));
          warnings.push(
            ...found.warnings.map((warning) => ({ platform: entry.platform, warning })),
          );
        }
        return HttpResponse.json(
          errors.length
            ? { valid: false, errors, warnings }
            : { valid: true, message: "Post is valid", warnings },
        );
      }),
    ),

    http.post(
      `${baseURL}/v1/tools/validate/media`,
      route("tools.validateMedia", async (request) => {
        const body = await request.json().catch(() => undefined);
        if (!isObject(body) || typeof body.url !== "string" || !body.url) {
          throw new ZernioFakeRefusal(400, {
            error: "url is required",
            code: "invalid_field_value",
          });
        }
        let url: URL;
        try {
          url = new URL(body.url);
        } catch {
          throw new ZernioFakeRefusal(400, { error: "Invalid URL", code: "invalid_field_value" });
        }
        const host = url.hostname;
        if (
          !["http:", "https:"].includes(url.protocol) ||
          host === "localhost" ||
          /^(127\.|10\.|192\.168\.|169\.254\.|0\.)/.test(host) ||
          host === "[::1]"
        ) {
          throw new ZernioFakeRefusal(400, {
            error: "Private or localhost URLs are not allowed",
            code: "invalid_field_value",
          });
        }
        const file = options.upload(body.url);
        if (!file) {
          return HttpResponse.json({ valid: false, url: body.url, error: "URL returned HTTP 404" });
        }
        const type = file.contentType.startsWith("image/")
          ? "image"
          : file.contentType.startsWith("video/")
            ? "video"
            : "unknown";
        const platformLimits: Record<string, unknown> = {};
        if (type !== "unknown") {
          for (const [platform, limits] of Object.entries(SIZE_LIMITS)) {
            const limit = limits[type];
            platformLimits[platform] = {
              limit,
              limitFormatted: `${fmt(Math.round(limit / 1024 ** 2))} MB`,
              withinLimit: file.bytes <= limit,
            };
          }
        }
        return HttpResponse.json({
          valid: true,
          url: body.url,
          contentType: file.contentType,
          size: file.bytes,
          sizeFormatted: `${fmt(Math.round((file.bytes / 1024) * 10) / 10)} KB`,
          type,
          ...(type !== "unknown" ? { platformLimits } : {}),
        });
      }),
    ),

    http.get(
      `${baseURL}/v1/accounts/:accountId/tiktok/creator-info`,
      route("accounts.tiktokCreatorInfo", (request, params) => {
        const account = accounts.get(params.accountId ?? "");
        if (!account) throw new ZernioFakeRefusal(404, { error: "Account not found" });
        if (account.platform !== "tiktok") {
          throw new ZernioFakeRefusal(400, {
            error: "This endpoint only works with TikTok accounts",
          });
        }
        const setup = creators.get(account._id) ?? {};
        const photo = new URL(request.url).searchParams.get("mediaType") === "photo";
        const toggle = (name: "comment" | "duet" | "stitch", label: string) => ({
          enabled: !(setup.disabled ?? []).includes(name),
          required: true,
          default: false,
          label,
        });
        return HttpResponse.json({
          creator: {
            nickname: account.displayName,
            avatarUrl: account.profilePicture,
            isVerified: false,
            canPostMore: setup.canPostMore ?? true,
          },
          privacyLevels: privacyLevelsOf(account._id),
          postingLimits: {
            maxVideoDurationSec: setup.maxVideoDurationSec ?? 600,
            interactionSettings: {
              allow_comment: toggle("comment", "Allow comments"),
              allow_duet: photo ? null : toggle("duet", "Allow Duet"),
              allow_stitch: photo ? null : toggle("stitch", "Allow Stitch"),
            },
          },
          commercialContentTypes: [
            { value: "none", label: "None", requires: [] },
            { value: "brand_organic", label: "Your Brand", requires: [] },
            { value: "brand_content", label: "Branded Content", requires: [] },
          ],
        });
      }),
    ),

    http.get(
      `${baseURL}/v1/accounts/:accountId/pinterest-boards`,
      route("accounts.pinterestBoards", (_request, params) => {
        const account = accounts.get(params.accountId ?? "");
        if (!account) throw new ZernioFakeRefusal(404, { error: "Account not found" });
        if (account.platform !== "pinterest") {
          throw new ZernioFakeRefusal(400, { error: "Not a Pinterest account" });
        }
        return HttpResponse.json({
          boards: boardsOf(account._id).map((b) => ({
            id: b.id,
            name: b.name,
            description: b.description ?? "",
            privacy: b.privacy ?? "PUBLIC",
          })),
        });
      }),
    ),
  ];

  return {
    handlers,
    /** A create's platform entries against the account options (400 like Zernio's create). */
    checkCreateOptions(platforms: Array<Record<string, unknown>>) {
      for (const entry of platforms) {
        const problem = optionProblem(entry);
        if (problem) {
          throw new ZernioFakeRefusal(400, {
            error: problem,
            type: "invalid_request_error",
            code: "invalid_field_value",
            param: "platformSpecificData",
          });
        }
      }
    },
    /** This TikTok account's creator info (privacy levels, daily cap, disabled interactions). */
    setTikTokCreator(accountId: string, setup: TikTokCreatorSetup) {
      creators.set(accountId, setup);
    },
    setPinterestBoards(accountId: string, list: PinterestBoardSetup) {
      boards.set(accountId, list);
    },
    /** validate/post reports this error for the account id or platform (until reset). */
    failValidation(accountIdOrPlatform: string, error: string) {
      injected.set(accountIdOrPlatform, [...(injected.get(accountIdOrPlatform) ?? []), error]);
    },
    reset() {
      creators.clear();
      boards.clear();
      injected.clear();
    },
  };
}
