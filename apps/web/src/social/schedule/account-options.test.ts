// The dialog's reading of social.accountOptions: TikTok's levels over several accounts, no level
// pre-selected (the post is blocked until one is chosen), interactions the creator switched off
// never sent, the Pinterest board sent (the first, Zernio's default, unless another is picked), and
// X Premium's limit only when every picked X account has it.
import { describe, expect, it } from "vitest";
import type { CaptionLimits } from "../CaptionField";
import {
  type AccountOptions,
  boardsOf,
  boardToSend,
  tiktokBlockedReason,
  tiktokOptionsOf,
  tiktokToSend,
  withXPremium,
} from "./account-options";

const LEVELS = [
  { value: "PUBLIC_TO_EVERYONE", label: "Everyone" },
  { value: "FOLLOWER_OF_CREATOR", label: "Followers" },
  { value: "SELF_ONLY", label: "Only me" },
];
const tiktok = (extra: Partial<NonNullable<AccountOptions["tiktok"]>> = {}): AccountOptions => ({
  accountId: "acc_tiktok_1",
  platform: "tiktok",
  x: null,
  pinterest: null,
  tiktok: {
    nickname: "Gummy Creator",
    canPostMore: true,
    privacyLevels: LEVELS,
    maxVideoDurationSec: 600,
    interactions: { comment: { enabled: true }, duet: { enabled: false }, stitch: null },
    ...extra,
  },
});
const x = (accountId: string, premium: boolean): AccountOptions => ({
  accountId,
  platform: "x",
  x: { premium, captionLimit: premium ? 25_000 : 280 },
  tiktok: null,
  pinterest: null,
});
const choice = { allowComment: true, allowDuet: true, allowStitch: true, consent: true };

describe("TikTok's options", () => {
  it("offers the levels every picked account has, with the nickname and switched-off interactions", () => {
    const other = tiktok({
      nickname: null,
      privacyLevels: [LEVELS[0], LEVELS[2]] as typeof LEVELS,
    });
    const merged = tiktokOptionsOf([tiktok(), other]);
    expect(merged?.privacyLevels.map((l) => l.value)).toEqual(["PUBLIC_TO_EVERYONE", "SELF_ONLY"]);
    expect(merged?.nicknames).toEqual(["Gummy Creator"]);
    // null: TikTok does not offer it for this post (Duet and Stitch on photos).
    expect(merged?.disabled).toEqual({
      comment: null,
      duet: "turned off by the creator in TikTok",
      stitch: "not offered for this post",
    });
    expect(tiktokOptionsOf([x("a", true)])).toBeNull();
  });

  it("blocks until a privacy level is chosen, and when the creator cannot post more", () => {
    const options = tiktokOptionsOf([tiktok()]);
    expect(tiktokBlockedReason(choice, options, false)).toBe("Choose who can view the TikTok post");
    expect(
      tiktokBlockedReason({ ...choice, privacyLevel: "SELF_ONLY" }, options, false),
    ).toBeNull();
    expect(tiktokBlockedReason(choice, null, true)).toMatch(/Reading TikTok/);
    const capped = tiktokOptionsOf([tiktok({ canPostMore: false })]);
    expect(tiktokBlockedReason({ ...choice, privacyLevel: "SELF_ONLY" }, capped, false)).toMatch(
      /cannot post more/,
    );
  });

  it("never sends an interaction the creator switched off", () => {
    const sent = tiktokToSend(
      { ...choice, privacyLevel: "FOLLOWER_OF_CREATOR" },
      tiktokOptionsOf([tiktok()]),
    );
    expect(sent).toEqual({
      allowComment: true,
      allowDuet: false,
      allowStitch: false,
      consent: true,
      privacyLevel: "FOLLOWER_OF_CREATOR",
    });
    expect("privacyLevel" in tiktokToSend({ ...choice, privacyLevel: undefined }, null)).toBe(
      false,
    );
  });
});

describe("the Pinterest board", () => {
  const boards = [
    { id: "b1", name: "Ideas", description: "", privacy: "PUBLIC" },
    { id: "b2", name: "Drafts", description: "", privacy: "SECRET" },
  ];
  it("is the one picked while listed, else the first (Zernio's default)", () => {
    expect(boardToSend("b2", boards)).toBe("b2");
    expect(boardToSend(undefined, boards)).toBe("b1");
    expect(boardToSend("gone", boards)).toBe("b1");
    expect(boardToSend("b2", null)).toBeUndefined();
    expect(boardToSend(undefined, [])).toBeUndefined();
    const pin: AccountOptions = {
      accountId: "p",
      platform: "pinterest",
      x: null,
      tiktok: null,
      pinterest: { boards },
    };
    expect(boardsOf([x("a", false), pin])).toEqual(boards);
    expect(boardsOf([x("a", false)])).toBeNull();
  });
});

describe("X Premium's limit", () => {
  const limits = {
    x: { limit: 280, counting: "twitter-weighted" },
    instagram: { limit: 2200 },
  } as unknown as CaptionLimits;
  it("applies when every picked X account is Premium, and only then", () => {
    expect(withXPremium(limits, [x("a", true)], 1)?.x?.limit).toBe(25_000);
    expect(withXPremium(limits, [x("a", true), x("b", false)], 2)?.x?.limit).toBe(280);
    // One X account's options still loading: the standard limit until they arrive.
    expect(withXPremium(limits, [x("a", true)], 2)?.x?.limit).toBe(280);
    expect(withXPremium(limits, [], 0)).toBe(limits);
    expect(withXPremium(undefined, [x("a", true)], 1)).toBeUndefined();
  });
});
