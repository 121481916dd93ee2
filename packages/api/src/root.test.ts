// The root router through a caller: who is calling, and that every procedure but the catalog and
// health refuses a caller who is not signed in.
import { testBackends } from "@streamline/db/testing";
import { describe, expect, it } from "vitest";
import { appRouter } from "./root";
import { useTestApi } from "./testing/context";
import { refusalOf } from "./testing/refusal";

/** What anyone may call: the health check, the caller, the model catalogs and input limits. */
const PUBLIC = ["health", "me", "media.models", "media.limits", "social.captionModels"];

describe.each(testBackends())("root procedures (%s)", (backend) => {
  const api = useTestApi(backend);

  it("me: the caller, or null when signed out", async () => {
    expect(await api.anonymous().me()).toBeNull();
    expect(await (await api.as("me-alice")).me()).toEqual({ id: "me-alice", method: "session" });
    expect(await api.anonymous().health()).toEqual({ ok: true, demo: false });
  });

  it("refuses every other procedure without a user as UNAUTHORIZED, before reading input", async () => {
    const paths = Object.keys(appRouter._def.procedures);
    const protectedPaths = paths.filter((p) => !PUBLIC.includes(p));
    expect(protectedPaths.length).toBeGreaterThan(20);
    const caller = api.anonymous() as unknown as Record<string, unknown>;
    for (const procedurePath of protectedPaths) {
      const call = procedurePath
        .split(".")
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
        input?: unknown,
      ) => Promise<unknown>;
      const refusal = await refusalOf(Promise.resolve().then(() => call({})));
      expect(refusal, procedurePath).toMatchObject({
        code: "UNAUTHORIZED",
        message: "Sign in to continue.",
      });
    }
  });
});
