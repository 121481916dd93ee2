// What a caption request takes and answers: one call, every requested platform's text.
import { PLATFORMS } from "@streamline/social/platforms";
import type { GoogleProvider } from "../google";
import type { GoogleProviderSettings } from "../google/connection";
import type { OpenAIProvider } from "../openai";
import type { ProviderSettings } from "../types";

// The platform list is posting's (packages/social): captions are written for the platforms the
// studio posts to. Only that data module is imported; social does not depend on providers.
export const CAPTION_PLATFORMS = PLATFORMS;
export type Platform = (typeof CAPTION_PLATFORMS)[number];

/** Platforms whose post has a title and a description rather than one caption. */
export const TITLED_PLATFORMS: ReadonlySet<Platform> = new Set(["youtube", "pinterest"]);

/** Bounds on what the user types, so a request stays one small, predictable call. */
export const CAPTION_LIMITS = {
  prompt: 4_000,
  tone: 60,
  language: 40,
  callToAction: 200,
  instructions: 500,
  images: 8,
  shortenText: 10_000,
} as const;

export interface CaptionImage {
  data: Uint8Array;
  mimeType: string;
}

export interface CaptionMedia {
  type: "image" | "video";
  /** The image, or a video's poster and a few frames (see videoFramesForCaption). */
  images: CaptionImage[];
  /** The video itself, for models that take video (Gemini, inline when small enough). */
  video?: { data: Uint8Array; mimeType: string } | undefined;
}

export interface CaptionInput {
  /** A caption catalog id. */
  model: string;
  platforms: Platform[];
  media: CaptionMedia;
  /** The prompt the media was generated from, as context. */
  prompt: string;
  tone?: string | undefined;
  language?: string | undefined;
  hashtags: boolean;
  callToAction?: string | undefined;
  instructions?: string | undefined;
  signal?: AbortSignal | undefined;
  /** For log lines only. */
  assetId?: string | undefined;
}

export interface PlatformCaption {
  /** The caption (YouTube, Pinterest: the description), without hashtags. */
  text: string;
  /** YouTube and Pinterest only. */
  title?: string | undefined;
  /** Without the leading '#'; empty when hashtags were turned off. */
  hashtags: string[];
}

export interface CaptionUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface CaptionResult {
  captions: Partial<Record<Platform, PlatformCaption>>;
  usage: CaptionUsage;
  /** From `usage` and the catalog price; null when the model's price is unknown. */
  costUsd: number | null;
  model: string;
}

export interface ShortenInput {
  model: string;
  platform: Platform;
  text: string;
  /** The most the caption may be, in `unit`. The caller counts; this only asks. */
  limit: number;
  /** How the limit is counted, in words the model understands (e.g. X's weighted count). */
  unit: string;
  language?: string | undefined;
  signal?: AbortSignal | undefined;
  assetId?: string | undefined;
}

export interface ShortenResult {
  text: string;
  usage: CaptionUsage;
  costUsd: number | null;
  model: string;
}

export interface CaptionerSettings {
  /**
   * The registry that answers availability and "not configured" (the server's, shared with media).
   * Without it one is built from the fields below.
   */
  providers?: import("../registry").MediaProviders | undefined;
  /** The OpenAI kit (shared with media), or the settings to build one from. */
  openai?: ProviderSettings | OpenAIProvider | undefined;
  /** The Google kit (shared with media), or the settings to build one from. */
  google?: GoogleProviderSettings | GoogleProvider | undefined;
  /** The clock lifecycle checks use (tests move it). */
  now?: (() => Date) | undefined;
  /** Retired models re-enabled for a gateway that still serves them. */
  enabledModels?: ReadonlySet<string> | undefined;
  /** Models the operator turned off. */
  disabledModels?: ReadonlySet<string> | undefined;
  /** Per provider request; default 60 s. */
  timeoutMs?: number | undefined;
}

export interface Captioner {
  caption(input: CaptionInput): Promise<CaptionResult>;
  shorten(input: ShortenInput): Promise<ShortenResult>;
}
