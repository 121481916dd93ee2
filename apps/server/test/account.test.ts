// Exporting and deleting one's account (issue 16, item 4), through HTTP with a real session
// cookie, on PGlite and PostgreSQL, against the Zernio fake: the export holds the assets and
// captions; deletion needs the password, cancels scheduled posts at Zernio, disconnects the
// user's accounts and deletes their Zernio profile, removes every file and every row, and the
// session and API keys stop working. A failure midway (Zernio down) leaves a state a second
// attempt finishes; shared mode never touches the workspace's accounts or profile.

import { countUserRows, testBackends } from "@streamline/db/testing";
import {
  createZernioFake,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
} from "@streamline/fakes/zernio";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  codeOf,
  createTestClient,
  fieldErrorsOf,
  startTestServer,
  type TestServer,
} from "./harness";
import { failure, makeAsset, tomorrowIn, waitFor } from "./social-helpers";

const zernio = createZernioFake();
const apis = setupServer(...zernio.handlers);
beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());
beforeEach(() => zernio.reset());

const ORIGIN = "http://localhost:5173";
const PASSWORD = "correct-horse-42";
let counter = 0;

const ZERNIO_ENV = {
  ZERNIO_API_KEY: ZERNIO_MOCK_API_KEY,
  ZERNIO_BASE_URL: ZERNIO_MOCK_BASE_URL,
  ZERNIO_RETRY_MIN_DELAY_MS: "5",
  ZERNIO_TIMEOUT_SECONDS: "2",
  POST_POLL_MIN_MS: "20",
  POST_POLL_MAX_MS: "80",
};

/** Signs a new person up; their session client, id and e-mail. */
async function signUp(server: TestServer, label: string) {
  const email = `${label}-${Date.now()}-${++counter}@example.com`;
  const response = await fetch(`${server.url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN },
    body: JSON.stringify({ email, password: PASSWORD, name: label }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .find((c) => c.includes("session_token"))
    ?.split(";")[0] as string;
  const client = createTestClient(server.url, { cookie, origin: ORIGIN });
  const me = await client.me.query();
  return { client, id: me?.id as string, email };
}

type Person = Awaited<ReturnType<typeof signUp>>;

/** A connected Instagram account in the person's own Zernio profile (connect → OAuth done). */
async function connectInstagram(person: Person) {
  const { url } = await person.client.social.connect.mutate({ platform: "instagram" });
  return zernio.completeConnection(url).account;
}

async function scheduleTomorrow(server: TestServer, person: Person, accountId: string) {
  const asset = await makeAsset(server, person.id, { type: "image", width: 1080, height: 1350 });
  await person.client.social.editCaption.mutate({
    assetId: asset.id,
    platform: "instagram",
    text: "Gym-bag gummies, caption kept in the export",
  });
  const row = await person.client.social.schedule.mutate({
    assetId: asset.id,
    targets: [{ accountId, platform: "instagram" }],
    captions: { instagram: { text: "Gym-bag gummies, caption kept in the export" } },
    scheduledFor: `${tomorrowIn("Europe/Berlin")}T09:00`,
    timezone: "Europe/Berlin",
    idempotencyKey: `account-post-${Date.now()}-${++counter}`,
  });
  const scheduled = await waitFor(async () => {
    const post = (await person.client.social.posts.query({})).find((p) => p.id === row.id);
    return post?.status === "scheduled" ? post : undefined;
  });
  const { resultUrl } = await person.client.media.byId.query({ id: asset.id });
  return { asset, zernioPostId: scheduled.zernioPostId as string, resultUrl: resultUrl as string };
}

const rowsLeft = (server: TestServer, userId: string) =>
  countUserRows(server.runtime.handle.db, userId);

describe.each(testBackends())("account export and deletion on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { ...ZERNIO_ENV, AUTH_ACCOUNT_FAILURES: "3" });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("exports, then deletes everything: posts cancelled at Zernio, profile gone, files 404, keys refused", async () => {
    const dana = await signUp(server, "dana");
    const other = await signUp(server, "olga");
    const account = await connectInstagram(dana);
    const { asset, zernioPostId, resultUrl } = await scheduleTomorrow(server, dana, account._id);
    const othersAsset = await makeAsset(server, other.id, { type: "image", width: 64, height: 64 });
    const profileId = account.profileId;
    const { key } = await dana.client.apiKeys.create.mutate({ name: "automation" });
    const keyClient = createTestClient(server.url, { authorization: `Bearer ${key}` });
    expect((await keyClient.media.list.query({})).items).toHaveLength(1);
    expect((await fetch(`${server.url}${resultUrl}`)).status).toBe(200);

    // The export: assets' metadata and captions, posts, key names — never a key.
    const data = await dana.client.account.exportData.query();
    expect(data.format).toBe("streamline-account-export/1");
    expect(data.user).toMatchObject({ id: dana.id, email: dana.email });
    expect(data.assets).toEqual([
      expect.objectContaining({ id: asset.id, prompt: asset.prompt, model: "gpt-image-2" }),
    ]);
    expect(data.captions.map((c) => c.text)).toContain(
      "Gym-bag gummies, caption kept in the export",
    );
    expect(data.posts).toEqual([
      expect.objectContaining({ assetId: asset.id, status: "scheduled" }),
    ]);
    expect(data.apiKeys).toEqual([expect.objectContaining({ name: "automation" })]);
    expect(JSON.stringify(data)).not.toContain(key);

    // Only the person, with their password: not an API key, not a wrong password.
    expect(codeOf(await failure(keyClient.account.delete.mutate({ password: PASSWORD })))).toBe(
      "FORBIDDEN",
    );
    const wrong = await failure(dana.client.account.delete.mutate({ password: "not-it-123" }));
    expect(codeOf(wrong)).toBe("BAD_REQUEST");
    expect(fieldErrorsOf(wrong)?.password?.[0]).toMatch(/password is not right/);
    expect(codeOf(await failure(dana.client.account.delete.mutate({ password: "" })))).toBe(
      "BAD_REQUEST",
    );
    expect(zernio.getPost(zernioPostId)?.status).toBe("scheduled"); // nothing happened yet

    const result = await dana.client.account.delete.mutate({ password: PASSWORD });
    expect(result).toMatchObject({ deleted: true, cancelledPosts: 1, deletedAssets: 1 });

    expect(zernio.getPost(zernioPostId)).toBeUndefined();
    expect(zernio.requestsTo("accounts.delete").map((r) => r.path)).toEqual([
      `/v1/accounts/${account._id}`,
    ]);
    expect(zernio.requestsTo("profiles.delete").map((r) => r.path)).toEqual([
      `/v1/profiles/${profileId}`,
    ]);
    expect(zernio.profiles.has(profileId)).toBe(false);
    expect((await fetch(`${server.url}${resultUrl}`)).status).toBe(404);
    expect(codeOf(await failure(keyClient.media.list.query({})))).toBe("UNAUTHORIZED");
    expect(await dana.client.me.query()).toBeNull();
    expect(codeOf(await failure(dana.client.media.list.query({})))).toBe("UNAUTHORIZED");
    expect(Object.values(await rowsLeft(server, dana.id)).every((n) => n === 0)).toBe(true);
    // Someone else's things are untouched.
    expect((await other.client.media.byId.query({ id: othersAsset.id })).id).toBe(othersAsset.id);
    const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ email: dana.email, password: PASSWORD }),
    });
    expect(signIn.status).toBe(401);
  }, 30_000);

  it("guessing the password through account.delete is limited like sign-in", async () => {
    const gus = await signUp(server, "gus");
    for (let i = 0; i < 3; i++) {
      const wrong = await failure(gus.client.account.delete.mutate({ password: `guess-${i}-x1` }));
      expect(codeOf(wrong)).toBe("BAD_REQUEST");
    }
    const limited = await failure(gus.client.account.delete.mutate({ password: PASSWORD }));
    expect(codeOf(limited)).toBe("TOO_MANY_REQUESTS");
    expect(limited.message).toMatch(/Too many wrong passwords/);
    expect((await rowsLeft(server, gus.id)).user).toBe(1);
  });

  it("Zernio down midway: the account stays, and a second attempt finishes the job", async () => {
    const erin = await signUp(server, "erin");
    const account = await connectInstagram(erin);
    const { zernioPostId, resultUrl } = await scheduleTomorrow(server, erin, account._id);
    zernio.failNext("profiles.delete", { status: 503 }, 5);

    const first = await failure(erin.client.account.delete.mutate({ password: PASSWORD }));
    expect(codeOf(first)).toBe("SERVICE_UNAVAILABLE");
    expect(await erin.client.me.query()).toMatchObject({ id: erin.id }); // still signed in
    expect(zernio.getPost(zernioPostId)).toBeUndefined(); // the post was cancelled already

    zernio.reset();
    expect(await erin.client.account.delete.mutate({ password: PASSWORD })).toMatchObject({
      deleted: true,
    });
    expect(zernio.requestsTo("posts.delete")).toHaveLength(0); // not sent twice
    expect(zernio.profiles.has(account.profileId)).toBe(false);
    expect((await fetch(`${server.url}${resultUrl}`)).status).toBe(404);
    expect((await rowsLeft(server, erin.id)).user).toBe(0);
  }, 30_000);

  it("shared mode (ZERNIO_SHARED_ACCOUNTS=1) never deletes the workspace's accounts or profile", async () => {
    const shared = await startTestServer(backend, { ...ZERNIO_ENV, ZERNIO_SHARED_ACCOUNTS: "1" });
    try {
      const fay = await signUp(shared, "fay");
      const { zernioPostId } = await scheduleTomorrow(shared, fay, "acc_instagram_1");
      expect(await fay.client.account.delete.mutate({ password: PASSWORD })).toMatchObject({
        cancelledPosts: 1,
      });
      expect(zernio.getPost(zernioPostId)).toBeUndefined();
      expect(zernio.requestsTo("accounts.delete")).toHaveLength(0);
      expect(zernio.requestsTo("profiles.delete")).toHaveLength(0);
      expect(zernio.accounts.has("acc_instagram_1")).toBe(true);
    } finally {
      await shared.close();
    }
  }, 60_000);
});
