import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  captionLength,
  captionLimit,
  checkPost,
  type MediaFacts,
  PLATFORM_RULES,
  type PostCheckInput,
  SOCIAL_PLATFORMS,
  type SocialPlatform,
} from "./rules";

const NOW = new Date("2026-12-01T08:00:00Z");
const MB = 1024 * 1024;
const jpeg = (width = 1080, height = 1350, bytes = MB): MediaFacts => ({
  type: "image",
  mimeType: "image/jpeg",
  width,
  height,
  bytes,
});
const mp4 = (durationSeconds = 30, bytes = 20 * MB, width = 1080, height = 1920): MediaFacts => ({
  type: "video",
  mimeType: "video/mp4",
  width,
  height,
  durationSeconds,
  bytes,
});

/** Media each platform accepts as is, so one rule at a time can be pushed past its limit. */
const BASELINE_MEDIA: Record<SocialPlatform, MediaFacts[]> = {
  twitter: [],
  instagram: [jpeg()],
  tiktok: [mp4()],
  linkedin: [],
  youtube: [mp4()],
  threads: [],
  pinterest: [jpeg(1000, 1500)],
  facebook: [],
};

function post(platform: SocialPlatform, overrides: Partial<PostCheckInput> = {}): PostCheckInput {
  return {
    platform,
    caption: { text: "A fine day" },
    media: BASELINE_MEDIA[platform],
    publishNow: false,
    scheduledFor: "2026-12-02T09:00:00",
    timezone: "Europe/Berlin",
    now: NOW,
    ...overrides,
  };
}
const rulesHit = (input: PostCheckInput) => checkPost(input).refusals.map((r) => r.rule);

// Words, emoji, links and CJK: X weighs them differently (1, 2, 23, 2).
const token = fc.constantFrom(
  "sunrise",
  "bay",
  "ok",
  "café",
  "😀",
  "👩‍👩‍👧",
  "🌅",
  "https://example.com/a/very/long/path?with=query",
  "example.org",
  "海",
  "東京",
  "!",
);

/** A text whose platform length is exactly `target`: tokens, then single letters to fill up. */
function textOfLength(platform: SocialPlatform, target: number, tokens: string[]): string {
  let body = "";
  for (const t of tokens) {
    const next = body ? `${body} ${t}` : t;
    if (captionLength(platform, next) > target - 2) break;
    body = next;
  }
  const filler = target - captionLength(platform, body ? `${body} ` : "");
  const text = body ? `${body} ${"a".repeat(filler)}` : "a".repeat(target);
  expect(captionLength(platform, text)).toBe(target);
  return text;
}

describe("caption length, weighted for X", () => {
  it("counts a URL as 23 and an emoji as 2 on X, characters elsewhere", () => {
    expect(captionLength("twitter", "hi 😀 https://example.com/a/long/path")).toBe(3 + 2 + 1 + 23);
    expect(captionLength("instagram", "hi 😀")).toBe(4);
    expect(captionLimit("twitter")).toBe(280);
    expect(captionLimit("facebook")).toBe(63_206);
  });

  for (const platform of SOCIAL_PLATFORMS) {
    it(`${platform}: at the limit passes, one over is refused`, () => {
      const limit = PLATFORM_RULES[platform].caption.maxLength;
      fc.assert(
        fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
          const text = textOfLength(platform, limit, tokens);
          expect(rulesHit(post(platform, { caption: { text } }))).toEqual([]);
          const over = rulesHit(post(platform, { caption: { text: `${text}b` } }));
          expect(over).toEqual(["caption.length"]);
        }),
        { numRuns: platform === "facebook" ? 5 : 25 },
      );
    });
  }
});

interface LimitCase {
  platform: SocialPlatform;
  rule: string;
  at: Partial<PostCheckInput>;
  over: Partial<PostCheckInput>;
}

/** Every numeric limit in the table, as "at the limit" and "one unit past it". */
function limitCases(): LimitCase[] {
  const cases: LimitCase[] = [];
  for (const platform of SOCIAL_PLATFORMS) {
    const { caption, media } = PLATFORM_RULES[platform];
    const base = BASELINE_MEDIA[platform];
    if (caption.maxTitleLength !== undefined) {
      const max = caption.maxTitleLength;
      cases.push({
        platform,
        rule: "title.length",
        at: { caption: { text: "x", title: "t".repeat(max) } },
        over: { caption: { text: "x", title: "t".repeat(max + 1) } },
      });
    }
    if (caption.maxPhotoTitleLength !== undefined) {
      const max = caption.maxPhotoTitleLength;
      cases.push({
        platform,
        rule: "title.length",
        at: { media: [jpeg(1080, 1920)], caption: { text: "x", title: "t".repeat(max) } },
        over: { media: [jpeg(1080, 1920)], caption: { text: "x", title: "t".repeat(max + 1) } },
      });
    }
    for (const [rule, max] of [
      ["hashtags.count", caption.maxHashtags],
      ["topicTags.count", caption.maxTopicTags],
    ] as const) {
      if (max === undefined) continue;
      const tags = (n: number) => Array.from({ length: n }, (_, i) => `#tag${i}`).join(" ");
      cases.push({
        platform,
        rule,
        at: { caption: { text: `Hello ${tags(max)}` } },
        over: { caption: { text: `Hello ${tags(max + 1)}` } },
      });
    }
    if (media.maxImages !== undefined) {
      const n = media.maxImages;
      const img = jpeg(1200, 1200);
      cases.push({
        platform,
        rule: "images.count",
        at: { media: Array.from({ length: n }, () => img) },
        over: { media: Array.from({ length: n + 1 }, () => img) },
      });
    }
    if (media.maxImageBytes !== undefined) {
      const max = media.maxImageBytes;
      cases.push({
        platform,
        rule: "image.size",
        at: { media: [jpeg(1080, 1080, max)] },
        over: { media: [jpeg(1080, 1080, max + 1)] },
      });
    }
    if (media.imageAspect) {
      // 1080 tall: 864 wide is exactly 4:5; 2062 wide is ≤ 1.91:1. One pixel more is out.
      const minWidth = Math.ceil(media.imageAspect.min * 1080);
      const maxWidth = Math.floor(media.imageAspect.max * 1080);
      cases.push({
        platform,
        rule: "image.aspect",
        at: { media: [jpeg(minWidth, 1080)] },
        over: { media: [jpeg(minWidth - 1, 1080)] },
      });
      cases.push({
        platform,
        rule: "image.aspect",
        at: { media: [jpeg(maxWidth, 1080)] },
        over: { media: [jpeg(maxWidth + 1, 1080)] },
      });
    }
    if (media.maxVideoBytes !== undefined) {
      const max = media.maxVideoBytes;
      cases.push({
        platform,
        rule: "video.size",
        at: { media: [mp4(30, max)] },
        over: { media: [mp4(30, max + 1)] },
      });
    }
    const range = media.videoDuration;
    if (range?.maxSeconds !== undefined) {
      cases.push({
        platform,
        rule: "video.duration",
        at: { media: [mp4(range.maxSeconds)] },
        over: { media: [mp4(range.maxSeconds + 1)] },
      });
    }
    if (range?.minSeconds !== undefined) {
      cases.push({
        platform,
        rule: "video.duration",
        at: { media: [mp4(range.minSeconds)] },
        over: { media: [mp4(range.minSeconds - 1)] },
      });
    }
    if (media.maxVideos !== undefined && !media.exactlyOneVideo) {
      cases.push({
        platform,
        rule: "videos.count",
        at: { media: [mp4()] },
        over: { media: [mp4(), mp4()] },
      });
    }
    if (media.required) {
      cases.push({ platform, rule: "media.required", at: { media: base }, over: { media: [] } });
    }
  }
  return cases;
}

describe("every rule in the table", () => {
  const cases = limitCases();
  it("covers each platform", () => {
    expect(new Set(cases.map((c) => c.platform)).size).toBeGreaterThanOrEqual(6);
  });
  for (const c of cases) {
    it(`${c.platform} ${c.rule}: at the limit passes, one unit over is refused`, () => {
      fc.assert(
        fc.property(fc.array(token, { maxLength: 5 }), (tokens) => {
          const text = c.at.caption?.text ?? (tokens.join(" ") || "Hello");
          const caption = { ...c.at.caption, text };
          expect(rulesHit(post(c.platform, { ...c.at, caption }))).toEqual([]);
          const overCaption = { ...c.over.caption, text: c.over.caption?.text ?? text };
          const refused = checkPost(post(c.platform, { ...c.over, caption: overCaption })).refusals;
          expect(refused.map((r) => r.rule)).toContain(c.rule);
          const refusal = refused.find((r) => r.rule === c.rule);
          expect(refusal?.message).toContain(PLATFORM_RULES[c.platform].label);
        }),
        { numRuns: 10 },
      );
    });
  }
});

describe("shape and time rules", () => {
  it("YouTube takes exactly one video", () => {
    expect(rulesHit(post("youtube", { media: [jpeg()] }))).toContain("media.oneVideo");
    expect(rulesHit(post("youtube", { media: [mp4(), mp4()] }))).toContain("media.oneVideo");
  });

  it("X does not mix images and a video; Instagram takes JPEG/PNG only", () => {
    expect(rulesHit(post("twitter", { media: [jpeg(), mp4()] }))).toContain("media.mixed");
    const webp = { ...jpeg(), mimeType: "image/webp" };
    expect(checkPost(post("instagram", { media: [webp] })).refusals[0]?.message).toMatch(
      /Instagram takes JPEG, PNG images, not image\/webp/,
    );
  });

  it("warns (not refuses) a TikTok video that is not 9:16", () => {
    const result = checkPost(post("tiktok", { media: [mp4(30, MB, 1920, 1080)] }));
    expect(result.refusals).toEqual([]);
    expect(result.warnings.map((w) => w.rule)).toEqual(["video.aspect"]);
  });

  it("a time in the past is refused unless posting now", () => {
    // 09:00 in Berlin on 1 December is 08:00 UTC: exactly now, so already passed.
    const past = post("linkedin", { scheduledFor: "2026-12-01T09:00:00" });
    expect(checkPost(past).refusals).toEqual([
      expect.objectContaining({
        rule: "schedule.past",
        message: expect.stringContaining("LinkedIn"),
      }),
    ]);
    expect(rulesHit(post("linkedin", { scheduledFor: "2026-12-01T09:00:01" }))).toEqual([]);
    expect(rulesHit({ ...past, publishNow: true })).toEqual([]);
    expect(rulesHit(post("linkedin", { scheduledFor: "2026-12-01T07:59:59Z" }))).toEqual([
      "schedule.past",
    ]);
    expect(rulesHit(post("linkedin", { timezone: "Mars/Olympus" }))).toEqual(["schedule.invalid"]);
    expect(rulesHit(post("linkedin", { scheduledFor: null }))).toEqual(["schedule.missing"]);
  });
});
