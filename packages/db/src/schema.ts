import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Timestamps are written as Date or ISO string and always read back as Date. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in by default. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export const MEDIA_TYPES = ["image", "video"] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const MEDIA_STATUSES = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];
/** Statuses after which a job never changes again on its own. */
export const TERMINAL_STATUSES: readonly MediaStatus[] = ["succeeded", "failed", "canceled"];

export type JsonObject = { [key: string]: unknown };

/** One generated (or in-flight) image or video. The brief's columns plus what durable jobs need. */
export interface MediaAssetsTable {
  id: Generated<string>;
  user_id: string;
  provider: string;
  type: MediaType;
  model: string;
  prompt: string;
  status: Generated<MediaStatus>;
  /** 0–100. */
  progress: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  attempts: Generated<number>;
  /** The provider's job / operation / interaction id, saved before anything else so a crash never re-submits. */
  provider_job_id: string | null;
  params: Generated<JsonObject>;
  reference_image_url: string | null;
  result_url: string | null;
  thumbnail_url: string | null;
  width: number | null;
  height: number | null;
  duration_seconds: number | null;
  /**
   * What the provider charged, set only when it billed (a delivered result); null otherwise.
   * numeric(12,4): read back as a decimal string so no cent is lost to floating point.
   */
  cost_usd: ColumnType<string | null, string | number | null, string | number | null>;
  /** The catalog's estimate at submit time (what the daily cap holds for a job in flight). */
  estimated_cost_usd: ColumnType<string | null, string | number | null, string | number | null>;
  metadata: Generated<JsonObject>;
  idempotency_key: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  completed_at: Timestamp | null;
  deleted_at: Timestamp | null;
}

/** One published change to an asset; `id` orders a user's events and is the subscription's event id. */
export interface MediaEventsTable {
  /** bigserial; read back as a number (2^53 events is far off). */
  id: ColumnType<number, never, never>;
  asset_id: string;
  user_id: string;
  payload: JsonObject;
  created_at: GeneratedTimestamp;
}

/** A key an internal app calls the API with; only its hash is stored. */
export interface ApiKeysTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: GeneratedTimestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** better-auth's user table (its column names); read here for display only. */
export interface UserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  image: string | null;
  createdAt: GeneratedTimestamp;
  updatedAt: GeneratedTimestamp;
}

export interface Database {
  media_assets: MediaAssetsTable;
  media_events: MediaEventsTable;
  api_keys: ApiKeysTable;
  user: UserTable;
}

export type ApiKey = Selectable<ApiKeysTable>;

export type MediaAsset = Selectable<MediaAssetsTable>;
export type NewMediaAsset = Insertable<MediaAssetsTable>;
export type MediaAssetUpdate = Updateable<MediaAssetsTable>;
export type MediaEventRow = Selectable<MediaEventsTable>;
