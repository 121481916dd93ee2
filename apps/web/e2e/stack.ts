// The whole product on loopback for the browser suite: provider mocks (msw over real HTTP), the
// REAL server as a child process on embedded PGlite, and the Vite dev server proxying to it.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import {
  createGoogleCaptionsMock,
  createGoogleMock,
  createOpenAIMock,
  createOpenAIResponsesMock,
  GOOGLE_MOCK_API_KEY,
  OPENAI_MOCK_API_KEY,
  startMockProviderServer,
} from "@streamline/fakes/providers";
import { createZernioFake } from "@streamline/fakes/zernio";
import { delay, HttpResponse, http, type RequestHandler } from "msw";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from "playwright-core";
import { afterEach, beforeEach, expect } from "vitest";
import { LAPTOP, PHONE } from "./audit";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const serverDir = path.resolve(webDir, "../server");

/** Debian's Chromium (never a downloaded browser); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * dev: Vite's dev server proxying to the API server, as `pnpm dev` runs it.
 * dist: the production build served by the API server on one port, as `pnpm build && pnpm start`.
 * Both by default; E2E_WEB=dev or E2E_WEB=dist runs one.
 */
export const WEB_MODES = (["dev", "dist"] as const).filter(
  (m) => !process.env.E2E_WEB || process.env.E2E_WEB === m,
);

export type ProviderMocks = Awaited<ReturnType<typeof startProviderMocks>>;
export type CaptionMocks = Awaited<ReturnType<typeof startCaptionMocks>>;

/**
 * OpenAI and Google mocks on one loopback port. Image calls take a moment, like the real ones
 * (`imageDelayMs`, 1.5 s by default; 0 answers at once).
 */
export async function startProviderMocks(options: { imageDelayMs?: number } = {}) {
  const { captions: _none, ...mocks } = await startMocks(options, false);
  return mocks;
}

/** `startProviderMocks` plus the caption routes (OpenAI Responses, Gemini captions). */
export async function startCaptionMocks(options: { imageDelayMs?: number } = {}) {
  const { captions, ...mocks } = await startMocks(options, true);
  if (!captions) throw new Error("caption mocks were not made");
  return { ...mocks, openaiCaptions: captions.openai, googleCaptions: captions.google };
}

async function startMocks(options: { imageDelayMs?: number }, withCaptions: boolean) {
  const handlers: RequestHandler[] = [];
  const server = await startMockProviderServer(handlers);
  const openai = createOpenAIMock({ baseURL: `${server.url}/v1`, videoPollsToComplete: 10 });
  const google = createGoogleMock({ baseURL: server.url, videoPollsToComplete: 6 });
  const captions = withCaptions
    ? {
        openai: createOpenAIResponsesMock({ baseURL: `${server.url}/v1` }),
        google: createGoogleCaptionsMock({ baseURL: server.url }),
      }
    : undefined;
  const imageDelayMs = options.imageDelayMs ?? 1_500;
  if (imageDelayMs > 0) {
    handlers.push(
      http.post(/\/v1\/images\/(generations|edits)$/, async () => {
        await delay(imageDelayMs);
        return undefined; // fall through to the mock's real answer
      }),
    );
  }
  handlers.push(
    ...(captions?.openai.handlers ?? []),
    ...openai.handlers,
    ...(captions?.google.handlers ?? []),
    ...google.handlers,
  );
  // Anything unexpected is loud in the server log instead of hanging.
  handlers.push(http.all("*", () => HttpResponse.json({ error: "no mock" }, { status: 501 })));
  return { url: server.url, openai, google, captions, close: () => server.close() };
}

export type ServerRun = {
  url: string;
  port: number;
  output: () => string;
  stop: () => Promise<void>;
};

/** `apps/server/src/main.ts` under tsx, exactly as `pnpm start` runs it. */
export async function startStudioServer(env: Record<string, string>): Promise<ServerRun> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(serverDir, "src/main.ts")], {
    cwd: serverDir,
    env: { ...process.env, DATABASE_URL: "", HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await waitForOutput(child, /Studio API on (http:\/\/[\d.:]+)/, "server");
  return {
    url,
    port: Number(new URL(url).port),
    output: () => outputOf(child),
    stop: () => stopChild(child),
  };
}

/** Vite's dev server (the same config developers use) with /trpc, /media, /api proxied. */
export async function startWebDevServer(serverPort: number, port: number) {
  const child = spawn(
    process.execPath,
    [path.join(webDir, "node_modules/vite/bin/vite.js"), "--port", String(port), "--strictPort"],
    {
      cwd: webDir,
      env: { ...process.env, SERVER_PORT: String(serverPort), BROWSER: "none" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  await waitForOutput(child, /Local:\s+http/, "vite");
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => outputOf(child),
    stop: () => stopChild(child),
  };
}

export type StudioWeb = { url: string; stop(): Promise<void>; output(): string };

/**
 * The studio as a browser reaches it, on `webPort`: in "dist" the production build served by the
 * API server itself, in "dev" Vite's dev server in front of it. Returns the env the server runs on
 * (tests restart it with changes).
 */
export async function startStudio(
  mode: "dev" | "dist",
  baseEnv: Record<string, string>,
  dirs: { WEB_DIST_DIR: string },
  webPort: number,
): Promise<{ server: ServerRun; web: StudioWeb; env: Record<string, string> }> {
  if (mode === "dist") {
    await buildWeb(dirs.WEB_DIST_DIR);
    const env = { ...baseEnv, PORT: String(webPort), WEB_DIST_DIR: dirs.WEB_DIST_DIR };
    const server = await startStudioServer(env);
    return { server, web: { url: server.url, stop: async () => {}, output: () => "" }, env };
  }
  const server = await startStudioServer(baseEnv);
  return { server, web: await startWebDevServer(server.port, webPort), env: baseEnv };
}

/**
 * Debian's Chromium, headless, launched the one way every browser suite uses. Every context it
 * makes records Content-Security-Policy violations (see `cspViolations`).
 */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const found: string[] = [];
  violations.set(browser, found);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser["newContext"]>) => {
    const context = await newContext(...args);
    await recordCspViolations(context, found);
    return context;
  };
  return browser;
}

const violations = new WeakMap<Browser, string[]>();

/**
 * Every CSP violation any page of this browser met so far — the `securitypolicyviolation` events
 * (directive, blocked URL, where) and Chromium's "Refused to …" console lines. A suite asserts
 * `expect(cspViolations(browser)).toEqual([])`. (Vite's dev server sends no policy, so in "dev"
 * this stays empty by construction; the built studio runs under the server's policy.)
 */
export function cspViolations(browser: Browser): string[] {
  return [...(violations.get(browser) ?? [])];
}

async function recordCspViolations(context: BrowserContext, found: string[]) {
  await context.exposeBinding("__e2eCspViolation", ({ page }, text: string) => {
    found.push(`${page.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (event) => {
        const report = (window as unknown as { __e2eCspViolation?: (text: string) => void })
          .__e2eCspViolation;
        report?.(
          `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber} (${event.disposition})`,
        );
      },
      true,
    );
  });
  const watch = (page: Page) =>
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) {
        found.push(`${page.url()}: console ${message.type()}: ${message.text()}`);
      }
    });
  for (const page of context.pages()) watch(page);
  context.on("page", watch);
}

/** `vite build` into a folder of its own, for the server to serve (WEB_DIST_DIR) as in production. */
export async function buildWeb(outDir: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      path.join(webDir, "node_modules/vite/bin/vite.js"),
      "build",
      "--outDir",
      outDir,
      "--emptyOutDir",
    ],
    { cwd: webDir, env: process.env, stdio: ["ignore", "pipe", "pipe"] },
  );
  await waitForOutput(child, /built in/, "vite build");
}

/** Fresh PGlite and media folders, removed afterwards. */
export async function makeDataDirs() {
  const root = await mkdtemp(path.join(tmpdir(), "streamline-web-e2e-"));
  return {
    PGLITE_DATA_DIR: path.join(root, "pglite"),
    MEDIA_DIR: path.join(root, "media"),
    WEB_DIST_DIR: path.join(root, "web-dist"),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** The env of a server talking to the mocks; pass `GEMINI_API_KEY: ""` to leave Google out. */
export function serverEnv(
  mocks: { url: string },
  dirs: { PGLITE_DATA_DIR: string; MEDIA_DIR: string },
  webOrigin: string,
) {
  return {
    NODE_ENV: "test",
    // The studio's origin: signed-in mutations are refused from any other.
    APP_ORIGIN: webOrigin,
    BETTER_AUTH_SECRET: "e2e-only-secret-0123456789abcdefghijklmnop",
    PGLITE_DATA_DIR: dirs.PGLITE_DATA_DIR,
    MEDIA_DIR: dirs.MEDIA_DIR,
    OPENAI_API_KEY: OPENAI_MOCK_API_KEY,
    OPENAI_BASE_URL: `${mocks.url}/v1`,
    GEMINI_API_KEY: GOOGLE_MOCK_API_KEY,
    GEMINI_BASE_URL: mocks.url,
    // Sora is retired upstream; a gateway that still serves /v1/videos re-enables it (the mock does).
    MEDIA_ENABLE_MODELS: "sora-2",
    // One generation at a time, so the suite reaches the limit with one video ("1 of 1 running").
    MEDIA_MAX_CONCURRENT_PER_USER: "1",
    // A sign-in rate limit the suite can reach for a throwaway address without locking anyone out.
    AUTH_SIGN_IN_PER_MINUTE: "60",
    AUTH_ACCOUNT_FAILURES: "2",
    MEDIA_POLL_MIN_MS: "200",
    MEDIA_POLL_MAX_MS: "400",
    PROVIDER_RETRY_MIN_DELAY_MS: "5",
  };
}

const outputs = new WeakMap<ChildProcess, string>();
const outputOf = (child: ChildProcess) => outputs.get(child) ?? "";

/** How long a child may take to start; E2E_START_TIMEOUT_MS raises it on a loaded machine. */
const START_TIMEOUT_MS = Number(process.env.E2E_START_TIMEOUT_MS) || 90_000;

function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  name: string,
  timeoutMs = START_TIMEOUT_MS,
) {
  outputs.set(child, "");
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running (and loading the machine) after the suite gave up on it.
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start:\n${outputOf(child)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      // Colour codes would split the pattern.
      const text = outputOf(child) + stripVTControlCharacters(chunk.toString());
      outputs.set(child, text);
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        child.off("exit", onExit);
        resolve(match[1] ?? match[0]);
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${outputOf(child)}`));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The fake Zernio on loopback servers — its API, the origin uploads go to and, with `connect`, the
 * origin "Connect an account" passes through — and the settings that point the studio at it.
 * `sharedAccounts`: single-team mode (every account of the workspace is the user's); otherwise
 * per-user profiles, where a new user has no account until they connect one. `before`: handlers
 * ahead of the fake's on its API server (they may look at a request, then answer undefined).
 */
export async function startFakeZernio(options: {
  sharedAccounts: boolean;
  connect?: boolean;
  fake?: Omit<Parameters<typeof createZernioFake>[0], "baseURL" | "uploadOrigin" | "connectOrigin">;
  before?: (apiUrl: string) => RequestHandler[];
}) {
  const handlers: RequestHandler[] = [];
  const api = await startMockProviderServer(handlers);
  const uploads = await startMockProviderServer(handlers);
  const connect = options.connect ? await startMockProviderServer(handlers) : undefined;
  const fake = createZernioFake({
    ...options.fake,
    baseURL: api.url,
    uploadOrigin: uploads.url,
    ...(connect ? { connectOrigin: connect.url } : {}),
  });
  handlers.push(...(options.before?.(api.url) ?? []), ...fake.handlers);
  return {
    fake,
    env: {
      ZERNIO_API_KEY: fake.apiKey,
      ZERNIO_BASE_URL: api.url,
      ...(options.sharedAccounts ? { ZERNIO_SHARED_ACCOUNTS: "1" } : {}),
    },
    close: async () => {
      await connect?.close();
      await uploads.close();
      await api.close();
    },
  };
}

export type FakeZernio = Awaited<ReturnType<typeof startFakeZernio>>;

/** A stack with the Zernio fake. */
export type ZernioStack<M = ProviderMocks> = BrowserStack<M, FakeZernio>;

export type BrowserStackOptions<
  M extends { url: string; close(): Promise<void> },
  Z extends { env: Record<string, string>; close(): Promise<void> } | undefined,
> = {
  mode: "dev" | "dist";
  /** The screenshot folder, emptied first; without it `shot` throws. */
  artifacts?: string;
  /** Starts the provider mocks (default: `startProviderMocks({ imageDelayMs })`). */
  mocks?: () => Promise<M>;
  /** How long the default mocks' image calls take (startProviderMocks: 1.5 s). */
  imageDelayMs?: number;
  /** Starts the Zernio fake (none by default); its settings go into the server's env. */
  zernio?: () => Promise<Z>;
  /**
   * Settings over `serverEnv` + the fake Zernio's; or a function of those (and the studio's port)
   * answering the whole env.
   */
  env?:
    | Record<string, string>
    | ((base: Record<string, string>, webPort: number) => Record<string, string>);
  /** Over `{ viewport: LAPTOP (1280×800), reducedMotion: "reduce" }`. */
  context?: BrowserContextOptions;
  /** Runs on the context before the page opens (permissions, init scripts). */
  prepare?: (context: BrowserContext, web: StudioWeb) => Promise<void>;
  /** Screenshots: settle time (300 ms), scroll to the top first, and also one at 390 px wide. */
  shots?: { settleMs?: number; scrollToTop?: boolean; phone?: boolean };
  /** close() asserts no CSP violation (default); false for a suite that checks them itself. */
  assertNoCsp?: boolean;
};

export type BrowserStack<M = ProviderMocks, Z = undefined> = {
  mocks: M;
  zernio: Z;
  dirs: Awaited<ReturnType<typeof makeDataDirs>>;
  /** The API server; a suite that restarts it assigns the new run here (close() stops it). */
  server: ServerRun;
  web: StudioWeb;
  /** The env the server runs on (to restart it with changes). */
  env: Record<string, string>;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** A numbered full-page screenshot `NN-name.png` in `artifacts` (and `NN-name-390.png`). */
  shot: (name: string) => Promise<void>;
  /** Stops everything (browser, studio, server, fakes, data), then asserts no CSP violation. */
  close: () => Promise<void>;
};

/**
 * The whole product for one browser suite: provider mocks (and the Zernio fake), fresh data
 * folders, the studio in `mode` on a free port, Debian's Chromium with one context and one page
 * (20 s default timeout). If a step fails, what was started is stopped before the error is thrown.
 */
export async function startBrowserStack<
  M extends { url: string; close(): Promise<void> } = ProviderMocks,
  Z extends { env: Record<string, string>; close(): Promise<void> } | undefined = undefined,
>(options: BrowserStackOptions<M, Z>): Promise<BrowserStack<M, Z>> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH).`);
  }
  const { artifacts } = options;
  if (artifacts) {
    await rm(artifacts, { recursive: true, force: true });
    await mkdir(artifacts, { recursive: true });
  }
  const started: Partial<BrowserStack<M, Z>> = {};
  const stop = async () => {
    await started.browser?.close();
    await started.web?.stop();
    await started.server?.stop();
    await started.zernio?.close();
    await started.mocks?.close();
    await started.dirs?.remove();
  };
  try {
    const mocks = options.mocks
      ? await options.mocks()
      : ((await startProviderMocks({ imageDelayMs: options.imageDelayMs })) as unknown as M);
    started.mocks = mocks;
    const zernio = (await options.zernio?.()) as Z;
    started.zernio = zernio;
    const dirs = await makeDataDirs();
    started.dirs = dirs;
    const webPort = await freePort();
    const base = { ...serverEnv(mocks, dirs, `http://127.0.0.1:${webPort}`), ...zernio?.env };
    const env =
      typeof options.env === "function" ? options.env(base, webPort) : { ...base, ...options.env };
    const studio = await startStudio(options.mode, env, dirs, webPort);
    Object.assign(started, studio);
    const browser = await launchChromium();
    started.browser = browser;
    const context = await browser.newContext({
      viewport: LAPTOP,
      reducedMotion: "reduce",
      ...options.context,
    });
    await options.prepare?.(context, studio.web);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const shots = { settleMs: 300, scrollToTop: false, phone: false, ...options.shots };
    let step = 0;
    const shot = async (name: string) => {
      if (!artifacts) throw new Error("shot() needs the stack's artifacts folder");
      // A full-page capture of a scrolled page would paint the sticky header mid-page.
      if (shots.scrollToTop) await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(shots.settleMs); // toasts finish sliding in
      const file = path.join(artifacts, `${String(++step).padStart(2, "0")}-${name}.png`);
      if (!(await capture(file))) return;
      if (!shots.phone) return;
      const size = page.viewportSize() ?? LAPTOP;
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(shots.settleMs);
      await capture(file.replace(/\.png$/, "-390.png"));
      await page.setViewportSize(size);
    };
    // A screenshot is an artifact, not a check. Once (CI, loaded 2-core machine) headless Chromium
    // stopped producing frames for a document while its DOM and scripts still answered: the
    // screenshot timed out and every later click waited for "stable" forever, until a reload.
    // So a capture that gets no frame reloads the page (the server's state is all there is to
    // keep) and the suite goes on; the warning says it happened.
    const capture = async (file: string): Promise<boolean> => {
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 15_000 });
        return true;
      } catch (error) {
        if (!(error instanceof Error && error.name === "TimeoutError")) throw error;
        console.warn(`[e2e] no frame for ${path.basename(file)} in 15 s: reloading the page`);
        await page.reload();
        return false;
      }
    };
    const stack: BrowserStack<M, Z> = {
      ...studio,
      mocks,
      zernio,
      dirs,
      browser,
      context,
      page,
      shot,
      close: async () => {
        const csp = cspViolations(browser);
        started.server = stack.server; // restarted by the suite, perhaps
        await stop();
        // The built studio runs under the server's Content-Security-Policy (see cspViolations).
        if (options.assertNoCsp !== false) expect(csp).toEqual([]);
      },
    };
    return stack;
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/**
 * One journey: each test builds on the one before, so once a test fails the later ones are
 * skipped, not failed again. Call it in the suite's describe.
 */
export function skipAfterFailure() {
  let broken = false;
  beforeEach((test) => {
    if (broken) test.skip();
  });
  afterEach((test) => {
    if (test.task.result?.state === "fail") broken = true;
  });
}
