// apiKeys.* through a caller: a key is shown once, listed by prefix only, revoked by its owner.
import { testBackends } from "@streamline/db/testing";
import { describe, expect, it } from "vitest";
import { useTestApi } from "../testing/context";
import { refusalOf } from "../testing/refusal";

describe.each(testBackends())("apiKeys procedures (%s)", (backend) => {
  const api = useTestApi(backend);

  it("shows the whole key once; the list has its prefix and never the key", async () => {
    const caller = await api.as("keys-alice");
    const created = await caller.apiKeys.create({ name: "  Reporting app  " });
    expect(created).toMatchObject({ name: "Reporting app", key: expect.any(String) });
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const list = await caller.apiKeys.list();
    expect(list).toEqual([
      expect.objectContaining({ id: created.id, prefix: created.prefix, revokedAt: null }),
    ]);
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(Object.keys(list[0] ?? {})).not.toContain("key");
  });

  it("revokes the caller's own key once; another user's key is NOT_FOUND", async () => {
    const alice = await api.as("keys-alice2");
    const bob = await api.as("keys-bob2");
    const { id } = await alice.apiKeys.create({ name: "CI" });
    expect((await refusalOf(bob.apiKeys.revoke({ id }))).code).toBe("NOT_FOUND");
    expect(await alice.apiKeys.revoke({ id })).toEqual({ id, revoked: true });
    expect((await alice.apiKeys.list())[0]?.revokedAt).toBeInstanceOf(Date);
    expect((await refusalOf(alice.apiKeys.revoke({ id }))).code).toBe("NOT_FOUND");
  });

  it("refuses a nameless key naming the field, and an API key managing keys (FORBIDDEN)", async () => {
    const caller = await api.as("keys-carol");
    const nameless = await refusalOf(caller.apiKeys.create({ name: "   " }));
    expect(nameless.code).toBe("BAD_REQUEST");
    expect(nameless.fields.name).toEqual(["Name the key."]);
    const app = await api.as("keys-carol", { method: "api-key" });
    // One call at a time: a refusal made before its turn would be an unhandled rejection.
    for (const call of [() => app.apiKeys.list(), () => app.apiKeys.create({ name: "x" })]) {
      expect((await refusalOf(call())).code).toBe("FORBIDDEN");
    }
  });
});
