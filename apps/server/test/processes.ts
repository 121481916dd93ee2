// Runs the server or the worker as real child processes (for crash and scale-out tests).
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createOpenAIMock, startMockProviderServer } from "@streamline/fakes/providers";
import type { RequestHandler } from "msw";

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export type ChildRun = { child: ChildProcess; output: () => string; url?: string | undefined };

/** Starts `src/<entry>.ts` with tsx and resolves once it printed `readyPattern`. */
export async function startProcess(
  entry: "main" | "worker",
  env: Record<string, string>,
  readyPattern: RegExp,
  timeoutMs = 60_000,
): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(serverDir, "src", `${entry}.ts`)],
    {
      cwd: serverDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const run: ChildRun = { child, output: () => output };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not start:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(readyPattern);
      if (match) {
        clearTimeout(timer);
        run.url = match[1];
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners("exit");
  return run;
}

export async function stopProcess(run: ChildRun | undefined, signal: NodeJS.Signals = "SIGTERM") {
  if (!run || run.child.exitCode !== null || run.child.signalCode !== null) return;
  const exited = new Promise((resolve) => run.child.once("exit", resolve));
  run.child.kill(signal);
  await exited;
}

/** Resolves once `check` holds, checking every 100 ms; fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/**
 * The OpenAI mock served over loopback HTTP, so every process of a test (servers, workers killed
 * and restarted) talks to one provider that remembers its jobs. Videos take 12 polls to finish.
 */
export async function startOpenAIMockServer() {
  const handlers: RequestHandler[] = [];
  const server = await startMockProviderServer(handlers);
  const baseURL = `${server.url}/v1`;
  const openai = createOpenAIMock({ baseURL, videoPollsToComplete: 12 });
  handlers.push(...openai.handlers);
  return { openai, baseURL, close: () => server.close() };
}
