// twitter-text's ESM build exports only a default object, so the studio imports the two functions
// it counts with from their own modules (tree-shaken; the same code the server runs).
declare module "twitter-text/dist/esm/parseTweet.js" {
  export default function parseTweet(
    text: string,
    options?: { maxWeightedTweetLength: number } & Record<string, unknown>,
  ): {
    weightedLength: number;
    valid: boolean;
    permillage: number;
    /** The part that fits, as UTF-16 indexes into the text (inclusive). */
    validRangeStart: number;
    validRangeEnd: number;
  };
}
declare module "twitter-text/dist/esm/extractHashtags.js" {
  export default function extractHashtags(text: string): string[];
}
declare module "twitter-text/dist/esm/configs.js" {
  const configs: { defaults: { maxWeightedTweetLength: number } & Record<string, unknown> };
  export default configs;
}
