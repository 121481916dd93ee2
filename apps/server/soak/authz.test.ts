// Authorization matrix: every procedure and subscription of AppRouter (enumerated from the router
// itself, so a new procedure is covered the day it lands) × {no credentials, another user (session
// and API key), a revoked key, an unknown key, an API key on key management, a session mutation
// from a foreign origin} → the right error and nothing of the owner's data in any answer; the
// owner's stored files answer 404 once the asset is deleted.
import { appRouter } from "@streamline/api";
import { testBackends } from "@streamline/db/testing";
import { createOpenAIMock } from "@streamline/fakes/providers";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test/harness";
import { recordFigures, SENTINEL, secretsIn, sleep } from "./helpers";

const openai = createOpenAIMock({ apiKey: SENTINEL.openai });
const providerApis = setupServer(...openai.handlers);
beforeAll(() => providerApis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => providerApis.close());

const ORIGIN = "http://localhost:5173";
/** Procedures anyone may call (the catalog, health, who-am-I). */
const PUBLIC = new Set(["health", "me", "media.models", "media.limits", "social.captionModels"]);
/** Managing keys needs the person (a session), never another key. */
const SESSION_ONLY = new Set([
  "apiKeys.list",
  "apiKeys.create",
  "apiKeys.revoke",
  "account.exportData",
  "account.delete",
]);

type Procedure = { path: string; type: "query" | "mutation" | "subscription" };
const procedures: Procedure[] = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })
    ._def.procedures,
).map(([path, p]) => ({ path, type: p._def.type as Procedure["type"] }));

type Answer = { status: number; code: string | null; text: string };

describe.each(testBackends())("authorization matrix (%s)", (backend) => {
  let server: TestServer;
  const owner = { cookie: "", key: "", revokedKey: "", keyId: "", assetId: "", email: "" };
  const other = { cookie: "", key: "" };
  let resultUrl = "";

  async function call(
    p: Procedure,
    input: unknown,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const body = JSON.stringify({ json: input });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), p.type === "subscription" ? 1_500 : 15_000);
    try {
      const response =
        p.type === "mutation"
          ? await fetch(`${server.url}/trpc/${p.path}`, {
              method: "POST",
              headers: { "content-type": "application/json", ...headers },
              body,
              signal: controller.signal,
            })
          : await fetch(`${server.url}/trpc/${p.path}?input=${encodeURIComponent(body)}`, {
              headers: {
                ...(p.type === "subscription" ? { accept: "text/event-stream" } : {}),
                ...headers,
              },
              signal: controller.signal,
            });
      let text = "";
      if (p.type === "subscription" && response.body) {
        // Read until the first data or error event (or the timer): enough to know the answer.
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        try {
          while (!/event: serialized-error|\nid: |^id: /m.test(text)) {
            const { value, done } = await reader.read();
            if (done) break;
            text += decoder.decode(value, { stream: true });
          }
        } catch {
          // aborted by the timer: an open stream with nothing to say yet
        }
        controller.abort();
      } else {
        text = await response.text();
      }
      const errorText =
        p.type === "subscription"
          ? text.includes("event: serialized-error")
            ? text.slice(text.indexOf("event: serialized-error"))
            : response.status === 200
              ? ""
              : text
          : response.status === 200
            ? ""
            : text;
      const code =
        /"code":"([A-Z_]+)"/.exec(errorText)?.[1] ?? (errorText ? `HTTP_${response.status}` : null);
      return { status: response.status, code, text };
    } finally {
      clearTimeout(timer);
    }
  }

  /** A valid input naming the owner's things, per procedure (unknown ones get a generic guess). */
  function inputFor(path: string): unknown {
    const assetId = owner.assetId;
    const inputs: Record<string, unknown> = {
      "media.generate": { type: "image", model: "gpt-image-2", prompt: "Authz probe" },
      "media.byId": { id: assetId },
      "media.list": { limit: 50 },
      "media.star": { id: assetId, starred: true },
      "media.cancel": { id: assetId },
      "media.retry": { id: assetId },
      "media.delete": { id: assetId },
      "media.onProgress": { assetId },
      "apiKeys.create": { name: "probe" },
      "apiKeys.revoke": { id: owner.keyId },
      "social.caption": {
        assetId,
        platforms: ["instagram"],
        hashtags: true,
        idempotencyKey: "authz-probe",
      },
      "social.captions": { assetId },
      "social.editCaption": { assetId, platform: "instagram", text: "Mine now" },
      "social.connect": { platform: "instagram" },
      "social.posts": { assetId },
      "social.check": {
        assetId,
        accountIds: ["acc_probe"],
        captions: { instagram: { text: "x" } },
        publishNow: true,
      },
      "social.schedule": {
        assetId,
        accountIds: ["acc_probe"],
        captions: { instagram: { text: "x" } },
        publishNow: true,
        idempotencyKey: "authz-probe",
      },
      "social.update": { postId: assetId, publishNow: true },
      "social.cancel": { postId: assetId },
      "social.retry": { postId: assetId },
      // Never the right password: the probe must not delete anyone.
      "account.delete": { password: "authz-probe-not-the-password" },
    };
    return inputs[path] ?? { id: assetId, assetId };
  }

  beforeAll(async () => {
    openai.reset();
    server = await startTestServer(backend, {
      OPENAI_API_KEY: SENTINEL.openai,
      GEMINI_API_KEY: SENTINEL.gemini,
    });
    const signUp = async (email: string) => {
      const response = await fetch(`${server.url}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ email, password: "correct-horse-42", name: email.split("@")[0] }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      const cookie = response.headers.getSetCookie().find((c) => c.includes("session_token"));
      return (cookie ?? "").split(";")[0] as string;
    };
    owner.email = `owner-${backend}@example.com`;
    owner.cookie = await signUp(owner.email);
    other.cookie = await signUp(`other-${backend}@example.com`);
    const session = (cookie: string) => ({ cookie, origin: ORIGIN });
    const create = { path: "apiKeys.create", type: "mutation" } as const;
    const keyOf = async (cookie: string) =>
      JSON.parse((await call(create, { name: "authz" }, session(cookie))).text).result.data.json;
    const ownerKey = await keyOf(owner.cookie);
    owner.key = ownerKey.key;
    owner.keyId = ownerKey.id;
    const revoked = await keyOf(owner.cookie);
    owner.revokedKey = revoked.key;
    const revoke = { path: "apiKeys.revoke", type: "mutation" } as const;
    expect((await call(revoke, { id: revoked.id }, session(owner.cookie))).status).toBe(200);
    other.key = (await keyOf(other.cookie)).key;

    // The owner's asset, finished, with a stored file.
    const generate = { path: "media.generate", type: "mutation" } as const;
    const made = await call(
      generate,
      { type: "image", model: "gpt-image-2", prompt: "Owner's secret recipe OWNERMARK" },
      session(owner.cookie),
    );
    owner.assetId = JSON.parse(made.text).result.data.json.asset.id;
    const byId = { path: "media.byId", type: "query" } as const;
    for (let i = 0; i < 100; i++) {
      const a = JSON.parse((await call(byId, { id: owner.assetId }, session(owner.cookie))).text)
        .result.data.json;
      if (a.status === "succeeded") {
        resultUrl = a.resultUrl;
        break;
      }
      await sleep(100);
    }
    expect(resultUrl).toMatch(/^\/media\//);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers every procedure × caller with the right error and no leak", async () => {
    const leaks = (a: Answer) =>
      [owner.assetId, "OWNERMARK", owner.email, owner.keyId, owner.key.slice(0, 12)].filter((s) =>
        a.text.includes(s),
      );
    const problems: string[] = [];
    let cells = 0;
    const expectCode = (label: string, a: Answer, codes: (string | null)[]) => {
      cells++;
      if (!codes.includes(a.code))
        problems.push(`${label}: got ${a.code} (${a.text.slice(0, 120)})`);
      if (a.status === 500) problems.push(`${label}: HTTP 500`);
      const leaked = leaks(a);
      if (leaked.length) problems.push(`${label}: leaked ${leaked.join(", ")}`);
      if (secretsIn(a.text).length) problems.push(`${label}: a provider key in the answer`);
    };
    // Destructive procedures on the owner's asset last, so the others still find it.
    const order = (p: Procedure) => (/\.(delete|cancel|retry)$/.test(p.path) ? 1 : 0);
    for (const p of [...procedures].sort((a, b) => order(a) - order(b))) {
      const input = inputFor(p.path);
      const isPublic = PUBLIC.has(p.path);
      const refused = isPublic ? [null] : ["UNAUTHORIZED"];
      expectCode(`${p.path} × no credentials`, await call(p, input, {}), refused);
      expectCode(
        `${p.path} × unknown key`,
        await call(p, input, {
          authorization: "Bearer slk_not-a-real-key-at-all-0000000000000000000",
        }),
        refused,
      );
      expectCode(
        `${p.path} × revoked key`,
        await call(p, input, { authorization: `Bearer ${owner.revokedKey}` }),
        refused,
      );
      if (isPublic) continue;
      if (SESSION_ONLY.has(p.path)) {
        expectCode(
          `${p.path} × API key on key management`,
          await call(p, input, { authorization: `Bearer ${owner.key}` }),
          ["FORBIDDEN"],
        );
      }
      // Another user, by session and by key: never the owner's data.
      const otherAllowed = [
        null,
        "NOT_FOUND",
        "BAD_REQUEST",
        "FORBIDDEN",
        "PRECONDITION_FAILED",
        "CONFLICT",
      ];
      // account.* acts on the caller's own account, never on the owner's things.
      const targetsOwner =
        !p.path.startsWith("account.") &&
        /\.(byId|star|cancel|retry|delete|onProgress|caption|captions|editCaption|revoke)$/.test(
          p.path,
        );
      const otherExpected = targetsOwner
        ? p.path === "apiKeys.revoke" || !p.path.startsWith("apiKeys")
          ? ["NOT_FOUND", "PRECONDITION_FAILED"]
          : otherAllowed
        : otherAllowed;
      expectCode(
        `${p.path} × other user (session)`,
        await call(p, input, { cookie: other.cookie, origin: ORIGIN }),
        otherExpected,
      );
      if (!SESSION_ONLY.has(p.path)) {
        expectCode(
          `${p.path} × other user (API key)`,
          await call(p, input, { authorization: `Bearer ${other.key}` }),
          otherExpected,
        );
      }
      if (p.type === "mutation") {
        expectCode(
          `${p.path} × session from a foreign origin`,
          await call(p, input, { cookie: owner.cookie, origin: "https://evil.example" }),
          ["FORBIDDEN"],
        );
      }
    }

    // The owner deletes; the stored file is gone for everyone.
    const file = await fetch(`${server.url}${resultUrl}`);
    expect(file.status).toBe(200);
    const del = await call(
      { path: "media.delete", type: "mutation" },
      { id: owner.assetId },
      { cookie: owner.cookie, origin: ORIGIN },
    );
    expect(del.status).toBe(200);
    const after = await fetch(`${server.url}${resultUrl}`);
    const byIdAfter = await call(
      { path: "media.byId", type: "query" },
      { id: owner.assetId },
      { cookie: owner.cookie },
    );
    recordFigures(`authz-${backend}`, {
      procedures: procedures.length,
      subscriptions: procedures.filter((p) => p.type === "subscription").map((p) => p.path),
      cells,
      problems: problems.length,
      mediaAfterDelete: after.status,
    });
    expect(problems).toEqual([]);
    expect(after.status).toBe(404);
    expect(byIdAfter.code).toBe("NOT_FOUND");
  }, 300_000);
});
