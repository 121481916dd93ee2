import type { z } from "zod";
import type { CaptionModelSpec } from "../catalog/captions";
import type { PreparedImage } from "./images";
import type { CaptionUsage } from "./types";

/** One structured-output call, as each provider adapter makes it. */
export interface CaptionRequest {
  spec: CaptionModelSpec;
  text: string;
  images: PreparedImage[];
  /** Only for models that take video, and only when small enough to go inline. */
  video?: { data: Uint8Array; mimeType: string } | undefined;
  /** How closely the model should look: frames of a video need less than a single picture. */
  detail: "low" | "high";
  schema: z.ZodObject;
  schemaName: string;
  /** The most output (and thinking) tokens the call may produce, hence bill. */
  maxOutputTokens: number;
  signal?: AbortSignal | undefined;
}

export interface CaptionAnswer {
  /** The JSON the model answered, parsed but not yet checked against the schema. */
  parsed: unknown;
  usage: CaptionUsage;
}

export interface CaptionBackend {
  generate(request: CaptionRequest): Promise<CaptionAnswer>;
  log(line: string): void;
}
