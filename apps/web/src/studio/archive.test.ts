// The selection's .zip: only files the server confirms are this user's, each under its own name,
// and nothing else in the archive.
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { MediaAsset } from "../trpc";
import { collectArchive, zipFiles } from "./archive";

const MINE_1 = "11111111-0000-4000-8000-000000000001";
const MINE_2 = "22222222-0000-4000-8000-000000000002";
const RUNNING = "33333333-0000-4000-8000-000000000003";
const THEIRS = "44444444-0000-4000-8000-000000000004";
const BROKEN = "55555555-0000-4000-8000-000000000005";

const asset = (id: string, over: Partial<MediaAsset> = {}) =>
  ({
    id,
    type: "image",
    status: "succeeded",
    resultUrl: `/media/u/${id}.png`,
    ...over,
  }) as MediaAsset;

/** A server that knows the user's four assets; anyone else's id is NOT_FOUND, as media.byId. */
const mine: Record<string, MediaAsset> = {
  [MINE_1]: asset(MINE_1),
  [MINE_2]: asset(MINE_2, { type: "video", resultUrl: `/media/u/${MINE_2}.mp4` }),
  [RUNNING]: asset(RUNNING, { status: "running", resultUrl: null }),
  [BROKEN]: asset(BROKEN),
};
const files: Record<string, Uint8Array> = {
  [`/media/u/${MINE_1}.png`]: new Uint8Array([1, 2, 3]),
  [`/media/u/${MINE_2}.mp4`]: new Uint8Array([4, 5, 6, 7]),
  [`/media/other/${THEIRS}.png`]: new Uint8Array([9, 9, 9]),
};
const read: string[] = [];
const source = {
  resolve: async (id: string) => {
    const found = mine[id];
    if (!found) throw new Error("NOT_FOUND");
    return found;
  },
  read: async (url: string) => {
    read.push(url);
    const bytes = files[url];
    if (!bytes) throw new Error("HTTP 404");
    return bytes;
  },
};

describe("selection archive", () => {
  it("zips only the user's finished files; another user's id is never fetched", async () => {
    read.length = 0;
    const plan = await collectArchive([MINE_1, THEIRS, RUNNING, MINE_2, BROKEN, MINE_1], source);
    expect(Object.keys(plan.files).sort()).toEqual([
      "streamline-image-11111111.png",
      "streamline-video-22222222.mp4",
    ]);
    expect(plan.skipped).toEqual([
      { id: THEIRS, reason: "not found" },
      { id: RUNNING, reason: "not finished" },
      { id: BROKEN, reason: "could not be read" },
    ]);
    expect(read.some((url) => url.includes(THEIRS))).toBe(false);
    expect(read.filter((url) => url.includes(MINE_1))).toHaveLength(1);

    const unzipped = unzipSync(await zipFiles(plan.files));
    expect(Object.keys(unzipped).sort()).toEqual(Object.keys(plan.files).sort());
    expect([...(unzipped["streamline-video-22222222.mp4"] ?? [])]).toEqual([4, 5, 6, 7]);
  });

  it("two results that would share a name both go in", async () => {
    const twin = "11111111-9999-4000-8000-000000000009";
    const plan = await collectArchive([MINE_1, twin], {
      resolve: async (id) => asset(id),
      read: async () => new Uint8Array([0]),
    });
    expect(Object.keys(plan.files)).toEqual([
      "streamline-image-11111111.png",
      "streamline-image-11111111-2.png",
    ]);
  });
});
