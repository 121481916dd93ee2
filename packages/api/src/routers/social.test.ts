// social.* through a caller, without Zernio: the caption catalog, the pre-publish checks (each
// refusal names its platform, rule and field) and what posting says when it is not configured.
import { testBackends } from "@streamline/db/testing";
import { describe, expect, it } from "vitest";
import { useTestApi } from "../testing/context";
import { refusalOf } from "../testing/refusal";

describe.each(testBackends())("social procedures (%s)", (backend) => {
  const api = useTestApi(backend);

  it("captionModels: availability, the default and each platform's limits, signed out", async () => {
    const { models, defaultModel, limits } = await api.anonymous().social.captionModels();
    expect(defaultModel).toBe("gpt-6.1-terra");
    expect(models.find((m) => m.id === "gpt-6.1-terra")).toMatchObject({
      isDefault: true,
      available: true,
      unavailableReason: null,
    });
    expect(models.find((m) => m.id === "gpt-4o")?.lifecycle.replacement).toBe("gpt-6-luna");
    expect(limits.x).toMatchObject({ label: "X", limit: 280 });
  });

  it("check: refusals name the platform, rule and field; nothing is posted", async () => {
    const caller = await api.as("social-alice");
    const wide = await api.insertAsset("social-alice", { width: 3000, height: 1000 });
    const x281 = `${"a".repeat(257)} https://example.com/a`; // a link counts 23
    const check = await caller.social.check({
      assetId: wide.id,
      targets: [
        { accountId: "acc_x", platform: "x" },
        { accountId: "acc_ig", platform: "instagram" },
        { accountId: "acc_tt", platform: "tiktok" },
      ],
      captions: { x: { text: x281 }, instagram: { text: "Hi" }, tiktok: { text: "ok" } },
      publishNow: true,
    });
    expect(check.ok).toBe(false);
    expect(check.refusals.map((r) => `${r.platform}:${r.rule}:${r.field}`)).toEqual(
      expect.arrayContaining([
        "x:caption.length:captions.x.text",
        "instagram:image.aspect:assetId",
        "tiktok:tiktok.consent:tiktok.consent",
      ]),
    );
    expect(check.platforms.find((p) => p.platform === "x")).toMatchObject({
      length: 281,
      limit: 280,
    });
    expect(api.postingJobs).toEqual([]);
  });

  it("check: a missing time names scheduledFor and timezone; an unfinished asset names assetId", async () => {
    const caller = await api.as("social-bob");
    const asset = await api.insertAsset("social-bob");
    const draft = { targets: [{ accountId: "acc_x", platform: "x" as const }], captions: {} };
    const missing = await refusalOf(caller.social.check({ ...draft, assetId: asset.id }));
    expect(missing.code).toBe("BAD_REQUEST");
    expect(Object.keys(missing.fields)).toEqual(
      expect.arrayContaining(["scheduledFor", "timezone"]),
    );
    const queued = await api.insertAsset("social-bob", { status: "queued", metadata: {} });
    const unfinished = await refusalOf(
      caller.social.check({ ...draft, assetId: queued.id, publishNow: true }),
    );
    expect(unfinished).toMatchObject({
      code: "BAD_REQUEST",
      fields: { assetId: [expect.any(String)] },
    });
  });

  it("check: another user's asset is NOT_FOUND", async () => {
    const theirs = await api.insertAsset("social-carol");
    const caller = await api.as("social-dave");
    const refusal = await refusalOf(
      caller.social.check({
        assetId: theirs.id,
        targets: [{ accountId: "acc_x", platform: "x" }],
        captions: { x: { text: "hi" } },
        publishNow: true,
      }),
    );
    expect(refusal.code).toBe("NOT_FOUND");
  });

  it("accounts and connect say posting is not configured without Zernio", async () => {
    const caller = await api.as("social-erin");
    expect(await caller.social.accounts()).toMatchObject({
      configured: false,
      message: "Posting is not configured — add ZERNIO_API_KEY",
      accounts: [],
    });
    expect((await refusalOf(caller.social.connect({ platform: "x" }))).code).toBe(
      "PRECONDITION_FAILED",
    );
  });
});
