// How a prompt is measured, shared by the server's validation and the studio's counter (imported
// as `@streamline/api/prompt`; no dependencies, so it is safe in the browser bundle). Length is
// counted in Unicode code points of the trimmed text: an emoji is one character, as people count.

export const PROMPT_MAX_LENGTH = 4_000;

/** Characters that print nothing: whitespace, zero-width and joiner marks, bidi controls, variation selectors, tags. */
// (Built from a string: each range is single invisible code points, not a combining sequence.)
// biome-ignore lint/complexity/useRegexLiterals: as a literal it trips noMisleadingCharacterClass
const INVISIBLE = new RegExp(
  "[\\s\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\u{E0000}-\\u{E007F}\\u{E0100}-\\u{E01EF}]",
  "gu",
);

/** The prompt's length as shown and enforced: code points of the trimmed text. */
export function promptLength(prompt: string): number {
  let n = 0;
  for (const _ of prompt.trim()) n++;
  return n;
}

/** The problem with a prompt, in words; undefined when it is fine. */
export function promptProblem(
  prompt: string,
  maxLength: number = PROMPT_MAX_LENGTH,
): string | undefined {
  if (prompt.replace(INVISIBLE, "").length === 0) return "Describe what to generate.";
  if (promptLength(prompt) > maxLength)
    return `Keep the prompt under ${maxLength.toLocaleString("en-US")} characters.`;
  return undefined;
}
