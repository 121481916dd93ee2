import type { Migration, MigrationProvider } from "kysely/migration";
import * as m001 from "./2026_11_25_001_media_assets";
import * as m002 from "./2026_11_25_002_media_events";
import * as m003 from "./2026_11_25_003_accounts";
import * as m101 from "./2026_12_01_001_sign_in_failures";
import * as m102 from "./2026_12_01_002_cost_estimates";
import * as m103 from "./2026_12_01_003_captions_and_posts";
import * as m110 from "./2026_12_01_010_favourites_search_groups";
import * as m120 from "./2026_12_01_020_social_profiles";
import * as m1210 from "./2026_12_07_010_caption_spend";
import * as m1220 from "./2026_12_07_020_user_foreign_keys";
import * as m1230 from "./2026_12_07_030_posting_rate_and_uploads";
import * as m1240 from "./2026_12_07_040_media_streams";
import * as m1250 from "./2026_12_07_050_owned_rows_of_new_tables";
import * as m1310 from "./2026_12_08_110_post_media_items";
import * as m1320 from "./2026_12_08_120_posts_page_index";
import * as m1330 from "./2026_12_08_130_queue_slots";
import * as m1300 from "./2026_12_08_200_post_analytics";
import * as m1700 from "./2026_12_09_700_latest_figures";

/**
 * Every migration, by its date-prefixed name. A static record (not a folder scan) so a bundled
 * server carries its migrations with it.
 */
export const migrations: Record<string, Migration> = {
  "2026_11_25_001_media_assets": m001,
  "2026_11_25_002_media_events": m002,
  "2026_11_25_003_accounts": m003,
  "2026_12_01_001_sign_in_failures": m101,
  "2026_12_01_002_cost_estimates": m102,
  "2026_12_01_003_captions_and_posts": m103,
  "2026_12_01_010_favourites_search_groups": m110,
  "2026_12_01_020_social_profiles": m120,
  "2026_12_07_010_caption_spend": m1210,
  "2026_12_07_020_user_foreign_keys": m1220,
  "2026_12_07_030_posting_rate_and_uploads": m1230,
  "2026_12_07_040_media_streams": m1240,
  "2026_12_07_050_owned_rows_of_new_tables": m1250,
  "2026_12_08_110_post_media_items": m1310,
  "2026_12_08_120_posts_page_index": m1320,
  "2026_12_08_130_queue_slots": m1330,
  "2026_12_08_200_post_analytics": m1300,
  "2026_12_09_700_latest_figures": m1700,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
