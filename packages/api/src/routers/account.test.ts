// account.* through a caller: the export's shape (no key, no hash, only the caller's rows) and the
// password check before deletion.
import { countUserRows, testBackends } from "@streamline/db/testing";
import { METRIC } from "@streamline/telemetry";
import { installTestTelemetry, total } from "@streamline/telemetry/testing";
import { describe, expect, it } from "vitest";
import { EXPORT_FORMAT } from "../account/export";
import { createCaller } from "../root";
import { STUDIO_ORIGIN, useTestApi } from "../testing/context";
import { refusalOf } from "../testing/refusal";

describe.each(testBackends())("account procedures (%s)", (backend) => {
  const api = useTestApi(backend);

  it("exports the caller's assets and API keys (names only), not another user's", async () => {
    const caller = await api.as("export-alice");
    const asset = await api.insertAsset("export-alice");
    await api.insertAsset("export-bob");
    const { key } = await caller.apiKeys.create({ name: "Reporting" });
    const data = await caller.account.exportData();
    expect(data).toMatchObject({
      format: EXPORT_FORMAT,
      user: { id: "export-alice", email: "export-alice@users.invalid" },
      captions: [],
      posts: [],
      apiKeys: [{ name: "Reporting", revokedAt: null }],
    });
    expect(data.exportedAt).toBeInstanceOf(Date);
    expect(data.assets).toEqual([
      expect.objectContaining({
        id: asset.id,
        model: "gpt-image-2",
        status: "succeeded",
        costUsd: 0.04,
        starred: false,
        resultUrl: expect.any(String),
        deletedAt: null,
      }),
    ]);
    const text = JSON.stringify(data);
    expect(text).not.toContain(key);
    expect(text).not.toContain("hash");
  });

  it("is the person's own: an API key is FORBIDDEN", async () => {
    const app = await api.as("export-app", { method: "api-key" });
    expect((await refusalOf(app.account.exportData())).code).toBe("FORBIDDEN");
    expect((await refusalOf(app.account.delete({ password: "x" }))).code).toBe("FORBIDDEN");
  });

  it("counts the generations a deletion ends as canceled (streamline.generations)", async () => {
    const otel = await installTestTelemetry();
    try {
      await api.insertAsset("delete-erin", { status: "running", progress: 40 });
      await api.insertAsset("delete-erin", { status: "queued", model: "sora-2", type: "video" });
      await api.insertAsset("delete-erin"); // finished: not counted again
      const caller = createCaller({
        ...api.deps,
        verifyPassword: async () => ({ ok: true }),
        user: { id: "delete-erin", method: "session" },
        headers: new Headers({ origin: STUDIO_ORIGIN }),
      });
      await caller.account.delete({ password: "right one" });
      const points = await otel.collect();
      const canceled = { "gen_ai.provider.name": "openai", status: "canceled" };
      expect(total(points, METRIC.generations, canceled)).toBe(2);
      expect(
        total(points, METRIC.generations, { ...canceled, "gen_ai.request.model": "sora-2" }),
      ).toBe(1);
    } finally {
      await otel.uninstall();
    }
  });

  it("deletes only with the right password, naming the field otherwise", async () => {
    await api.insertAsset("delete-dana");
    const caller = (user: string) =>
      createCaller({
        ...api.deps,
        verifyPassword: async (_request, password) => ({ ok: password === "right one" }),
        user: { id: user, method: "session" },
        headers: new Headers({ origin: STUDIO_ORIGIN }),
      });
    const empty = await refusalOf(caller("delete-dana").account.delete({ password: "" }));
    expect(empty.fields.password).toEqual(["Enter your password to confirm."]);
    const wrong = await refusalOf(caller("delete-dana").account.delete({ password: "wrong" }));
    expect(wrong).toMatchObject({
      code: "BAD_REQUEST",
      fields: { password: [expect.any(String)] },
    });
    expect((await countUserRows(api.handle.db, "delete-dana")).media_assets).toBe(1);

    const deleted = await caller("delete-dana").account.delete({ password: "right one" });
    expect(deleted).toMatchObject({ deleted: true, deletedAssets: 1 });
    expect(Object.values(await countUserRows(api.handle.db, "delete-dana"))).toEqual(
      Object.values(await countUserRows(api.handle.db, "nobody")),
    );
  });
});
