import { describe, expect, it } from "vitest";
import { assetMetadataOf } from "./media-metadata";

describe("media_assets.metadata schema", () => {
  it("types what generation, delete and the DTO read", () => {
    const metadata = assetMetadataOf({
      metadata: {
        demo: true,
        storage: { resultKey: "image/1", thumbnailKey: null, referenceKey: "ref/1" },
        reference: { width: 512, height: 512, mimeType: "image/png" },
        variant: { index: 2, of: 4 },
        requested: { width: 720, height: 1280, durationSeconds: 8 },
        providerJob: "live",
        submittedAt: "2026-12-07T10:00:00.000Z",
        bytes: 1024,
      },
    });
    expect(metadata.storage?.resultKey).toBe("image/1");
    expect(metadata.reference?.mimeType).toBe("image/png");
    expect(metadata.variant).toEqual({ index: 2, of: 4 });
    expect(metadata.providerJob).toBe("live");
    expect(metadata.bytes).toBe(1024);
  });

  it("reads a field that does not fit as absent, never failing the row", () => {
    const metadata = assetMetadataOf({
      metadata: { demo: "yes", storage: 3, providerJob: "lost", variant: { index: "a" } },
    });
    expect(metadata.demo).toBeUndefined();
    expect(metadata.storage).toBeUndefined();
    expect(metadata.providerJob).toBeUndefined();
    expect(metadata.variant).toBeUndefined();
  });

  it("keeps keys it does not know (a newer release's, during a rolling deploy)", () => {
    expect(assetMetadataOf({ metadata: { futureField: { a: 1 } } })).toEqual({
      futureField: { a: 1 },
    });
  });
});
