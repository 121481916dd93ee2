// Carousels (issue 19): each platform's item limits come from the rule table (Zernio's platform
// pages) and are applied to a post's ordered media items; Instagram's hashtags follow Zernio's
// validation (> 5 a warning, > 30 an error).
import { describe, expect, it } from "vitest";
import { checkPost, type MediaFacts, PLATFORM_RULES, type PostCheckInput } from "./rules";

const MB = 1024 * 1024;
const image = (mimeType = "image/jpeg", bytes = MB): MediaFacts => ({
  type: "image",
  mimeType,
  width: 1080,
  height: 1350,
  bytes,
});
const video = (): MediaFacts => ({
  type: "video",
  mimeType: "video/mp4",
  width: 1080,
  height: 1920,
  durationSeconds: 20,
  bytes: 20 * MB,
});
const check = (platform: PostCheckInput["platform"], media: MediaFacts[], text = "Hello") =>
  checkPost({ platform, caption: { text }, media, publishNow: true, now: new Date() });
const refused = (platform: PostCheckInput["platform"], media: MediaFacts[]) =>
  check(platform, media).refusals.map((r) => r.rule);
const many = (n: number, item: () => MediaFacts = () => image()) => Array.from({ length: n }, item);

describe("carousel limits per platform, as data", () => {
  it("the table holds Zernio's numbers", () => {
    expect(PLATFORM_RULES.twitter.media).toMatchObject({
      maxImages: 4,
      maxVideos: 1,
      noMixing: true,
    });
    expect(PLATFORM_RULES.instagram.media.maxItems).toBe(10);
    expect(PLATFORM_RULES.threads.media.maxItems).toBe(10);
    expect(PLATFORM_RULES.linkedin.media).toMatchObject({
      maxImages: 20,
      maxVideos: 1,
      noMixing: true,
    });
    expect(PLATFORM_RULES.tiktok.media).toMatchObject({
      maxImages: 35,
      maxVideos: 1,
      noMixing: true,
    });
  });

  it("X: 4 images pass, 5 are refused; images and a video never mix", () => {
    expect(refused("twitter", many(4))).toEqual([]);
    expect(refused("twitter", many(5))).toContain("images.count");
    expect(refused("twitter", [image(), video()])).toContain("media.mixed");
  });

  it("Instagram and Threads: 10 items pass (images and videos together on Instagram), 11 are refused", () => {
    expect(refused("instagram", [...many(9), video()])).toEqual([]);
    expect(refused("instagram", many(11))).toContain("media.count");
    expect(refused("threads", many(10))).toEqual([]);
    expect(refused("threads", many(11))).toContain("media.count");
  });

  it("LinkedIn: 20 images, or one video, never both", () => {
    expect(refused("linkedin", many(20))).toEqual([]);
    expect(refused("linkedin", many(21))).toContain("images.count");
    expect(refused("linkedin", [video(), video()])).toContain("videos.count");
    expect(refused("linkedin", [image(), video()])).toContain("media.mixed");
  });

  it("TikTok: a photo carousel of up to 35 JPEG/PNG/WebP, or one video; no photo + video mix", () => {
    expect(refused("tiktok", many(35))).toEqual([]);
    expect(refused("tiktok", many(36))).toContain("images.count");
    expect(refused("tiktok", [image("image/webp")])).toEqual([]);
    expect(refused("tiktok", [image("image/gif")])).toContain("image.format");
    expect(refused("tiktok", [image("image/png", 21 * MB)])).toContain("image.size");
    expect(refused("tiktok", [video(), image()])).toContain("media.mixed");
  });

  it("Pinterest and YouTube: one item", () => {
    expect(refused("pinterest", [image(), image()])).toContain("media.count");
    expect(refused("youtube", [video(), video()])).toContain("media.oneVideo");
  });
});

describe("Instagram hashtags follow Zernio's validation", () => {
  const tags = (n: number) => Array.from({ length: n }, (_, i) => `#t${i}`).join(" ");
  it("5 pass silently; 6–30 warn; 31 are refused", () => {
    expect(check("instagram", [image()], tags(5))).toEqual({ refusals: [], warnings: [] });
    const six = check("instagram", [image()], tags(6));
    expect(six.refusals).toEqual([]);
    expect(six.warnings.map((w) => w.rule)).toEqual(["hashtags.recommended"]);
    const thirty = check("instagram", [image()], tags(30));
    expect(thirty.refusals).toEqual([]);
    const over = check("instagram", [image()], tags(31));
    expect(over.refusals.map((r) => r.rule)).toEqual(["hashtags.count"]);
    expect(over.warnings).toEqual([]);
  });
});
