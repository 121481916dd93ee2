// `.env` is read by `pnpm dev`, `pnpm start` and the worker, the environment winning over the file:
// the real server process started in a folder holding a `.env` listens on the file's PORT and
// leaves demo mode for the file's OPENAI_API_KEY, while a variable set in the environment too keeps
// the environment's value.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDotEnv } from "../src/dotenv";

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "streamline-dotenv-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts `src/<entry>.ts` in `cwd` (tsx resolved from here) and collects its output until `until`. */
function run(entry: "main" | "worker", cwd: string, env: Record<string, string>, until: RegExp) {
  const inherited = { ...process.env };
  // Nothing of the test runner's own settings: only what the test gives, and the file.
  for (const name of ["PORT", "OPENAI_API_KEY", "GEMINI_API_KEY", "NODE_ENV", "DATABASE_URL"]) {
    delete inherited[name];
  }
  const child = spawn(
    process.execPath,
    ["--import", import.meta.resolve("tsx"), path.join(serverDir, "src", `${entry}.ts`)],
    // MEDIA_CATALOG_CHECK=0: the file's made-up key must not send GET /v1/models to OpenAI itself.
    {
      cwd,
      env: { ...inherited, MEDIA_CATALOG_CHECK: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${entry} printed no ${until}:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) {
        clearTimeout(timer);
        child.once("exit", () => resolve(output));
        child.kill("SIGTERM");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!until.test(output)) reject(new Error(`${entry} exited with ${code}:\n${output}`));
    });
  });
}

describe(".env files", () => {
  it("the server reads .env from its folder; the environment wins over the file", async () => {
    const port = await freePort();
    await writeFile(
      path.join(dir, ".env"),
      [
        "# copied from .env.example",
        `PORT=${port}`,
        "HOST=127.0.0.1",
        'OPENAI_API_KEY="sk-from-dotenv-file"',
        "WORKER_IN_PROCESS=0",
        `PGLITE_DATA_DIR=${path.join(dir, "pglite")}`,
        `MEDIA_DIR=${path.join(dir, "media")}`,
        "BETTER_AUTH_SECRET=dotenv-test-secret-0123456789abcdefghij",
        "",
      ].join("\n"),
    );
    // Set in both: the environment's value is the one used.
    const output = await run(
      "main",
      dir,
      { WORKER_IN_PROCESS: "1", NODE_ENV: "development" },
      /API on http:\/\/[^\s]+ .*\n/,
    );
    expect(output).toContain(`API on http://127.0.0.1:${port} `);
    expect(output).toMatch(/worker in process/);
    expect(output).not.toMatch(/offline demo mode/);
    expect(output).toContain(`[server] Read ${path.join(dir, ".env")}`);
    expect(output).not.toContain("sk-from-dotenv-file");
  }, 90_000);

  it("the worker reads it too", async () => {
    const output = await run(
      "worker",
      dir,
      { NODE_ENV: "development" },
      /generation worker started/,
    );
    expect(output).toContain(`[worker] Read ${path.join(dir, ".env")}`);
  }, 90_000);

  it("nearer file over farther, environment over both", async () => {
    const near = path.join(dir, "near.env");
    const far = path.join(dir, "far.env");
    await writeFile(near, "A=near\nB=near\n");
    await writeFile(far, "A=far\nB=far\nC=far\nD=far\n");
    const target: NodeJS.ProcessEnv = { B: "environment", D: "" };
    expect(loadDotEnv([near, path.join(dir, "missing.env"), far], target)).toEqual([near, far]);
    expect(target).toEqual({ A: "near", B: "environment", C: "far", D: "" });
  });
});
