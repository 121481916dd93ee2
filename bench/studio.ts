// Studio load: the production build of /ai-studio (vite build into a temp folder), served by the
// product server, opened signed in by headless Chromium (Debian's, through playwright-core) with a
// cold cache each time. Figures: the JavaScript the page loads before it is usable (gzip -9 of each
// file, and the bytes actually sent — the server compresses as the browser asks), and time to
// interactive: navigation start until the prompt field takes input and the Generate button and the
// model picker are rendered with the catalog loaded. Baseline in the same run: a bare HTML page with
// one text field from a node:http server, in the same browser.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startProduct } from "./lib/child";
import type { Section } from "./lib/results";
import { fmt, median } from "./lib/stats";

const RUNS = 5;

/**
 * Usable: the prompt field takes input, Generate is rendered, and the model picker shows the
 * default model (the catalog has loaded). Answers performance.now() at that moment.
 */
const READY = `(() => {
  const prompt = document.querySelector("textarea");
  const buttons = [...document.querySelectorAll("button")].map(
    (b) => (b.getAttribute("aria-label") || "") + " " + (b.textContent || ""),
  );
  const modelLoaded =
    !document.querySelector("#root") || buttons.some((t) => / · (OpenAI|Google) · /.test(t));
  const ready =
    prompt && !prompt.disabled && buttons.some((t) => /Generate Media/.test(t)) && modelLoaded;
  return ready ? performance.now() : false;
})()`;
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "apps", "web");

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function studioBench(out: Section): Promise<void> {
  const dist = await mkdtemp(path.join(tmpdir(), "streamline-bench-web-"));
  const bare = createServer((_req, res) => {
    const body =
      '<!doctype html><html><head><meta charset="utf-8"><title>bare</title></head><body><label>Prompt <textarea id="p"></textarea></label><button>Generate Media</button></body></html>';
    res.writeHead(200, { "content-type": "text/html", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  let server: Awaited<ReturnType<typeof startProduct>> | undefined;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const buildStart = Date.now();
    execFileSync(
      process.execPath,
      [
        path.join(webDir, "node_modules", "vite", "bin", "vite.js"),
        "build",
        "--outDir",
        dist,
        "--emptyOutDir",
        "--logLevel",
        "warn",
      ],
      { cwd: webDir, stdio: ["ignore", "ignore", "inherit"] },
    );
    const buildSeconds = (Date.now() - buildStart) / 1000;
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    server = await startProduct("pglite", {
      BENCH_WORKER: "0",
      BENCH_PORT: String(port),
      APP_ORIGIN: origin,
      WEB_DIST_DIR: dist,
    });
    const signUp = await fetch(`${origin}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({
        name: "Bench Maker",
        email: "bench@example.com",
        password: "benchmark-pass-123",
      }),
    });
    if (!signUp.ok) throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`);
    const cookies = signUp.headers.getSetCookie().map((c) => {
      const [pair] = c.split(";");
      const [name, ...value] = (pair as string).split("=");
      return { name: name as string, value: value.join("="), url: origin };
    });

    type Load = { tti: number; js: { url: string; sent: number }[] };
    const load = async (url: string, signedIn: boolean): Promise<Load> => {
      // The built studio's CSP has no 'unsafe-eval', which Playwright's string predicate needs
      // (it polls through `new Function`); bypassing it changes nothing this bench times.
      const context = await browser.newContext({ bypassCSP: true });
      if (signedIn) await context.addCookies(cookies);
      const page = await context.newPage();
      const js: Load["js"] = [];
      page.on("requestfinished", async (request) => {
        if (request.resourceType() !== "script") return;
        const sizes = await request.sizes().catch(() => undefined);
        js.push({ url: request.url(), sent: sizes?.responseBodySize ?? 0 });
      });
      await page.goto(url, { waitUntil: "commit" });
      // A string, so the bundler's helpers (keepNames) never reach the page.
      const tti = await page.waitForFunction(READY, undefined, { polling: "raf", timeout: 30_000 });
      const value = (await tti.jsonValue()) as number;
      await page.waitForLoadState("networkidle").catch(() => {});
      await context.close();
      return { tti: value, js };
    };

    await load(`${origin}/ai-studio`, true); // warm the server (JIT, caches), not the browser
    const studio: Load[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      studio.push(await load(`${origin}/ai-studio`, true));
      baseline.push((await load(bareUrl, false)).tti);
    }
    const files = studio[0]?.js ?? [];
    const gzipOf = (url: string) => {
      const file = path.join(dist, new URL(url).pathname);
      return gzipSync(readFileSync(file), { level: 9 }).byteLength;
    };
    const kb = (n: number) => fmt(n / 1024, 1);
    const gzipTotal = files.reduce((a, f) => a + gzipOf(f.url), 0);
    const sentTotal = files.reduce((a, f) => a + f.sent, 0);
    const tti = median(studio.map((s) => s.tti));
    const bareTti = median(baseline);
    out.line(
      `Production build (vite, ${fmt(buildSeconds, 0)} s), served by the product server with its compression; signed in, cold browser cache, ${RUNS} loads each; Chromium ${browser.version()} headless (--no-sandbox --disable-gpu --disable-background-networking).`,
    );
    out.line();
    out.table(
      ["figure", "value"],
      [
        [
          "initial JS for /ai-studio, gzip -9",
          `**${kb(gzipTotal)} KB** in ${files.length} files (${files.map((f) => `${path.basename(new URL(f.url).pathname)} ${kb(gzipOf(f.url))}`).join(", ")})`,
        ],
        ["initial JS as sent (the server's compression for this browser)", `${kb(sentTotal)} KB`],
        [
          "time to interactive (prompt takes input, model picker and Generate rendered)",
          `**${fmt(tti, 0)} ms** median (${studio.map((s) => fmt(s.tti, 0)).join(", ")})`,
        ],
        [
          "bare HTML page with one field, same browser (baseline)",
          `${fmt(bareTti, 0)} ms → the studio takes ${fmt(tti / bareTti, 1)}× (+${fmt(tti - bareTti, 0)} ms)`,
        ],
      ],
    );
  } finally {
    await browser.close();
    await server?.stop();
    await new Promise((resolve) => bare.close(resolve));
    await rm(dist, { recursive: true, force: true });
  }
}

/** Whether the Chromium the studio benchmark drives is installed (run.ts skips it otherwise). */
export function chromiumAvailable(): boolean {
  try {
    execFileSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", ["--version"], {
      stdio: "ignore",
    });
    return true;
  } catch {
    return false;
  }
}
