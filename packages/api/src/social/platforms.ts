// The platforms the studio captions and posts to, in its order, with the names people know:
// imported by the studio as `@streamline/api/platforms` (plain data, safe in the browser bundle),
// so the web never retypes the list the API validates against.
export { isPlatform, PLATFORMS, type Platform, platformLabel } from "@streamline/social/platforms";
