// Per-user Zernio profiles, on PGlite and PostgreSQL: one server-wide ZERNIO_API_KEY, yet each
// studio user sees, connects into and posts to only their own Zernio profile's accounts. Covers
// the connect flow, refusals of another user's account id (check, schedule, update, and the
// posting job itself) with zero post requests, concurrent first calls making one profile, crash
// recovery of an abandoned claim, and the ZERNIO_SHARED_ACCOUNTS=1 escape hatch.
import { randomUUID } from "node:crypto";
import { ensureUserRow, findSocialProfile, insertScheduledPostOnce } from "@streamline/db";
import { testBackends } from "@streamline/db/testing";
import { createOpenAIResponsesMock, OPENAI_MOCK_API_KEY } from "@streamline/fakes/providers";
import {
  createZernioFake,
  ZERNIO_MOCK_API_KEY,
  ZERNIO_MOCK_BASE_URL,
  ZERNIO_MOCK_CONNECT_ORIGIN,
} from "@streamline/fakes/zernio";
import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";
import { failure, makeAsset, profileIdOf, tomorrowIn, trpcCode, waitFor } from "./social-helpers";

const openai = createOpenAIResponsesMock();
const zernio = createZernioFake();
const apis = setupServer(...openai.handlers, ...zernio.handlers);
beforeAll(() => apis.listen({ onUnhandledFrame: "bypass" }));
afterAll(() => apis.close());
beforeEach(() => {
  openai.reset();
  zernio.reset();
});

const APP_ORIGIN = "https://studio.streamline.test";
const ENV = {
  OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
  ZERNIO_API_KEY: ZERNIO_MOCK_API_KEY,
  ZERNIO_BASE_URL: ZERNIO_MOCK_BASE_URL,
  ZERNIO_RETRY_MIN_DELAY_MS: "5",
  POST_POLL_MIN_MS: "20",
  POST_POLL_MAX_MS: "80",
  POST_RETRY_DELAY_SECONDS: "0",
  APP_ORIGIN,
};
let counter = 0;
/** Users are unique per test and backend: the Zernio fake (and its profiles) outlives a server. */
const fresh = (label: string) => `${label}-${Date.now()}-${++counter}`;
const key = (label: string) => `${label}-${Date.now()}-${++counter}`;
const postRequests = () =>
  zernio.requests.filter((r) => r.route.startsWith("posts.") || r.route.startsWith("media."));

describe.each(testBackends())("per-user Zernio profiles on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, ENV);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  /** Connects an account for `userId` the way the studio does: social.connect → Zernio's OAuth. */
  async function connect(userId: string, platform: "instagram" | "x", username: string) {
    const { url } = await server.client(userId).social.connect.mutate({ platform });
    return zernio.completeConnection(url, { username, displayName: `${username} (${userId})` })
      .account;
  }

  it("connects into the caller's own profile, and each user sees only their accounts", async () => {
    const a = fresh("anna");
    const b = fresh("ben");
    expect((await server.client(a).social.accounts.query()).accounts).toEqual([]);
    const profileA = await profileIdOf(server, a);
    const profileB = await profileIdOf(server, b);
    expect(profileA).not.toBe(profileB);

    zernio.reset();
    const { url } = await server.client(a).social.connect.mutate({ platform: "x" });
    const [request] = zernio.requestsTo("connect.url");
    // Exactly what GetConnectUrlData documents: Zernio's platform id, profileId, redirect_url.
    expect(request?.path).toBe("/v1/connect/twitter");
    expect(request?.query).toEqual({
      profileId: profileA,
      redirect_url: `${APP_ORIGIN}/ai-studio`,
    });
    const [pending] = zernio.pendingConnections();
    expect(pending).toMatchObject({ profileId: profileA, platform: "twitter" });
    expect(url).toBe(`${ZERNIO_MOCK_CONNECT_ORIGIN}/oauth/twitter?state=${pending?.state}`);
    const done = zernio.completeConnection(url, { username: "anna_x" });
    expect(done.redirectTo).toContain(`${APP_ORIGIN}/ai-studio?connected=twitter`);
    const benInsta = await connect(b, "instagram", "ben_insta");

    const ofA = await server.client(a).social.accounts.query();
    const ofB = await server.client(b).social.accounts.query();
    expect(ofA).toMatchObject({ configured: true, shared: false });
    expect(ofA.accounts.map((x) => [x.id, x.platform, x.handle])).toEqual([
      [done.account._id, "x", "anna_x"],
    ]);
    expect(ofB.accounts.map((x) => x.id)).toEqual([benInsta._id]);
    // Every listing asked Zernio for the caller's profile only.
    for (const r of zernio.requestsTo("accounts.list")) {
      expect([profileA, profileB]).toContain(r.query.profileId);
    }
  });

  it("refuses another user's account in check, schedule and update: zero post requests", async () => {
    const a = fresh("anna");
    const b = fresh("ben");
    const annaX = await connect(a, "x", "anna_x");
    const benX = await connect(b, "x", "ben_x");
    const asset = await makeAsset(server, b, { type: "image", width: 1080, height: 1080 });
    zernio.reset();
    const draft = {
      assetId: asset.id,
      targets: [{ accountId: annaX._id, platform: "x" as const }],
      captions: { x: { text: "Hello from Ben" } },
      publishNow: true,
    };
    const checked = await failure(server.client(b).social.check.query(draft));
    expect(trpcCode(checked)).toBe("BAD_REQUEST");
    expect(checked.data?.zodError?.fieldErrors.targets?.[0]).toMatch(
      /not one of your connected accounts/,
    );
    const scheduled = await failure(
      server.client(b).social.schedule.mutate({ ...draft, idempotencyKey: key("steal") }),
    );
    expect(trpcCode(scheduled)).toBe("BAD_REQUEST");
    expect(scheduled.data?.zodError?.fieldErrors.targets?.[0]).toMatch(annaX._id);
    // Mixed with one of his own: still refused as a whole.
    const mixed = await failure(
      server.client(b).social.schedule.mutate({
        ...draft,
        targets: [
          { accountId: benX._id, platform: "x" },
          { accountId: annaX._id, platform: "x" },
        ],
        idempotencyKey: key("mixed"),
      }),
    );
    expect(trpcCode(mixed)).toBe("BAD_REQUEST");
    expect(postRequests()).toEqual([]);
    const rows = await server.runtime.handle.db
      .selectFrom("scheduled_posts")
      .select("id")
      .where("user_id", "=", b)
      .execute();
    expect(rows).toEqual([]);

    // Update: Ben's own scheduled post, whose account then leaves his profile.
    const post = await server.client(b).social.schedule.mutate({
      ...draft,
      targets: [{ accountId: benX._id, platform: "x" }],
      publishNow: false,
      scheduledFor: `${tomorrowIn("Europe/Berlin")}T09:00`,
      timezone: "Europe/Berlin",
      idempotencyKey: key("own"),
    });
    await waitFor(
      async () =>
        (await server.client(b).social.posts.query({})).find(
          (p) => p.id === post.id && p.status === "scheduled",
        ),
      15_000,
      "scheduled",
    );
    zernio.moveAccounts(await profileIdOf(server, a), [benX._id]);
    zernio.reset();
    const updated = await failure(
      server.client(b).social.update.mutate({
        postId: post.id,
        captions: { x: { text: "changed" } },
      }),
    );
    expect(trpcCode(updated)).toBe("BAD_REQUEST");
    expect(updated.data?.zodError?.fieldErrors.targets?.[0]).toMatch(benX._id);
    expect(postRequests()).toEqual([]);
  }, 30_000);

  it("the posting job re-checks ownership before creating the post", async () => {
    const a = fresh("anna");
    const b = fresh("ben");
    const annaX = await connect(a, "x", "anna_x");
    await profileIdOf(server, b);
    const asset = await makeAsset(server, b, { type: "image", width: 1080, height: 1080 });
    // A row the router would have refused (written straight into the database, as a bug might).
    const { post } = await insertScheduledPostOnce(server.runtime.handle.db, {
      asset_id: asset.id,
      user_id: b,
      idempotency_key: key("direct"),
      targets: [{ accountId: annaX._id, platform: "x" }],
      captions: { x: { captionId: randomUUID(), text: "sneaky", title: null } },
      publish_now: true,
      scheduled_for: null,
      scheduled_local: null,
      timezone: null,
      results: [],
    });
    zernio.reset();
    await server.runtime.posting.queue.enqueueLater(post.id, new Date());
    const failed = await waitFor(
      async () =>
        (await server.client(b).social.posts.query({})).find(
          (p) => p.id === post.id && p.status === "failed",
        ),
      15_000,
      "failed",
    );
    expect(failed.error?.code).toBe("ACCOUNT_NOT_OWNED");
    expect(postRequests()).toEqual([]);
  });

  it("two concurrent first calls create one Zernio profile", async () => {
    const user = fresh("racer");
    zernio.reset();
    // A slow create (300 ms) holds the race open: the other calls must wait for it, not make more.
    apis.use(
      http.post(`${ZERNIO_MOCK_BASE_URL}/v1/profiles`, async () => {
        await new Promise((r) => setTimeout(r, 300));
        return undefined; // on to the fake's handler
      }),
    );
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => server.client(user).social.accounts.query()),
    );
    expect(answers.every((x) => x.configured && x.accounts.length === 0)).toBe(true);
    apis.resetHandlers();
    const creates = zernio.requestsTo("profiles.create");
    expect(creates).toHaveLength(1);
    expect(creates[0]?.json).toMatchObject({ name: `Streamline user ${user}` });
    expect(creates[0]?.headers["idempotency-key"]).toMatch(/^streamline-profile-/);
    const row = await findSocialProfile(server.runtime.handle.db, user);
    expect(row).toMatchObject({ status: "ready", claimed_by: null });
    expect(zernio.profiles.has(row?.zernio_profile_id ?? "")).toBe(true);
    // Later calls read the row: no more profile requests.
    await server.client(user).social.connect.mutate({ platform: "instagram" });
    expect(zernio.requestsTo("profiles.create")).toHaveLength(1);
    expect(zernio.requestsTo("connect.url")[0]?.query.profileId).toBe(row?.zernio_profile_id);
  });

  it("recovers a claim abandoned mid-create (the holder crashed)", async () => {
    const db = server.runtime.handle.db;
    const stale = new Date(Date.now() - 60 * 60_000);
    // Crashed before Zernio made anything: the next request takes over and creates it once.
    const early = fresh("crash-early");
    await ensureUserRow(db, early);
    await db
      .insertInto("social_profiles")
      .values({
        user_id: early,
        claim_key: `claim-${early}`,
        claimed_by: "dead",
        claimed_at: stale,
      })
      .execute();
    zernio.reset();
    await server.client(early).social.accounts.query();
    expect(zernio.requestsTo("profiles.create").map((r) => r.headers["idempotency-key"])).toEqual([
      `claim-${early}`,
    ]);
    expect(await findSocialProfile(db, early)).toMatchObject({ status: "ready" });

    // Crashed after Zernio made it, before the id was saved: found by name and adopted, not re-made.
    const late = fresh("crash-late");
    await ensureUserRow(db, late);
    const made = await server.runtime.social.zernio?.createProfile({
      name: `Streamline user ${late}`,
    });
    await db
      .insertInto("social_profiles")
      .values({ user_id: late, claim_key: `claim-${late}`, claimed_by: "dead", claimed_at: stale })
      .execute();
    zernio.reset();
    await server.client(late).social.accounts.query();
    expect(zernio.requestsTo("profiles.create")).toHaveLength(0);
    expect((await findSocialProfile(db, late))?.zernio_profile_id).toBe(made?.id);

    // A fresh claim (its holder still working) is waited for, never taken over.
    const busy = fresh("busy");
    await ensureUserRow(db, busy);
    await db
      .insertInto("social_profiles")
      .values({ user_id: busy, claim_key: `claim-${busy}`, claimed_by: "alive" })
      .execute();
    zernio.reset();
    const waiting = server.client(busy).social.accounts.query();
    await new Promise((r) => setTimeout(r, 150));
    const own = await server.runtime.social.zernio?.createProfile({ name: `holder of ${busy}` });
    await db
      .updateTable("social_profiles")
      .set({ status: "ready", zernio_profile_id: own?.id ?? "", claimed_by: null })
      .where("user_id", "=", busy)
      .execute();
    expect((await waiting).configured).toBe(true);
    expect(zernio.requestsTo("profiles.create")).toHaveLength(1); // the holder's, not the waiter's
    expect(zernio.requestsTo("accounts.list")[0]?.query.profileId).toBe(own?.id);
  });

  it("a refused profile create is not remembered: the next call tries again", async () => {
    const user = fresh("refused");
    zernio.failNext("profiles.create", {
      status: 402,
      body: {
        error: "Upgrade to add profiles",
        code: "PAYMENT_REQUIRED",
        reason: "free_tier_exceeded",
      },
    });
    const refused = await failure(server.client(user).social.accounts.query());
    expect(trpcCode(refused)).not.toBe("INTERNAL_SERVER_ERROR");
    expect(await findSocialProfile(server.runtime.handle.db, user)).toBeUndefined();
    expect((await server.client(user).social.accounts.query()).configured).toBe(true);
    expect(await findSocialProfile(server.runtime.handle.db, user)).toMatchObject({
      status: "ready",
    });
  });
  it("a Zernio ignoring ?name= is never trusted: each user gets their own new profile", async () => {
    const db = server.runtime.handle.db;
    zernio.ignoreProfileNameFilter(true);
    try {
      zernio.reset();
      const users = [fresh("nofilter-a"), fresh("nofilter-b"), fresh("nofilter-c")];
      for (const user of users) {
        // Every profile of the workspace comes back (the Default one first): none is this user's.
        const answer = await server.client(user).social.accounts.query();
        expect(answer).toMatchObject({ configured: true, shared: false, accounts: [] });
      }
      const ids = await Promise.all(
        users.map(async (u) => (await findSocialProfile(db, u))?.zernio_profile_id),
      );
      expect(new Set(ids).size).toBe(users.length);
      for (const [i, id] of ids.entries()) {
        const profile = zernio.profiles.get(id ?? "");
        expect(profile?.isDefault).toBe(false);
        expect(profile?.name).toBe(`Streamline user ${users[i]}`);
      }
      expect(zernio.requestsTo("profiles.create")).toHaveLength(users.length);

      // Crashed after a create: the profile named exactly for the user is adopted, not re-made.
      const late = fresh("nofilter-late");
      const made = await server.runtime.social.zernio?.createProfile({
        name: `Streamline user ${late}`,
      });
      await ensureUserRow(db, late);
      await db
        .insertInto("social_profiles")
        .values({
          user_id: late,
          claim_key: `claim-${late}`,
          claimed_by: "dead",
          claimed_at: new Date(Date.now() - 60 * 60_000),
        })
        .execute();
      zernio.reset();
      await server.client(late).social.accounts.query();
      expect(zernio.requestsTo("profiles.create")).toHaveLength(0);
      expect((await findSocialProfile(db, late))?.zernio_profile_id).toBe(made?.id);
    } finally {
      zernio.ignoreProfileNameFilter(false);
    }
  });

  it("never adopts a profile another user's row owns, and releases the claim on any failure", async () => {
    const db = server.runtime.handle.db;
    const owner = fresh("owner");
    const ownerProfile = await profileIdOf(server, owner);
    // A profile named for another user, already owned by `owner`'s row (e.g. restored data).
    const intruder = fresh("intruder");
    await ensureUserRow(db, `${owner}-moved`);
    await db
      .updateTable("social_profiles")
      .set({ user_id: `${owner}-moved` })
      .where("user_id", "=", owner)
      .execute();
    const stored = zernio.profiles.get(ownerProfile);
    if (stored) stored.name = `Streamline user ${intruder}`;
    zernio.reset();
    await server.client(intruder).social.accounts.query();
    const mine = (await findSocialProfile(db, intruder))?.zernio_profile_id;
    expect(mine).toBeTruthy();
    expect(mine).not.toBe(ownerProfile);
    expect(zernio.requestsTo("profiles.create")).toHaveLength(1);

    // A failure after Zernio answered (here: the database refuses the id) drops the claim too,
    // so the user is not left "still being set up" for good.
    const unlucky = fresh("unlucky");
    apis.use(
      http.post(`${ZERNIO_MOCK_BASE_URL}/v1/profiles`, () =>
        Response.json({ profile: { _id: ownerProfile, name: "x" } }, { status: 201 }),
      ),
    );
    try {
      const refused = await failure(server.client(unlucky).social.accounts.query());
      expect(trpcCode(refused)).not.toBe("INTERNAL_SERVER_ERROR");
    } finally {
      apis.resetHandlers();
    }
    expect(await findSocialProfile(db, unlucky)).toBeUndefined();
    expect((await server.client(unlucky).social.accounts.query()).configured).toBe(true);
    expect((await findSocialProfile(db, unlucky))?.status).toBe("ready");
  });
});

describe("ZERNIO_SHARED_ACCOUNTS=1 (single-team installs)", () => {
  it("lists every account of the workspace to every user, as before profiles", async () => {
    const server = await startTestServer("pglite", { ...ENV, ZERNIO_SHARED_ACCOUNTS: "1" });
    try {
      zernio.reset();
      const a = await server.client("team-a").social.accounts.query();
      const b = await server.client("team-b").social.accounts.query();
      expect(a).toMatchObject({ configured: true, shared: true });
      expect(a.accounts.length).toBe(zernio.accounts.size);
      expect(b.accounts.map((x) => x.id)).toEqual(a.accounts.map((x) => x.id));
      expect(zernio.requestsTo("profiles.create")).toHaveLength(0);
      expect(zernio.requestsTo("accounts.list").every((r) => !("profileId" in r.query))).toBe(true);
      expect(await findSocialProfile(server.runtime.handle.db, "team-a")).toBeUndefined();
      // Connect goes to the workspace's default profile.
      await server.client("team-a").social.connect.mutate({ platform: "instagram" });
      const defaultProfile = [...zernio.profiles.values()].find((p) => p.isDefault);
      expect(zernio.requestsTo("connect.url")[0]?.query.profileId).toBe(defaultProfile?._id);
      // And posting to any workspace account goes out (the job's ownership re-check is off).
      const asset = await makeAsset(server, "team-b", { type: "image", width: 1080, height: 1080 });
      const post = await server.client("team-b").social.schedule.mutate({
        assetId: asset.id,
        targets: [{ accountId: "acc_twitter_1", platform: "x" }],
        captions: { x: { text: "Team post" } },
        publishNow: true,
        idempotencyKey: key("team"),
      });
      await waitFor(
        async () =>
          (await server.client("team-b").social.posts.query({})).find(
            (p) => p.id === post.id && p.status === "published",
          ),
        15_000,
        "published",
      );
      expect(zernio.requestsTo("posts.create")).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 60_000);
});
