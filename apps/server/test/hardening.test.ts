// Holes seen from outside (issue 16): browser security headers, odd webhook bodies, the media
// cache, and the live-stream cap held across server processes.
import { createHmac } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { claimMediaStream, countMediaStreams, ensureUserRow } from "@streamline/db";
import { createTestDb, type TestDb, testBackends } from "@streamline/db/testing";
import { storageFromEnv } from "@streamline/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaOrigins } from "../src/security-headers";
import { codeOf, createTestClient, startTestServer, type TestServer } from "./harness";
import { type ChildRun, startProcess, stopProcess } from "./processes";

let dist: string;
beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), "streamline-dist-"));
  await mkdir(path.join(dist, "assets"));
  await writeFile(path.join(dist, "index.html"), "<!doctype html><title>studio</title>");
});
afterAll(async () => {
  if (dist) await rm(dist, { recursive: true, force: true });
});

/** The policy's directives by name. */
function directives(csp: string | null): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of (csp ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name] = values;
  }
  return out;
}

describe("security headers", () => {
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await startTestServer(
      "pglite",
      { WEB_DIST_DIR: dist, ...env },
      { worker: false },
    );
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it("sends a CSP, no framing and no Referer with the studio and the API", async () => {
    const server = await start({
      APP_ORIGIN: "http://localhost:5173",
      MEDIA_PUBLIC_BASE_URL: "https://cdn.studio.example/m",
    });
    for (const url of ["/ai-studio", "/sign-in", "/trpc/media.models", "/healthz"]) {
      const response = await fetch(`${server.url}${url}`);
      const csp = directives(response.headers.get("content-security-policy"));
      expect(csp["frame-ancestors"], url).toEqual(["'none'"]);
      expect(csp["script-src"], url).toEqual(["'self'"]);
      expect(csp["object-src"], url).toEqual(["'none'"]);
      expect(csp["default-src"], url).toEqual(["'self'"]);
      expect(csp["img-src"], url).toContain("https://cdn.studio.example");
      // http install: no upgrade of its own requests to https, and no HSTS.
      expect(csp["upgrade-insecure-requests"], url).toBeUndefined();
      expect(response.headers.get("x-frame-options"), url).toBe("DENY");
      expect(response.headers.get("referrer-policy"), url).toBe("no-referrer");
      expect(response.headers.get("x-content-type-options"), url).toBe("nosniff");
      expect(response.headers.get("strict-transport-security"), url).toBeNull();
    }
    // Even a client claiming https gets no HSTS from an http install.
    const claimed = await fetch(`${server.url}/ai-studio`, {
      headers: { "x-forwarded-proto": "https" },
    });
    expect(claimed.headers.get("strict-transport-security")).toBeNull();
  });

  it("sends HSTS only when APP_ORIGIN is https and the request came over https through a trusted proxy", async () => {
    const proxied = await start({ APP_ORIGIN: "https://studio.example", TRUST_PROXY: "1" });
    const https = await fetch(`${proxied.url}/ai-studio`, {
      headers: { "x-forwarded-proto": "https" },
    });
    expect(https.headers.get("strict-transport-security")).toMatch(/^max-age=31536000/);
    expect(directives(https.headers.get("content-security-policy"))).toHaveProperty(
      "upgrade-insecure-requests",
    );
    const plain = await fetch(`${proxied.url}/ai-studio`);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
    // No trusted proxy: a client-written X-Forwarded-Proto is not https.
    const direct = await start({ APP_ORIGIN: "https://studio.example" });
    const spoofed = await fetch(`${direct.url}/ai-studio`, {
      headers: { "x-forwarded-proto": "https" },
    });
    expect(spoofed.headers.get("strict-transport-security")).toBeNull();
  });

  it("lets the studio load media from the S3 endpoint its presigned URLs point at", async () => {
    const s3 = (extra: Record<string, string>) =>
      storageFromEnv(
        { S3_BUCKET: "media", S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret", ...extra },
        { mediaDir: tmpdir() },
      );
    expect(
      await mediaOrigins(s3({ S3_ENDPOINT: "https://acct.r2.cloudflarestorage.com" }), {}),
    ).toEqual(["https://media.acct.r2.cloudflarestorage.com"]);
    expect(
      await mediaOrigins(
        s3({ S3_ENDPOINT: "http://127.0.0.1:9000", S3_FORCE_PATH_STYLE: "true" }),
        {},
      ),
    ).toEqual(["http://127.0.0.1:9000"]);
    expect(await mediaOrigins(s3({ S3_REGION: "eu-west-1" }), {})).toEqual([
      "https://media.s3.eu-west-1.amazonaws.com",
    ]);
    expect(
      await mediaOrigins(
        s3({ S3_REGION: "auto", S3_PUBLIC_BASE_URL: "https://cdn.example/media/" }),
        {
          S3_PUBLIC_BASE_URL: "https://cdn.example/media/",
        },
      ),
    ).toEqual(["https://cdn.example"]);
    // Local disk: /media/… on our own origin ('self').
    expect(await mediaOrigins({ urlFor: async (key) => `/media/${key}` }, {})).toEqual([]);
  });

  it("serves stored media with a short private cache, so deleted files leave caches", async () => {
    const server = await start({});
    const stored = await server.runtime.storage.putObject({
      body: Readable.from([Buffer.from("not really a png")]),
      contentType: "image/png",
    });
    const response = await fetch(`${server.url}${stored.url}`);
    expect(response.status).toBe(200);
    const cache = response.headers.get("cache-control") ?? "";
    expect(cache).toMatch(/^private, max-age=\d+$/);
    expect(Number(cache.split("=")[1])).toBeLessThanOrEqual(3600);
  });
});

const WEBHOOK_SECRET = "whsec_test_hardening_0123456789";
const sign = (raw: string) => createHmac("sha256", WEBHOOK_SECRET).update(raw).digest("hex");

describe.each(testBackends())("odd webhook bodies (%s)", (backend) => {
  let server: TestServer;
  let off: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      backend,
      {
        WEB_DIST_DIR: dist,
        ZERNIO_API_KEY: "sk_zernio_test_hardening",
        ZERNIO_BASE_URL: "http://127.0.0.1:9",
        ZERNIO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
      { worker: false },
    );
    // Posting not configured at all (no Zernio key): the receiver still answers in JSON.
    off = await startTestServer(backend, { WEB_DIST_DIR: dist }, { worker: false });
  });
  afterAll(async () => {
    await server?.close();
    await off?.close();
  });

  async function send(
    target: TestServer,
    body: string,
    init: { method?: string; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(`${target.url}/webhooks/zernio`, {
      method: init.method ?? "POST",
      headers: {
        "content-type": "application/json",
        "x-zernio-signature": sign(body),
        ...init.headers,
      },
      body: init.method === "GET" ? undefined : body,
    });
    const text = await response.text();
    expect(response.headers.get("content-type"), text.slice(0, 200)).toMatch(/^application\/json/);
    return { status: response.status, body: JSON.parse(text) as { error?: string }, response };
  }

  it("answers JSON 400 for an event id with a NUL, a 900 KB id, or a broken post id", async () => {
    const nul = await send(
      server,
      JSON.stringify({ id: "evt_\u0000_1", event: "post.published", post: { _id: "p1" } }),
    );
    expect(nul.status).toBe(400);
    expect(nul.body.error).toMatch(/id/);
    const huge = await send(
      server,
      JSON.stringify({ id: `evt_${"x".repeat(900 * 1024)}`, event: "post.published" }),
    );
    expect(huge.status).toBe(400);
    expect(huge.body.error).toMatch(/longer than/);
    const postId = await send(
      server,
      JSON.stringify({ id: "evt_ok_1", event: "post.failed", post: { _id: "p\u0000" } }),
    );
    expect(postId.status).toBe(400);
    const name = await send(server, JSON.stringify({ id: "evt_ok_2", event: "bad\u0000name" }));
    expect(name.status).toBe(400);
    // The refused events were not recorded: the same id with a clean body is taken.
    const clean = await send(server, JSON.stringify({ id: "evt_ok_1", event: "post.failed" }));
    expect(clean).toMatchObject({ status: 200, body: { ok: true, ignored: "no post" } });
  });

  it("answers a body over 1 MB with JSON 413, and an unknown encoding with JSON 415", async () => {
    const big = JSON.stringify({ id: "evt_big", pad: "x".repeat(1024 * 1024) });
    const tooLarge = await send(server, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatch(/1 MB/);
    expect((await send(off, big)).status).toBe(404);
    const encoded = await send(server, "{}", { headers: { "content-encoding": "zstd-nope" } });
    expect(encoded.status).toBe(415);
  });

  it("answers GET and other methods with JSON 405, never the studio page, configured or not", async () => {
    for (const target of [server, off]) {
      for (const method of ["GET", "PUT", "DELETE"]) {
        const answer = await send(target, "", { method });
        expect(answer.status, method).toBe(405);
        expect(answer.response.headers.get("allow")).toBe("POST");
      }
      const other = await fetch(`${target.url}/webhooks/other`);
      expect(other.status).toBe(404);
      expect(other.headers.get("content-type")).toMatch(/^application\/json/);
    }
    // Not configured: a POST says the receiver is off.
    const posted = await send(off, JSON.stringify({ id: "evt_1" }));
    expect(posted.status).toBe(404);
    expect(posted.body.error).toMatch(/off/);
  });
});

describe.each(testBackends())("the live stream cap across server processes (%s)", (backend) => {
  let db: TestDb;
  let a: TestServer;
  let b: TestServer;
  const env = { MEDIA_MAX_STREAMS_PER_USER: "2", MEDIA_STREAM_RECHECK_SECONDS: "0.3" };
  beforeAll(async () => {
    db = await createTestDb(backend);
    // Two servers on one database, each with its own event listener and stream registry: what
    // two processes behind a load balancer share is only the database.
    a = await startTestServer(backend, env, { worker: false, db });
    b = await startTestServer(backend, env, { worker: false, db });
  });
  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await db?.close().catch(() => {});
  });

  const open = (server: TestServer, user: string, errors: unknown[]) =>
    server.client(user).media.onProgress.subscribe({}, { onError: (e) => errors.push(e) });
  async function until(check: () => Promise<boolean> | boolean, what: string) {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it("counts one user's streams on every process against one limit, and frees a slot on close", async () => {
    const errors: unknown[] = [];
    const onA = [open(a, "spread", errors), open(a, "spread", errors)];
    await until(async () => (await countMediaStreams(db.db, "spread")) === 2, "2 streams on A");
    const onB = open(b, "spread", errors);
    await until(() => errors.length > 0, "the refusal on B");
    expect(codeOf(errors[0])).toBe("TOO_MANY_REQUESTS");
    expect((errors[0] as Error).message).toMatch(/2 are open .*limit 2, across all/);
    onB.unsubscribe();
    // Streams outlive their lease (3 re-checks) because each process renews its own.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await countMediaStreams(db.db, "spread")).toBe(2);
    // Closing one on A frees a slot that B can take.
    onA[0]?.unsubscribe();
    await until(async () => (await countMediaStreams(db.db, "spread")) === 1, "the release");
    const errorsB: unknown[] = [];
    const again = open(b, "spread", errorsB);
    await until(async () => (await countMediaStreams(db.db, "spread")) === 2, "the stream on B");
    expect(errorsB).toEqual([]);
    again.unsubscribe();
    onA[1]?.unsubscribe();
    await until(async () => (await countMediaStreams(db.db, "spread")) === 0, "all released");
  });

  it("stops counting the leases of a process that died once they expire", async () => {
    await ensureUserRow(db.db, "ghost");
    const first = await claimMediaStream(db.db, { userId: "ghost", max: 1, leaseMs: 60_000 });
    expect(first).toHaveProperty("id");
    expect(await claimMediaStream(db.db, { userId: "ghost", max: 1, leaseMs: 60_000 })).toEqual({
      open: 1,
    });
    // Its process is gone: nobody renews the lease, which lapses.
    await db.db
      .updateTable("media_streams")
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where("user_id", "=", "ghost")
      .execute();
    expect(await countMediaStreams(db.db, "ghost")).toBe(0);
    expect(
      await claimMediaStream(db.db, { userId: "ghost", max: 1, leaseMs: 60_000 }),
    ).toHaveProperty("id");
  });
});

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))(
  "the live stream cap on two real server processes (PostgreSQL)",
  () => {
    let db: TestDb;
    let here: TestServer;
    let child: ChildRun | undefined;
    let mediaDir: string;
    beforeAll(async () => {
      db = await createTestDb("postgres");
      mediaDir = await mkdtemp(path.join(tmpdir(), "streamline-media-"));
      const env = {
        NODE_ENV: "test",
        DATABASE_URL: db.databaseUrl as string,
        MEDIA_DIR: mediaDir,
        AUTH_DEV_HEADER: "1",
        WORKER_IN_PROCESS: "0",
        MEDIA_MAX_STREAMS_PER_USER: "2",
        MEDIA_STREAM_RECHECK_SECONDS: "0.5",
      };
      child = await startProcess("main", { ...env, PORT: "0" }, /API on (http:\/\/[^\s]+)/);
      here = await startTestServer("postgres", env, { worker: false, db });
    });
    afterAll(async () => {
      await stopProcess(child, "SIGKILL");
      await here?.close();
      await db?.close().catch(() => {});
      if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
    });

    it("refuses a third stream on the other process, and frees a killed process's slots when its leases lapse", async () => {
      const onChild = createTestClient(child?.url as string, "two-procs");
      const errors: unknown[] = [];
      const subscribe = (client: ReturnType<typeof createTestClient>, into: unknown[]) =>
        client.media.onProgress.subscribe({}, { onError: (e) => into.push(e) });
      const childSubs = [subscribe(onChild, errors), subscribe(onChild, errors)];
      const deadline = Date.now() + 15_000;
      while ((await countMediaStreams(db.db, "two-procs")) < 2) {
        if (Date.now() > deadline) throw new Error("the child's streams did not open");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const refused: unknown[] = [];
      const third = subscribe(here.client("two-procs"), refused);
      while (refused.length === 0) {
        if (Date.now() > deadline) throw new Error("no refusal on the second process");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      third.unsubscribe();
      expect(codeOf(refused[0])).toBe("TOO_MANY_REQUESTS");
      // The child dies without closing anything: nobody renews its leases (1.5 s), then the
      // slots are free again.
      await stopProcess(child, "SIGKILL");
      for (const sub of childSubs) sub.unsubscribe();
      const later: unknown[] = [];
      const afterDeath = Date.now() + 15_000;
      while ((await countMediaStreams(db.db, "two-procs")) > 0) {
        if (Date.now() > afterDeath) throw new Error("the dead process's leases never lapsed");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const subs = [
        subscribe(here.client("two-procs"), later),
        subscribe(here.client("two-procs"), later),
      ];
      while ((await countMediaStreams(db.db, "two-procs")) < 2) {
        if (Date.now() > afterDeath) throw new Error("the streams after the death did not open");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(later).toEqual([]);
      for (const sub of subs) sub.unsubscribe();
    });
  },
);
