// The one request a caption call makes, whatever the provider: the words the model is given and the
// JSON shape it must answer in. Every requested platform is a required key of a strict schema, so one
// answer carries every caption (OpenAI structured outputs, Gemini responseJsonSchema).
import { z } from "zod";
import { MediaGenError } from "../errors";
import type { ProviderId } from "../types";
import {
  CAPTION_LIMITS,
  CAPTION_PLATFORMS,
  type CaptionInput,
  type Platform,
  type PlatformCaption,
  type ShortenInput,
  TITLED_PLATFORMS,
} from "./types";

/** House style per network; limits are the caller's business (checked after, with the real counters). */
const PLATFORM_STYLE: Record<Platform, string> = {
  instagram: "Instagram: a warm hook in the first line, short paragraphs, emoji sparingly.",
  tiktok: "TikTok: one or two punchy lines in a casual, spoken voice.",
  youtube:
    "YouTube Shorts: a searchable title under 100 characters and a description of 1–3 sentences.",
  linkedin: "LinkedIn: professional and specific, 2–4 short sentences, no slang.",
  x: "X: one short sentence that stands on its own.",
  threads: "Threads: conversational, one or two sentences.",
  facebook: "Facebook: friendly, 1–3 sentences.",
  pinterest: "Pinterest: a keyword-rich title under 100 characters and a helpful description.",
};

const hashtagList = z
  .array(z.string())
  .describe("Hashtags for this platform, without the leading #; empty when hashtags are off");

function platformSchema(platform: Platform) {
  if (TITLED_PLATFORMS.has(platform)) {
    return z.object({
      title: z.string().describe("The post title"),
      description: z.string().describe("The post description, without hashtags"),
      hashtags: hashtagList,
    });
  }
  return z.object({
    text: z.string().describe("The caption, without hashtags"),
    hashtags: hashtagList,
  });
}

/** The strict schema for exactly these platforms, in catalog order. */
export function captionSchema(platforms: readonly Platform[]) {
  const shape: Record<string, ReturnType<typeof platformSchema>> = {};
  for (const platform of platforms) shape[platform] = platformSchema(platform);
  return z.object(shape);
}

export const shortenSchema = z.object({ text: z.string().describe("The shortened caption") });

/** A zod schema as the plain JSON Schema Gemini's `responseJsonSchema` takes. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema) as Record<string, unknown>;
  return json;
}

/** Checks what the user typed before anything is sent; refusals name the field. */
export function validateCaptionInput(input: CaptionInput, provider: ProviderId): Platform[] {
  const invalid = (message: string) =>
    new MediaGenError("INVALID_REQUEST", message, {
      provider,
      model: input.model,
      retryable: false,
    });
  const unknown = input.platforms.filter((p) => !CAPTION_PLATFORMS.includes(p));
  if (unknown.length) throw invalid(`Unknown platform: ${unknown.join(", ")}.`);
  const platforms = CAPTION_PLATFORMS.filter((p) => input.platforms.includes(p));
  if (platforms.length === 0) throw invalid("Pick at least one platform to caption for.");
  const bounded: Array<[keyof typeof CAPTION_LIMITS, string | undefined]> = [
    ["prompt", input.prompt],
    ["tone", input.tone],
    ["language", input.language],
    ["callToAction", input.callToAction],
    ["instructions", input.instructions],
  ];
  for (const [field, value] of bounded) {
    if (value !== undefined && value.length > CAPTION_LIMITS[field])
      throw invalid(`${field} is longer than ${CAPTION_LIMITS[field]} characters.`);
  }
  const { images, video } = input.media;
  if (images.length === 0 && !video)
    throw invalid("Captions need the media: attach an image or frames.");
  if (images.length > CAPTION_LIMITS.images)
    throw invalid(`At most ${CAPTION_LIMITS.images} images or frames per caption request.`);
  return platforms;
}

/**
 * The text part of the request. User-typed values sit inside tags so the model reads them as data,
 * not as instructions that override these rules.
 */
export function captionInstructions(input: CaptionInput, platforms: readonly Platform[]): string {
  const what =
    input.media.type === "video"
      ? input.media.video
        ? "the attached video"
        : "the attached video frames (poster first, then frames in order)"
      : "the attached image";
  const lines = [
    `Write social media captions for ${what}. Describe what is really shown; do not invent products, people or claims.`,
    `Answer with JSON that has one entry per platform: ${platforms.join(", ")}.`,
    ...platforms.map((p) => `- ${PLATFORM_STYLE[p]}`),
    `Language: ${input.language?.trim() || "the language of the generation prompt (English if unclear)"}.`,
    `Tone: ${input.tone?.trim() || "natural and engaging"}.`,
    input.hashtags
      ? "Hashtags: 3–5 relevant ones per platform in `hashtags` (without #), never inside the caption text."
      : "Hashtags: none; answer an empty `hashtags` list and put no hashtags in the text.",
  ];
  if (input.callToAction?.trim())
    lines.push(
      `End each caption with this call to action, adapted to the platform: <cta>${input.callToAction.trim()}</cta>`,
    );
  if (input.instructions?.trim())
    lines.push(
      `Extra wishes from the user (follow them unless they contradict the rules above): <wishes>${input.instructions.trim()}</wishes>`,
    );
  lines.push(
    `The media was generated from this prompt (context only): <prompt>${input.prompt.trim()}</prompt>`,
  );
  return lines.join("\n");
}

export function shortenInstructions(input: ShortenInput): string {
  return [
    `Shorten this ${input.platform} caption to at most ${input.limit} ${input.unit}.`,
    "Keep its meaning, voice, language and any call to action; end on a complete word and sentence; add nothing new.",
    input.language ? `Language: ${input.language}.` : "",
    `<caption>${input.text}</caption>`,
  ]
    .filter(Boolean)
    .join("\n");
}

type Parsed = Record<
  string,
  { text?: string; title?: string; description?: string; hashtags?: string[] }
>;

/** The provider's parsed JSON as our captions; a platform missing from the answer is a provider error. */
export function toCaptions(
  parsed: unknown,
  platforms: readonly Platform[],
  hashtags: boolean,
): Partial<Record<Platform, PlatformCaption>> {
  const result = captionSchema(platforms).safeParse(parsed);
  if (!result.success) {
    const where = result.error.issues[0]?.path.join(".") || "the answer";
    throw new Error(`the captions JSON does not match the schema (at ${where})`);
  }
  const data = result.data as Parsed;
  const captions: Partial<Record<Platform, PlatformCaption>> = {};
  for (const platform of platforms) {
    const entry = data[platform] ?? {};
    const tags = hashtags
      ? (entry.hashtags ?? []).map((t) => t.trim().replace(/^#+/, "")).filter(Boolean)
      : [];
    captions[platform] = TITLED_PLATFORMS.has(platform)
      ? {
          title: (entry.title ?? "").trim(),
          text: (entry.description ?? "").trim(),
          hashtags: tags,
        }
      : { text: (entry.text ?? "").trim(), hashtags: tags };
  }
  return captions;
}
