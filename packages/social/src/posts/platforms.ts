// The one place our platform ids meet Zernio's (twitter). Rows, DTOs, captions and events use ours
// (x); only calls to Zernio and its rule table use Zernio's. The studio's order.
import { isSocialPlatform, PLATFORM_RULES, type SocialPlatform } from "../platforms";

export const PLATFORMS = [
  "instagram",
  "tiktok",
  "youtube",
  "linkedin",
  "x",
  "threads",
  "facebook",
  "pinterest",
] as const;
export type Platform = (typeof PLATFORMS)[number];

const TO_ZERNIO: Record<Platform, SocialPlatform> = {
  instagram: "instagram",
  tiktok: "tiktok",
  youtube: "youtube",
  linkedin: "linkedin",
  x: "twitter",
  threads: "threads",
  facebook: "facebook",
  pinterest: "pinterest",
};

export function toZernioPlatform(platform: Platform): SocialPlatform {
  return TO_ZERNIO[platform];
}

/** Our id for a Zernio platform, or undefined for one the studio does not post to (reddit, …). */
export function fromZernioPlatform(platform: string): Platform | undefined {
  if (!isSocialPlatform(platform)) return undefined;
  return (Object.keys(TO_ZERNIO) as Platform[]).find((p) => TO_ZERNIO[p] === platform);
}

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

/** The name people know ("X", "Instagram"). */
export function platformLabel(platform: Platform): string {
  return PLATFORM_RULES[TO_ZERNIO[platform]].label;
}
